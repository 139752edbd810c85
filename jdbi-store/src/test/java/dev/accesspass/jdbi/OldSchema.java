package dev.accesspass.jdbi;

import dev.accesspass.store.TokenHash;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import org.flywaydb.core.Flyway;

/**
 * A database as an older release left it, for the migration tests: the schema migrated up to a given version, and
 * rows written with that version's columns (plain SQL, since today's stores write today's columns).
 */
final class OldSchema {
    private OldSchema() {
    }

    /** Runs the migrations up to and including {@code version}, as that release's Flyway did. */
    static void migrateTo(EmbeddedDatabase database, String version) {
        Flyway.configure().dataSource(database.jdbcUrl(), "postgres", "").locations(Database.MIGRATIONS)
                .table(Database.HISTORY_TABLE).baselineOnMigrate(true).baselineVersion("0").target(version).load()
                .migrate();
    }

    /** The user {@code old} ({@code old@example.com}, confirmed, without a password), in columns every schema has. */
    static void insertOldUser(Connection connection, UUID id, Instant createdAt) throws SQLException {
        execute(connection, "INSERT INTO accesspass_users (id, username, username_key, email, email_key, "
                + "email_confirmed, password_hash, created_at) "
                + "VALUES (?, 'old', 'old', 'old@example.com', 'old@example.com', true, NULL, ?)", id, createdAt);
    }

    /** An access token of {@code session}, kept as its digest like every release did. */
    static void insertAccessToken(Connection connection, String token, UUID session, Instant expiresAt)
            throws SQLException {
        execute(connection, "INSERT INTO accesspass_access_tokens (token_hash, session_id, expires_at) "
                + "VALUES (?, ?, ?)", TokenHash.of(token).bytes(), session, expiresAt);
    }

    /** A refresh token of {@code session}, kept as its digest. */
    static void insertRefreshToken(Connection connection, String token, UUID session, Instant expiresAt)
            throws SQLException {
        execute(connection, "INSERT INTO accesspass_refresh_tokens (token_hash, session_id, expires_at) "
                + "VALUES (?, ?, ?)", TokenHash.of(token).bytes(), session, expiresAt);
    }

    /** One statement with its parameters in order; an {@link Instant} is bound as a timestamp. */
    static void execute(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                Object parameter = parameters[i];
                if (parameter instanceof Instant instant) {
                    statement.setTimestamp(i + 1, Timestamp.from(instant));
                } else if (parameter instanceof byte[] bytes) {
                    statement.setBytes(i + 1, bytes);
                } else {
                    statement.setObject(i + 1, parameter);
                }
            }
            statement.executeUpdate();
        }
    }
}
