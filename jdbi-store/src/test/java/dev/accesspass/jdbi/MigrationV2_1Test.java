package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.AccessPass;
import dev.accesspass.Authentication;
import dev.accesspass.TokenResponse;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.sql.Connection;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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
        OldSchema.migrateTo(POSTGRES, "2");
        UUID userId = UUID.randomUUID();
        UUID sessionId = UUID.randomUUID();
        String accessToken = "A".repeat(43);
        Instant now = Instant.now();
        try (Connection connection = POSTGRES.connect()) {
            OldSchema.insertOldUser(connection, userId, now);
            OldSchema.execute(connection, "INSERT INTO accesspass_sessions (id, "
                    + "user_id, created_at, meta, expires_at) VALUES (?, ?, ?, '{}'::jsonb, ?)",
                    sessionId, userId.toString(), now, now.plusSeconds(3600));
            OldSchema.insertAccessToken(connection, accessToken, sessionId, now.plusSeconds(3600));
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
