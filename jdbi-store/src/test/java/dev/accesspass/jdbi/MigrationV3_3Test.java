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
import dev.accesspass.store.TokenHash;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
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
        Flyway.configure().dataSource(POSTGRES.jdbcUrl(), "postgres", "").locations(Database.MIGRATIONS)
                .table(Database.HISTORY_TABLE).baselineOnMigrate(true).baselineVersion("0").target("3.2").load()
                .migrate();
        UUID userId = UUID.randomUUID();
        UUID sessionId = UUID.randomUUID();
        String accessToken = "A".repeat(43);
        Instant created = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.MILLIS);
        try (Connection connection = POSTGRES.connect()) {
            try (PreparedStatement user = connection.prepareStatement("INSERT INTO accesspass_users (id, username, "
                    + "username_key, email, email_key, email_confirmed, password_hash, created_at) "
                    + "VALUES (?, 'old', 'old', 'old@example.com', 'old@example.com', true, NULL, ?)")) {
                user.setObject(1, userId);
                user.setTimestamp(2, Timestamp.from(created));
                user.executeUpdate();
            }
            try (PreparedStatement session = connection.prepareStatement("INSERT INTO accesspass_sessions (id, "
                    + "user_id, created_at, meta, refresh_expires_at, expires_at, method, amr, auth_time, aal) "
                    + "VALUES (?, ?, ?, '{}'::jsonb, ?, ?, 'oauth:github', '{}', ?, 1)")) {
                session.setObject(1, sessionId);
                session.setString(2, userId.toString());
                session.setTimestamp(3, Timestamp.from(created));
                session.setTimestamp(4, Timestamp.from(created.plusSeconds(86_400)));
                session.setTimestamp(5, Timestamp.from(created.plusSeconds(86_400)));
                session.setTimestamp(6, Timestamp.from(created));
                session.executeUpdate();
            }
            try (PreparedStatement token = connection.prepareStatement("INSERT INTO accesspass_access_tokens "
                    + "(token_hash, session_id, expires_at) VALUES (?, ?, ?)")) {
                token.setBytes(1, TokenHash.of(accessToken).bytes());
                token.setObject(2, sessionId);
                token.setTimestamp(3, Timestamp.from(created.plusSeconds(3600)));
                token.executeUpdate();
            }
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
