package dev.accesspass.jdbi;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.StoreUnavailableException;
import dev.accesspass.store.TokenHash;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.argument.SetObjectArgumentFactory;
import org.jdbi.v3.core.config.ConfigRegistry;

/**
 * The connection pool, the {@link Jdbi} on top of it, and the one place where database failures become
 * {@link StoreUnavailableException}. Thread-safe.
 *
 * <p>Notes for maintainers. Every wait is bounded so that a dead database turns into a quick 503, never a hung
 * request thread (SR-65): the pool gives up on a connection after {@link #CONNECTION_TIMEOUT}, the driver on a
 * silent socket after {@link #SOCKET_TIMEOUT}, and the server cancels any statement (or lock wait) running longer
 * than {@link #STATEMENT_TIMEOUT}. The JDBC password goes to the driver only; it is never logged or put into a
 * message (SR-66).
 */
final class Database implements AutoCloseable {
    /** Where the versioned migrations live; an application's own Flyway can include this location. */
    static final String MIGRATIONS = "classpath:db/accesspass/migration";
    /** Flyway's history table for our migrations, apart from any history table of the application. */
    static final String HISTORY_TABLE = "accesspass_schema_history";

    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(5);

    private final DataSource dataSource;
    private final AutoCloseable owned;
    private final Jdbi jdbi;
    private final String url;
    private final Properties driverProperties;

    private Database(DataSource dataSource, AutoCloseable owned, String url, Properties driverProperties) {
        this.dataSource = dataSource;
        this.owned = owned;
        this.url = url;
        this.driverProperties = driverProperties;
        this.jdbi = Jdbi.create(dataSource);
        // java.time values go to the driver as they are (timestamptz), not through java.sql.Timestamp and the
        // JVM's default time zone.
        jdbi.registerArgument(SetObjectArgumentFactory.forClasses(
                Map.of(OffsetDateTime.class, Types.TIMESTAMP_WITH_TIMEZONE)));
        // Instants and token digests bind as they are, once for every statement: an instant as a timestamptz with
        // an explicit UTC offset (possibly null, with bindByType), a digest as its 32 bytes (bytea).
        jdbi.registerArgument(new AbstractArgumentFactory<Instant>(Types.TIMESTAMP_WITH_TIMEZONE) {
            @Override
            protected Argument build(Instant value, ConfigRegistry config) {
                return (position, statement, context) -> statement.setObject(position, value.atOffset(ZoneOffset.UTC),
                        Types.TIMESTAMP_WITH_TIMEZONE);
            }
        });
        jdbi.registerArgument(new AbstractArgumentFactory<TokenHash>(Types.BINARY) {
            @Override
            protected Argument build(TokenHash value, ConfigRegistry config) {
                return (position, statement, context) -> statement.setBytes(position, value.bytes());
            }
        });
    }

    /**
     * Opens the pool described by the {@code jdbc-*} settings and brings the schema up to date.
     *
     * @throws IllegalArgumentException naming {@code jdbc-url} when the database cannot be reached or migrated;
     *                                  the message never contains the password
     */
    static Database open(AccessPassConfig config) {
        String url = config.jdbcUrl()
                .orElseThrow(() -> new IllegalArgumentException("jdbc-url: required when store=jdbc"));
        Properties properties = driverProperties(config);
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("accesspass");
        hikari.setDriverClassName("org.postgresql.Driver");
        hikari.setJdbcUrl(url);
        hikari.setDataSourceProperties(properties);
        hikari.setMaximumPoolSize(config.jdbcPoolSize());
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        hikari.setValidationTimeout(1000);
        // Fail the start when the database is unreachable, instead of a pool that answers 503 forever.
        hikari.setInitializationFailTimeout(CONNECTION_TIMEOUT.toMillis());
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw startFailure("cannot connect to the database", e, config);
        }
        Database database = new Database(pool, pool, url, properties);
        try {
            database.migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw startFailure("cannot migrate the database schema", e, config);
        }
        return database;
    }

    /** Runs our migrations (idempotent; Flyway holds a lock so that instances starting together take turns). */
    void migrate() {
        Flyway.configure()
                .dataSource(dataSource)
                .locations(MIGRATIONS)
                .table(HISTORY_TABLE)
                // A schema that already holds the application's tables is fine: our history starts empty.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    static Properties driverProperties(AccessPassConfig config) {
        Properties properties = new Properties();
        config.jdbcUser().ifPresent(user -> properties.setProperty("user", user));
        config.jdbcPassword().ifPresent(password -> properties.setProperty("password", password));
        properties.setProperty("connectTimeout", Long.toString(CONNECTION_TIMEOUT.toSeconds()));
        properties.setProperty("loginTimeout", Long.toString(CONNECTION_TIMEOUT.toSeconds()));
        properties.setProperty("socketTimeout", Long.toString(SOCKET_TIMEOUT.toSeconds()));
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "accesspass");
        properties.setProperty("options", "-c statement_timeout=" + STATEMENT_TIMEOUT.toMillis()
                + " -c lock_timeout=" + STATEMENT_TIMEOUT.toMillis());
        return properties;
    }

    /**
     * A start failure that names the setting and says what went wrong, without the password (which a driver
     * message could in principle echo) and without the URL (which may carry credentials as parameters).
     */
    private static IllegalArgumentException startFailure(String what, RuntimeException e, AccessPassConfig config) {
        String reason = rootMessage(e);
        String password = config.jdbcPassword().orElse("");
        if (!password.isEmpty()) {
            reason = reason.replace(password, "****");
        }
        String jdbcUrl = config.jdbcUrl().orElse("");
        if (!jdbcUrl.isEmpty()) {
            reason = reason.replace(jdbcUrl, "<jdbc-url>");
        }
        // The cause is not attached: its message chain is exactly what the scrubbing above is for.
        return new IllegalArgumentException("jdbc-url: " + what + " (" + reason
                + "); check jdbc-url, jdbc-user and jdbc-password");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** A new connection outside the pool, for the notification listener. Closed by the caller. */
    Connection connectDirectly() throws SQLException {
        Connection connection = new org.postgresql.Driver().connect(url, driverProperties);
        if (connection == null) {
            throw new SQLException("jdbc-url is not a PostgreSQL URL");
        }
        return connection;
    }

    /** Runs {@code work} on a pooled handle; database failures become {@link StoreUnavailableException}. */
    <R> R withHandle(String action, HandleCallback<R, RuntimeException> work) {
        try {
            return jdbi.withHandle(work);
        } catch (JdbiException e) {
            throw unavailable(action, e);
        }
    }

    /** Runs {@code work} in one READ COMMITTED transaction; failures become {@link StoreUnavailableException}. */
    <R> R inTransaction(String action, HandleCallback<R, RuntimeException> work) {
        try {
            return jdbi.inTransaction(work);
        } catch (JdbiException e) {
            throw unavailable(action, e);
        }
    }

    static StoreUnavailableException unavailable(String action, Exception e) {
        // The message names the step, never a value: parameters can be token digests or email addresses.
        return new StoreUnavailableException("The database could not " + action + ".", e);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    @Override
    public void close() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the connection pool failed", e);
            }
        }
    }
}
