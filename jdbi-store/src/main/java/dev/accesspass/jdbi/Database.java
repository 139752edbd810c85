package dev.accesspass.jdbi;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.StoreUnavailableException;
import dev.accesspass.store.TokenHash;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
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
    private final Availability availability = new Availability();
    /** Admission to our own pool in arrival order (see {@link PoolGate}); null on an application's pool. */
    private final PoolGate gate;
    /** How many token-check statements may run at once ({@link TokenCheckBatcher}'s lanes). */
    private final int checkLanes;
    /** Whether close deregisters the PostgreSQL driver from {@link DriverManager}: see {@link #driverIsOurs()}. */
    private volatile boolean deregisterDriverOnClose;

    private Database(DataSource dataSource, AutoCloseable owned, String url, Properties driverProperties,
                     PoolGate gate, int connections) {
        this.dataSource = dataSource;
        this.checkLanes = checkLanes(connections, Runtime.getRuntime().availableProcessors());
        this.gate = gate;
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
            if (driverIsOurs()) {
                deregisterPostgresDriver();
            }
            throw startFailure("cannot connect to the database", e, config);
        }
        Database database = new Database(pool, pool, url, properties,
                new PoolGate(config.jdbcPoolSize(), CONNECTION_TIMEOUT), config.jdbcPoolSize());
        database.deregisterDriverOnClose = driverIsOurs();
        try {
            database.migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw startFailure("cannot migrate the database schema", e, config);
        }
        return database;
    }

    /**
     * The stores on an application's own pool (a Spring Boot {@code DataSource}): not closed by {@link #close()}, its
     * timeouts are the application's, and the listener of the validation cache takes one connection from it.
     *
     * @throws IllegalArgumentException naming {@code jdbc-url} when the schema cannot be migrated
     */
    static Database on(DataSource dataSource, AccessPassConfig config) {
        // The application's pool size is not ours to know; jdbc-pool-size (default 10, HikariCP's default too) sizes
        // the token check's share of it.
        Database database = new Database(dataSource, null, null, null, null, config.jdbcPoolSize());
        try {
            database.migrate();
        } catch (RuntimeException e) {
            throw startFailure("cannot migrate the database schema on the application's DataSource", e, config);
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

    /** How many token-check statements may run at once ({@link #checkLanes(int, int)}). */
    int checkLanes() {
        return checkLanes;
    }

    /**
     * At most half the pool, so that the other half stays free for logins, refreshes and writes while checks queue;
     * at most one per core, because a lane's thread also decodes its batch's rows, and more lanes than cores only
     * make smaller batches (on 2 cores, 2 lanes answered about a quarter more checks per second than 5); at least one.
     * One lane already answers up to {@value TokenCheckBatcher#MAX_BATCH} checks per round trip.
     */
    static int checkLanes(int connections, int cores) {
        return Math.max(1, Math.min(connections / 2, cores));
    }

    /** A new connection outside the pool, for the notification listener. Closed by the caller. */
    Connection connectDirectly() throws SQLException {
        if (url == null) {
            return dataSource.getConnection();
        }
        Connection connection = new org.postgresql.Driver().connect(url, driverProperties);
        if (connection == null) {
            throw new SQLException("jdbc-url is not a PostgreSQL URL");
        }
        return connection;
    }

    /** Runs {@code work} on a pooled handle; database failures become {@link StoreUnavailableException}. */
    <R> R withHandle(String action, HandleCallback<R, RuntimeException> work) {
        return run(action, () -> jdbi.withHandle(work));
    }

    /** Runs {@code work} in one READ COMMITTED transaction; failures become {@link StoreUnavailableException}. */
    <R> R inTransaction(String action, HandleCallback<R, RuntimeException> work) {
        return run(action, () -> jdbi.inTransaction(work));
    }

    /** Work on a plain JDBC connection. */
    @FunctionalInterface
    interface ConnectionWork<R> {
        R run(Connection connection) throws SQLException;
    }

    /**
     * Runs one read on a pooled connection without JDBI, for the per-request token check: opening a JDBI handle
     * copies its whole configuration and wraps the statement in several objects, work that one indexed read does not
     * need. Autocommit (the pool's default) makes it one round trip; on a pool without autocommit the read's
     * transaction is rolled back before the connection goes back. Failures become {@link StoreUnavailableException}.
     */
    <R> R read(String action, ConnectionWork<R> work) {
        return run(action, () -> readPlain(work));
    }

    @FunctionalInterface
    private interface Call<R> {
        R call() throws SQLException;
    }

    private <R> R run(String action, Call<R> call) {
        R result;
        try {
            if (gate != null) {
                gate.enter();
            }
        } catch (SQLTransientConnectionException e) {
            // As if the pool had timed out: the same 503, the same outage line.
            availability.failed(action, e);
            throw unavailable(action, e);
        }
        try {
            result = call.call();
        } catch (JdbiException | SQLException e) {
            availability.failed(action, e);
            throw unavailable(action, e);
        } finally {
            if (gate != null) {
                gate.leave();
            }
        }
        availability.succeeded();
        return result;
    }

    private <R> R readPlain(ConnectionWork<R> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            R result = work.run(connection);
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
            return result;
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
        try {
            if (owned != null) {
                owned.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("closing the connection pool failed", e);
        } finally {
            if (deregisterDriverOnClose) {
                // Loading org.postgresql.Driver registered it with DriverManager; on a container this is the web
                // application's class loader, which Tomcat would otherwise report as a leak at undeploy.
                deregisterPostgresDriver();
            }
        }
    }

    /**
     * Whether the PostgreSQL driver came in the same class loader as this store and that loader is not the JVM's
     * application class loader: a web application that ships both in {@code WEB-INF/lib}. Opening the pool loaded the
     * driver there, which registered it with {@link DriverManager}; nothing else in the JVM can use that copy once the
     * application is gone, so close deregisters it. A driver on the JVM's class path, or in a container's shared
     * {@code lib} while this jar is in the application, is left alone.
     */
    static boolean driverIsOurs() {
        ClassLoader ours = Database.class.getClassLoader();
        return org.postgresql.Driver.class.getClassLoader() == ours && ours != ClassLoader.getSystemClassLoader();
    }

    /** Whether a PostgreSQL driver of this class loader is registered with {@link DriverManager}. */
    static boolean postgresDriverRegistered() {
        return Collections.list(DriverManager.getDrivers()).stream()
                .anyMatch(driver -> driver.getClass() == org.postgresql.Driver.class);
    }

    private static void deregisterPostgresDriver() {
        for (Driver driver : Collections.list(DriverManager.getDrivers())) {
            if (driver.getClass() == org.postgresql.Driver.class) {
                try {
                    DriverManager.deregisterDriver(driver);
                } catch (SQLException | SecurityException e) {
                    LOG.debug("could not deregister the PostgreSQL driver", e);
                }
            }
        }
    }
}
