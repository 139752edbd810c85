package dev.accesspass.store;

import dev.accesspass.AccessPassConfig;

/**
 * Opens the stores for a {@code store} setting other than {@code memory}. Found with {@link java.util.ServiceLoader}
 * (a store module such as {@code accesspass-jdbi-store} registers one), so core never depends on a database.
 */
public interface StoreProvider {

    /** The {@code store} or {@code token-store} value this provider answers to, e.g. {@code "jdbc"}. */
    String name();

    /**
     * Opens both stores. Fails with an {@link IllegalArgumentException} naming the setting at fault (e.g.
     * {@code jdbc-url}) when the backend cannot be reached at start.
     */
    Stores open(AccessPassConfig config);

    /**
     * Opens only a token store, for {@code token-store=<name>} with the users in another store (users in
     * PostgreSQL, tokens in Redis). A provider that keeps tokens only together with its users keeps this default.
     *
     * @throws IllegalArgumentException naming the setting at fault (e.g. {@code redis-url})
     */
    default TokenStore openTokenStore(AccessPassConfig config) {
        throw new IllegalArgumentException("token-store: " + name() + " keeps tokens only together with its users; "
                + "set store=" + name() + " or another token-store");
    }

    /** A token store and a user store opened together; closing closes both. */
    record Stores(TokenStore tokens, UserStore users) implements AutoCloseable {
        @Override
        public void close() {
            try {
                tokens.close();
            } finally {
                users.close();
            }
        }
    }
}
