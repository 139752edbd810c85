package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.AccessPass;
import dev.accesspass.Authentication;
import dev.accesspass.SessionId;
import dev.accesspass.TokenResponse;
import dev.accesspass.UserId;
import dev.accesspass.store.LiveSession;
import dev.accesspass.store.SessionMetadata;
import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code V3_1__session_metadata} on a database made by the migrations before it, holding a user and a live session
 * with an access and a refresh token: after the migration the session still authenticates, refreshes and is listed,
 * with the defaults of a session whose origin is unknown (method {@code api}, no amr, level 1, authenticated and last
 * used when it was created), and its refresh moves {@code last_used_at}.
 */
class MigrationV3_1Test {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();

    @Test
    void databaseBeforeSessionMetadataMigratesAndItsSessionsKeepWorking() throws Exception {
        OldSchema.migrateTo(POSTGRES, "3");
        UUID userId = UUID.randomUUID();
        UUID sessionId = UUID.randomUUID();
        String accessToken = "A".repeat(43);
        String refreshToken = "R".repeat(43);
        Instant created = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.MILLIS);
        try (Connection connection = POSTGRES.connect()) {
            OldSchema.insertOldUser(connection, userId, created);
            OldSchema.execute(connection, "INSERT INTO accesspass_sessions (id, "
                    + "user_id, created_at, meta, refresh_expires_at, expires_at) VALUES (?, ?, ?, '{}'::jsonb, ?, ?)",
                    sessionId, userId.toString(), created, created.plusSeconds(86_400), created.plusSeconds(86_400));
            OldSchema.insertAccessToken(connection, accessToken, sessionId, created.plusSeconds(3600));
            OldSchema.insertRefreshToken(connection, refreshToken, sessionId, created.plusSeconds(86_400));
        }

        try (AccessPass accessPass = AccessPass.builder(POSTGRES.config().build()).build()) {
            Authentication auth = accessPass.authenticate(accessToken).orElseThrow();
            assertThat(auth.user().username()).isEqualTo("old");
            assertThat(auth.sessionId()).isEqualTo(new SessionId(sessionId.toString()));
            assertThat(auth.amr()).isEmpty();
            assertThat(auth.aal()).isEqualTo(1);
            assertThat(auth.authTime()).isEqualTo(created.truncatedTo(ChronoUnit.SECONDS));

            UserId user = new UserId(userId.toString());
            List<LiveSession> listed = accessPass.sessions(user);
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).metadata()).isEqualTo(SessionMetadata.unknown(created));
            assertThat(listed.get(0).lastUsedAt()).isEqualTo(created);

            TokenResponse refreshed = accessPass.refresh(refreshToken);
            assertThat(accessPass.authenticate(refreshed.accessToken()).orElseThrow().sessionId())
                    .isEqualTo(auth.sessionId());
            assertThat(accessPass.sessions(user).get(0).lastUsedAt()).isAfter(created);

            assertThat(accessPass.revokeSession(user, auth.sessionId())).isTrue();
            assertThat(accessPass.authenticate(refreshed.accessToken())).isEmpty();
        }
    }
}
