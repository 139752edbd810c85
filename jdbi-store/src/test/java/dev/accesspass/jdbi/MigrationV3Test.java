package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.AccessPass;
import dev.accesspass.Authentication;
import dev.accesspass.ClientContext;
import dev.accesspass.TokenResponse;
import dev.accesspass.store.TokenHash;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
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
        OldSchema.migrateTo(POSTGRES, "2.1");
        UUID userId = UUID.randomUUID();
        UUID sessionId = UUID.randomUUID();
        String accessToken = "B".repeat(43);
        Instant now = Instant.now();
        try (Connection connection = POSTGRES.connect()) {
            OldSchema.insertOldUser(connection, userId, now);
            OldSchema.execute(connection, "INSERT INTO accesspass_sessions (id, "
                    + "user_id, created_at, meta, expires_at) VALUES (?, ?, ?, '{}'::jsonb, ?)",
                    sessionId, userId.toString(), now, now.plusSeconds(3600));
            OldSchema.insertAccessToken(connection, accessToken, sessionId, now.plusSeconds(3600));
            OldSchema.execute(connection, "INSERT INTO accesspass_login_attempts "
                    + "(attempt_key, failures, window_ends_at) VALUES (?, 3, ?), ('address:192.0.2.1', 2, ?)",
                    "account:name:" + "x".repeat(2000), now.plusSeconds(600), now.plusSeconds(600));
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
