package dev.accesspass.servlet.testing;

import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserStore;

/**
 * Fresh in-memory stores that count the calls which would write a user, a session or an identity, so a test can
 * assert that a refused request attempted none of them. Built on {@link InstrumentedTokenStore} and
 * {@link InstrumentedUserStore}. Thread-safe.
 */
public final class CountingStores {
    private final InstrumentedTokenStore tokens = InstrumentedTokenStore.inMemory();
    private final InstrumentedUserStore users = InstrumentedUserStore.inMemory();

    public TokenStore tokens() {
        return tokens;
    }

    public UserStore users() {
        return users;
    }

    /** Calls that create a user. */
    public int usersCreated() {
        return users.faults().calls("create");
    }

    /** User creations plus session creations plus identity links: one number that must not move on a refusal. */
    public int writes() {
        return usersCreated() + tokens.faults().calls("createSession") + users.faults().calls("linkIdentity");
    }
}
