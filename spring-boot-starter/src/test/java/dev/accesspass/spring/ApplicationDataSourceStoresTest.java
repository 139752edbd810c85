package dev.accesspass.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.accesspass.AccessPassConfig;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

/** The stores on the application's own DataSource: used for both halves, or refused, never half-ignored. */
class ApplicationDataSourceStoresTest {

    @Test
    void tokensElsewhereThanTheApplicationsDataSourceAreRefusedNotIgnored() {
        DefaultListableBeanFactory context = new DefaultListableBeanFactory();
        // Never connected to: the refusal comes before any connection.
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL("jdbc:postgresql://127.0.0.1:1/none");
        context.registerSingleton("dataSource", dataSource);
        AccessPassConfig config = AccessPassConfig.builder().set("store", "jdbc").set("token-store", "redis")
                .set("redis-url", "redis://127.0.0.1:1").build();

        Throwable thrown = catchThrowable(() -> ApplicationDataSourceStores.open(config,
                context.getBeanProvider(DataSource.class)));

        assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
        assertThat(thrown.getMessage()).startsWith("accesspass.token-store:").contains("accesspass.jdbc-url");
    }

    @Test
    void withoutTheApplicationsDataSourceNothingIsOpened() {
        AccessPassConfig config = AccessPassConfig.builder().set("store", "memory").build();
        assertThat(ApplicationDataSourceStores.open(config, new DefaultListableBeanFactory()
                .getBeanProvider(DataSource.class)).stores()).isEmpty();
    }
}
