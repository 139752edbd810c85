package dev.accesspass.servlet;

import dev.accesspass.servlet.testing.PasskeyJourneyContract;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserStore;

/** The passkey journeys of API.md §10 on the in-memory stores. */
class PasskeyRoutesTest extends PasskeyJourneyContract {
    private final UserStore users = UserStore.inMemory();

    @Override
    protected TestServer.Builder serverBuilder() {
        return TestServer.builder().stores(TokenStore.inMemory(), users);
    }

    @Override
    protected UserStore userStore() {
        return users;
    }
}
