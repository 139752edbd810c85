package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.AccessPass;
import dev.accesspass.Authentication;
import dev.accesspass.ClientContext;
import dev.accesspass.Totp;
import dev.accesspass.UserId;
import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code V3_2__second_factor} on a database of schema 3.1 holding a user (without a password, as from OAuth) and a
 * live session: after the migration the session still authenticates, the user has no second factor, and can turn
 * TOTP on (the recent session standing in for the password it does not have) and use a recovery code.
 */
class MigrationV3_2Test {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();

    @Test
    void databaseOfSchema31MigratesAndItsUsersKeepWorkingAndCanEnroll() throws Exception {
        OldSchema.migrateTo(POSTGRES, "3.1");
        UUID userId = UUID.randomUUID();
        UUID sessionId = UUID.randomUUID();
        String accessToken = "A".repeat(43);
        Instant created = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.MILLIS);
        try (Connection connection = POSTGRES.connect()) {
            OldSchema.insertOldUser(connection, userId, created);
            OldSchema.execute(connection, "INSERT INTO accesspass_sessions (id, "
                    + "user_id, created_at, meta, refresh_expires_at, expires_at, method, amr, auth_time, aal) "
                    + "VALUES (?, ?, ?, '{}'::jsonb, ?, ?, 'oauth:github', '{}', ?, 1)",
                    sessionId, userId.toString(), created, created.plusSeconds(86_400), created.plusSeconds(86_400),
                    created);
            OldSchema.insertAccessToken(connection, accessToken, sessionId, created.plusSeconds(3600));
        }

        try (AccessPass accessPass = AccessPass.builder(POSTGRES.config().build()).build()) {
            Authentication auth = accessPass.authenticate(accessToken).orElseThrow();
            assertThat(auth.user().username()).isEqualTo("old");
            UserId user = new UserId(userId.toString());
            assertThat(accessPass.userStore().findSecondFactor(user)).isEmpty();

            AccessPass.TotpSetup setup = accessPass.setupTotp(auth, null, ClientContext.none());
            List<String> codes = accessPass.confirmTotp(auth, Totp.codeAt(setup.secret(), Instant.now()),
                    ClientContext.none());
            assertThat(codes).hasSize(10);
            assertThat(accessPass.userStore().findSecondFactor(user).orElseThrow().enabled()).isTrue();
            assertThat(accessPass.userStore().findSecondFactor(user).orElseThrow().recoveryCodes()).isEqualTo(10);
            assertThat(accessPass.authenticate(accessToken)).isPresent();
        }
    }
}
