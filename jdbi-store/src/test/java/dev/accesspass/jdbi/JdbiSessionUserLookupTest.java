package dev.accesspass.jdbi;

import dev.accesspass.store.SessionUserLookupContract;
import dev.accesspass.store.StoreProvider;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The one-statement token check of the JDBI stores against the two calls it replaces, without the cache. */
class JdbiSessionUserLookupTest extends SessionUserLookupContract {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();

    @Override
    protected StoreProvider.Stores newStores() {
        Database database = POSTGRES.emptiedRacingPool();
        return new StoreProvider.Stores(new JdbiTokenStore(database, null, () -> { }),
                new JdbiUserStore(database, null, () -> { }));
    }
}
