package dev.accesspass.jdbi;

import dev.accesspass.AccessPassConfig;
import dev.accesspass.store.StoreProvider;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code store=jdbc} provider, found by {@link java.util.ServiceLoader}: opens a HikariCP pool on
 * {@code jdbc-url} (with {@code jdbc-user}, {@code jdbc-password}, {@code jdbc-pool-size}), runs the schema
 * migrations from {@code classpath:db/accesspass/migration}, and returns the token and user stores on it. With
 * {@code token-cache-ttl} above zero the stores keep a local cache of token checks and of user records whose entries
 * are evicted on every instance when a session is revoked or a user changed anywhere (PostgreSQL
 * {@code LISTEN/NOTIFY}).
 *
 * <p>Applications that build AccessPass in code can call {@link #open} themselves and pass the stores to
 * {@code AccessPass.Builder.stores}; closing the returned {@link StoreProvider.Stores} closes the pool.
 */
public final class JdbiStoreProvider implements StoreProvider {

    /** For ServiceLoader. */
    public JdbiStoreProvider() {
    }

    @Override
    public String name() {
        return "jdbc";
    }

    /**
     * Opens the stores. Thread-safe.
     *
     * @throws IllegalArgumentException naming {@code jdbc-url} when the database cannot be reached or its schema
     *                                  cannot be migrated (never with the password in the message)
     */
    @Override
    public Stores open(AccessPassConfig config) {
        return stores(Database.open(config), config);
    }

    /**
     * The stores on the application's own {@code dataSource} instead of a pool of their own (the {@code jdbc-url},
     * {@code jdbc-user}, {@code jdbc-password} and {@code jdbc-pool-size} settings are not used). The migrations run
     * on it; closing the returned stores leaves the data source open. Thread-safe.
     *
     * @throws IllegalArgumentException naming {@code jdbc-url} when the schema cannot be migrated
     */
    public static Stores open(AccessPassConfig config, javax.sql.DataSource dataSource) {
        return stores(Database.on(dataSource, config), config);
    }

    private static Stores stores(Database database, AccessPassConfig config) {
        ValidationCache cache = config.tokenCacheTtl().isZero() ? null
                : new ValidationCache(database, config.tokenCacheTtl());
        // The pool closes when both stores are closed, whichever goes last.
        AtomicInteger open = new AtomicInteger(2);
        Runnable release = () -> {
            if (open.decrementAndGet() == 0) {
                database.close();
            }
        };
        return new Stores(new JdbiTokenStore(database, cache, release), new JdbiUserStore(database, cache, release));
    }
}
