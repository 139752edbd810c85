package dev.accesspass.servlet;

import dev.accesspass.servlet.testing.PasskeyJourneyContract;
import dev.accesspass.servlet.testing.TestServer;

/** The passkey journeys of API.md §10 on the in-memory stores. */
class PasskeyRoutesTest extends PasskeyJourneyContract {
    @Override
    protected TestServer.Builder serverBuilder() {
        return TestServer.builder();
    }
}
