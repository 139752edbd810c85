package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.AccessPass;
import dev.accesspass.Authentication;
import dev.accesspass.TokenResponse;
import dev.accesspass.password.Argon2Parameters;
import dev.accesspass.password.PasswordHasher;
import dev.accesspass.store.TokenHash;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * V2 (credential epochs, SR-71) applied to a database made by V1 with a live user and live sessions: after the
 * migration those sessions keep working (token check and refresh), the password still logs in, and the new
 * columns then do their job (a logout-all ends the migrated sessions).
 */
class MigrationV2Test {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();
    private static final String PASSWORD = "a password from before V2";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void v1DatabaseWithLiveSessionsMigratesAndTheSessionsKeepWorking() throws Exception {
        Flyway.configure()
                .dataSource(POSTGRES.jdbcUrl(), "postgres", "")
                .locations(Database.MIGRATIONS)
                .table(Database.HISTORY_TABLE)
                .target("1")
                .load()
                .migrate();
        UUID user = UUID.randomUUID();
        String hash = PasswordHasher.argon2id(Argon2Parameters.owaspDefault()).hash(PASSWORD);
        Instant now = Instant.now();
        String firstAccess = token();
        String firstRefresh = token();
        String secondAccess = token();
        String secondRefresh = token();
        try (Connection connection = POSTGRES.connect()) {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO accesspass_users (id, username, username_key, email, email_key, email_confirmed,
                                                  password_hash, roles, created_at)
                    VALUES (?, 'veteran', 'veteran', 'veteran@example.com', 'veteran@example.com', true, ?,
                            '{user}', ?)""")) {
                insert.setObject(1, user);
                insert.setString(2, hash);
                insert.setTimestamp(3, Timestamp.from(now));
                insert.executeUpdate();
            }
            insertSession(connection, user, now, firstAccess, firstRefresh);
            insertSession(connection, user, now, secondAccess, secondRefresh);
        }

        try (AccessPass accessPass = AccessPass.builder(POSTGRES.config().build()).build()) {
            try (Connection connection = POSTGRES.connect(); Statement statement = connection.createStatement();
                 ResultSet versions = statement.executeQuery(
                         "SELECT count(*) FROM accesspass_schema_history WHERE success AND version = '2'")) {
                assertThat(versions.next()).isTrue();
                assertThat(versions.getInt(1)).as("V2 applied on top of V1").isEqualTo(1);
            }
            Authentication first = accessPass.authenticate(firstAccess).orElseThrow();
            assertThat(first.user().username()).isEqualTo("veteran");
            assertThat(first.user().roles()).containsExactly("user");
            TokenResponse refreshed = accessPass.refresh(secondRefresh);
            assertThat(accessPass.authenticate(refreshed.accessToken())).isPresent();
            TokenResponse login = accessPass.login("veteran", PASSWORD, "192.0.2.1");
            assertThat(accessPass.authenticate(login.accessToken())).isPresent();

            // The epoch columns work on migrated rows: logout-all ends every session, also the migrated ones.
            accessPass.logoutAll(first);
            assertThat(accessPass.authenticate(firstAccess)).isEmpty();
            assertThat(accessPass.authenticate(refreshed.accessToken())).isEmpty();
            assertThat(accessPass.authenticate(login.accessToken())).isEmpty();
            assertThat(accessPass.authenticate(accessPass.login("veteran", PASSWORD, "192.0.2.1").accessToken()))
                    .as("a login after the logout-all").isPresent();
        }
    }

    private static void insertSession(Connection connection, UUID user, Instant now, String access, String refresh)
            throws Exception {
        UUID session = UUID.randomUUID();
        Instant accessExpires = now.plus(Duration.ofMinutes(5));
        Instant refreshExpires = now.plus(Duration.ofDays(30));
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO accesspass_sessions (id, user_id, created_at, ends_at, meta, refresh_expires_at,
                                                 expires_at)
                VALUES (?, ?, ?, NULL, '{}'::jsonb, ?, ?)""")) {
            insert.setObject(1, session);
            insert.setString(2, user.toString());
            insert.setTimestamp(3, Timestamp.from(now));
            insert.setTimestamp(4, Timestamp.from(refreshExpires));
            insert.setTimestamp(5, Timestamp.from(refreshExpires));
            insert.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO accesspass_access_tokens (token_hash, session_id, expires_at) VALUES (?, ?, ?)")) {
            insert.setBytes(1, TokenHash.of(access).bytes());
            insert.setObject(2, session);
            insert.setTimestamp(3, Timestamp.from(accessExpires));
            insert.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO accesspass_refresh_tokens (token_hash, session_id, expires_at) VALUES (?, ?, ?)")) {
            insert.setBytes(1, TokenHash.of(refresh).bytes());
            insert.setObject(2, session);
            insert.setTimestamp(3, Timestamp.from(refreshExpires));
            insert.executeUpdate();
        }
    }

    private static String token() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
