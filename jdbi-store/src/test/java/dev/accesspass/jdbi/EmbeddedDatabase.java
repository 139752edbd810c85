package dev.accesspass.jdbi;

import dev.accesspass.AccessPassConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real PostgreSQL per test class (zonky's embedded binaries from Maven Central), on a fixed loopback port and
 * data directory so that a test can stop it and start it again with the data intact. Register as a static
 * {@code @RegisterExtension} field.
 */
final class EmbeddedDatabase implements BeforeAllCallback, AfterAllCallback {
    private Path dataDirectory;
    private int port;
    private EmbeddedPostgres postgres;
    private Database racingPool;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dataDirectory = Files.createTempDirectory("accesspass-pg");
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (racingPool != null) {
            racingPool.close();
            racingPool = null;
        }
        stop();
        try (Stream<Path> files = Files.walk(dataDirectory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /** Starts (or restarts) the server on the same port and data. */
    void start() {
        try {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server; connections drop. */
    void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            postgres = null;
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** store=jdbc on this database. */
    AccessPassConfig.Builder config() {
        return AccessPassConfig.builder().set("store", "jdbc").set("jdbc-url", jdbcUrl()).set("jdbc-user", "postgres");
    }

    /**
     * One {@link Database} on this server for the class, closed after it, with a connection for each racer of the
     * store contracts (up to 32 threads at once): so a loaded CI machine measures the store's atomicity, not the
     * pool's 2 s wait (which is fail-closed by design).
     */
    Database racingPool() {
        if (racingPool == null) {
            racingPool = Database.open(config().set("jdbc-pool-size", "40").build());
        }
        return racingPool;
    }

    /** {@link #racingPool()} with every table emptied: opening it first runs the migrations the tables come from. */
    Database emptiedRacingPool() {
        Database database = racingPool();
        truncate();
        return database;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "");
    }

    /** Empties every AccessPass table (the schema stays). */
    void truncate() {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("TRUNCATE accesspass_identities, accesspass_users, accesspass_access_tokens, "
                    + "accesspass_refresh_tokens, accesspass_sessions, accesspass_one_time_tokens, "
                    + "accesspass_login_attempts, accesspass_totp, accesspass_recovery_codes, accesspass_passkey_users, "
                    + "accesspass_passkeys");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
