package dev.accesspass.jdbi;

import dev.accesspass.store.SessionUserLookupContract;
import dev.accesspass.store.StoreProvider;
import dev.accesspass.testing.Await;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The one-statement token check with the validation cache on ({@code token-cache-ttl} above zero): cached or not,
 * its answers are those of the two calls.
 */
class JdbiCachedSessionUserLookupTest extends SessionUserLookupContract {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();

    @Override
    protected StoreProvider.Stores newStores() {
        Database database = POSTGRES.emptiedRacingPool();
        ValidationCache cache = new ValidationCache(database, Duration.ofSeconds(60));
        Await.until("the listener started", cache::active);
        // The token store closes the cache.
        return new StoreProvider.Stores(new JdbiTokenStore(database, cache, () -> { }),
                new JdbiUserStore(database, cache, () -> { }));
    }
}
