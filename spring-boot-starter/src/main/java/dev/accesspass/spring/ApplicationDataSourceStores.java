package dev.accesspass.spring;

import dev.accesspass.AccessPassConfig;
import dev.accesspass.jdbi.JdbiStoreProvider;
import dev.accesspass.store.StoreProvider;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.springframework.beans.factory.ObjectProvider;
import org.slf4j.LoggerFactory;

/**
 * The jdbc stores opened on the application's {@link DataSource} ({@code store=jdbc}, no {@code jdbc-url}), owned
 * by the context: closing them leaves the application's pool open. Empty when AccessPass opens its own pool or does
 * not use jdbc.
 */
final class ApplicationDataSourceStores implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApplicationDataSourceStores.class);
    private final StoreProvider.Stores stores;

    private ApplicationDataSourceStores(StoreProvider.Stores stores) {
        this.stores = stores;
    }

    static ApplicationDataSourceStores open(AccessPassConfig config, ObjectProvider<DataSource> dataSources) {
        if (!config.store().equals("jdbc") || config.jdbcUrl().isPresent()) {
            return new ApplicationDataSourceStores(null);
        }
        // Only now is the application's DataSource created (it may not be configured at all with store=memory).
        DataSource dataSource = dataSources.getIfUnique();
        if (dataSource == null) {
            return new ApplicationDataSourceStores(null);
        }
        if (!config.tokenStore().equals("jdbc")) {
            // The application's pool carries both stores here; tokens elsewhere would be silently ignored.
            throw new IllegalArgumentException("accesspass.token-store: " + config.tokenStore()
                    + " needs accesspass.jdbc-url for the users (on the application's DataSource, tokens stay in it)");
        }
        LOG.info("store=jdbc on the application's DataSource (no accesspass.jdbc-url set)");
        try {
            return new ApplicationDataSourceStores(JdbiStoreProvider.open(config, dataSource));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("accesspass." + e.getMessage());
        }
    }

    Optional<StoreProvider.Stores> stores() {
        return Optional.ofNullable(stores);
    }

    @Override
    public void close() {
        if (stores != null) {
            stores.close();
        }
    }
}
