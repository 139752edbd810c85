package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accesspass.AccessPass;
import dev.accesspass.Authentication;
import dev.accesspass.ClientContext;
import dev.accesspass.AccessPassException;
import dev.accesspass.ErrorCode;
import dev.accesspass.TokenResponse;
import dev.accesspass.testing.SoftAuthenticator;
import dev.accesspass.UserId;
import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code V3_3__passkeys} on a database of schema 3.2 holding a user (without a password, as from OAuth) and a live
 * session: after the migration the session still authenticates, the user has no passkey, and can add one (the
 * recent session is its re-authentication), sign in with it, and not remove it (its last way in).
 */
class MigrationV3_3Test {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();

    @Test
    void databaseOfSchema32MigratesAndItsUsersKeepWorkingAndCanAddAPasskey() throws Exception {
        OldSchema.migrateTo(POSTGRES, "3.2");
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

        try (AccessPass accessPass = AccessPass.builder(POSTGRES.config().set("webauthn-rp-id", "localhost")
                .set("webauthn-origins", "http://localhost:8080").build()).build()) {
            Authentication auth = accessPass.authenticate(accessToken).orElseThrow();
            assertThat(auth.user().username()).isEqualTo("old");
            UserId user = new UserId(userId.toString());
            assertThat(accessPass.passkeys(auth)).isEmpty();

            SoftAuthenticator authenticator = new SoftAuthenticator("localhost", "http://localhost:8080");
            AccessPass.PasskeyOptions options = accessPass.passkeyRegistrationOptions(auth);
            Map<?, ?> userEntity = (Map<?, ?>) options.publicKey().get("user");
            String credential = authenticator.register((String) options.publicKey().get("challenge"),
                    (String) userEntity.get("id"));
            accessPass.registerPasskey(auth, options.ceremony(), credential, "Old laptop", ClientContext.none());
            assertThat(accessPass.passkeys(auth)).extracting(AccessPass.Passkey::name).containsExactly("Old laptop");

            AccessPass.PasskeyOptions login = accessPass.passkeyLoginOptions(null, ClientContext.none());
            TokenResponse tokens = accessPass.loginWithPasskey(login.ceremony(),
                    authenticator.assertion((String) login.publicKey().get("challenge")), ClientContext.none());
            assertThat(tokens.user().id()).isEqualTo(user);
            assertThatThrownBy(() -> accessPass.removePasskey(auth, authenticator.id(), ClientContext.none()))
                    .isInstanceOfSatisfying(AccessPassException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.LAST_LOGIN_METHOD));
            assertThat(accessPass.authenticate(accessToken)).isPresent();
        }
    }
}
