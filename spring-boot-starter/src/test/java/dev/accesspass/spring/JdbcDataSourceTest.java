package dev.accesspass.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.AccessPass;
import dev.accesspass.spring.app.TestApplication;
import dev.accesspass.testing.Http;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code accesspass.store=jdbc} without {@code accesspass.jdbc-url}: the stores run on the application's own
 * {@code DataSource} (Boot's HikariCP pool on an embedded PostgreSQL), not on a second pool.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"accesspass.store=jdbc", "spring.autoconfigure.exclude="})
class JdbcDataSourceTest {
    private static final EmbeddedPostgres POSTGRES = start();

    private static EmbeddedPostgres start() {
        try {
            return EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void dataSource(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> POSTGRES.getJdbcUrl("postgres", "postgres"));
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.hikari.pool-name", () -> "application-pool");
    }

    @AfterAll
    static void stop() throws IOException {
        POSTGRES.close();
    }

    @Autowired
    private Environment environment;
    @Autowired
    private AccessPass accessPass;
    @Autowired
    private DataSource dataSource;

    @Test
    void theApplicationsDataSourceHoldsTheUsers() throws SQLException {
        assertThat(accessPass.config().store()).isEqualTo("jdbc");
        assertThat(accessPass.config().jdbcUrl()).as("no second pool could have been opened").isEmpty();
        Http http = new Http("http://127.0.0.1:" + environment.getProperty("local.server.port"));

        Http.Reply registered = http.register("kim", "correct horse battery");
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        assertThat(http.get("/api/hello", registered.field("access_token")).status()).isEqualTo(200);

        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT count(*) FROM accesspass_users WHERE username = 'kim'")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(1);
        }
        // Only the application's pool is connected: no connection with AccessPass's own ApplicationName exists.
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'accesspass'")) {
            rows.next();
            assertThat(rows.getInt(1)).isZero();
        }
        Http.Reply health = http.get("/actuator/health", null);
        assertThat(health.json().at("/components/accessPass/status").asText()).isEqualTo("UP");
        assertThat(health.json().at("/components/accessPass/details/store").asText()).isEqualTo("jdbc");
    }
}
