package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.AccessPass;
import dev.accesspass.Authentication;
import dev.accesspass.ClientContext;
import dev.accesspass.TokenResponse;
import dev.accesspass.store.TokenHash;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code V3__known_devices_and_throttle} on a database made by the migrations before it (V1, V2, V2_1) with a user,
 * a live session and counters under the old, unbounded keys: the session keeps working, overlong keys are gone,
 * and known devices can be kept afterwards.
 */
class MigrationV3Test {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();

    @Test
    void v2_1DatabaseWithALiveSessionMigratesAndKeepsWorking() throws Exception {
        Flyway.configure().dataSource(POSTGRES.jdbcUrl(), "postgres", "").locations(Database.MIGRATIONS)
                .table(Database.HISTORY_TABLE).baselineOnMigrate(true).baselineVersion("0").target("2.1").load()
                .migrate();
        UUID userId = UUID.randomUUID();
        UUID sessionId = UUID.randomUUID();
        String accessToken = "B".repeat(43);
        Instant now = Instant.now();
        try (Connection connection = POSTGRES.connect()) {
            try (PreparedStatement user = connection.prepareStatement("INSERT INTO accesspass_users (id, username, "
                    + "username_key, email, email_key, email_confirmed, password_hash, created_at) "
                    + "VALUES (?, 'old', 'old', 'old@example.com', 'old@example.com', true, NULL, ?)")) {
                user.setObject(1, userId);
                user.setTimestamp(2, Timestamp.from(now));
                user.executeUpdate();
            }
            try (PreparedStatement session = connection.prepareStatement("INSERT INTO accesspass_sessions (id, "
                    + "user_id, created_at, meta, expires_at) VALUES (?, ?, ?, '{}'::jsonb, ?)")) {
                session.setObject(1, sessionId);
                session.setString(2, userId.toString());
                session.setTimestamp(3, Timestamp.from(now));
                session.setTimestamp(4, Timestamp.from(now.plusSeconds(3600)));
                session.executeUpdate();
            }
            try (PreparedStatement token = connection.prepareStatement("INSERT INTO accesspass_access_tokens "
                    + "(token_hash, session_id, expires_at) VALUES (?, ?, ?)")) {
                token.setBytes(1, TokenHash.of(accessToken).bytes());
                token.setObject(2, sessionId);
                token.setTimestamp(3, Timestamp.from(now.plusSeconds(3600)));
                token.executeUpdate();
            }
            try (PreparedStatement attempts = connection.prepareStatement("INSERT INTO accesspass_login_attempts "
                    + "(attempt_key, failures, window_ends_at) VALUES (?, 3, ?), ('address:192.0.2.1', 2, ?)")) {
                attempts.setString(1, "account:name:" + "x".repeat(2000));
                attempts.setTimestamp(2, Timestamp.from(now.plusSeconds(600)));
                attempts.setTimestamp(3, Timestamp.from(now.plusSeconds(600)));
                attempts.executeUpdate();
            }
        }

        try (AccessPass accessPass = AccessPass.builder(POSTGRES.config().build()).build()) {
            Authentication auth = accessPass.authenticate(accessToken).orElseThrow();
            assertThat(auth.user().username()).isEqualTo("old");
            TokenResponse fresh = accessPass.openSession(auth.user().id(), Map.of());
            assertThat(accessPass.authenticate(fresh.accessToken())).isPresent();

            String cookie = accessPass.rememberDevice(auth.user().id(), ClientContext.none());
            assertThat(accessPass.tokenStore().findKnownDevice(TokenHash.of(cookie), Instant.now()))
                    .contains(auth.user().id());
        }
        try (Connection connection = POSTGRES.connect();
             ResultSet keys = connection.createStatement().executeQuery(
                     "SELECT max(octet_length(attempt_key)), count(*) FROM accesspass_login_attempts")) {
            keys.next();
            assertThat(keys.getInt(1)).as("the overlong key is gone").isLessThanOrEqualTo(128);
            assertThat(keys.getInt(2)).as("short keys stay").isEqualTo(1);
        }
    }
}
