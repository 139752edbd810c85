package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.AccessPass;
import dev.accesspass.Authentication;
import dev.accesspass.TokenResponse;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code V2_1__users_without_email} on a database made by the migrations before it (V1 and V2) with a user and a live
 * session: both keep working, and a user without an email can be created afterwards (SR-76).
 */
class MigrationV2_1Test {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();

    @Test
    void v2DatabaseWithALiveSessionMigratesAndKeepsWorking() throws Exception {
        Flyway.configure().dataSource(POSTGRES.jdbcUrl(), "postgres", "").locations(Database.MIGRATIONS)
                .table(Database.HISTORY_TABLE).baselineOnMigrate(true).baselineVersion("0").target("2").load()
                .migrate();
        UUID userId = UUID.randomUUID();
        UUID sessionId = UUID.randomUUID();
        String accessToken = "A".repeat(43);
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
        }

        try (AccessPass accessPass = AccessPass.builder(POSTGRES.config().build()).build()) {
            Authentication auth = accessPass.authenticate(accessToken).orElseThrow();
            assertThat(auth.user().username()).isEqualTo("old");
            assertThat(auth.user().email()).isEqualTo("old@example.com");
            TokenResponse fresh = accessPass.openSession(auth.user().id(), Map.of());
            assertThat(accessPass.authenticate(fresh.accessToken())).isPresent();

            UserStore users = accessPass.userStore();
            UserRecord first = users.create(new NewUser("noemail1", null, false, null, Set.of(), now));
            UserRecord second = users.create(new NewUser("noemail2", null, false, null, Set.of(), now));
            assertThat(users.findById(first.id()).orElseThrow().email()).isNull();
            assertThat(users.findById(second.id()).orElseThrow().email()).isNull();
        }
    }
}
