package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.accesspass.Totp;
import dev.accesspass.servlet.testing.LogCapture;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TOTP secrets at rest in PostgreSQL: sealed with AES-GCM under {@code secret-encryption-key} (the column holds no
 * base32 of the secret the user was shown, and login with a code still works), and one warning at start when a jdbc
 * store runs without the key.
 */
class JdbiSecretSealingTest {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();
    private static final String PASSWORD = "correct horse battery staple";
    private static final String WARNING = "secret-encryption-key is not set";

    private TestServer.Builder server() {
        return TestServer.builder().set("store", "jdbc").set("jdbc-url", POSTGRES.jdbcUrl())
                .set("jdbc-user", "postgres");
    }

    @Test
    void withTheKeyTheStoredSecretIsSealedAndStillWorks() throws Exception {
        String key = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
        try (LogCapture log = LogCapture.of("dev.accesspass", Level.WARN);
             TestServer server = server().set("secret-encryption-key", key).start()) {
            assertThat(log.messages()).noneMatch(message -> message.contains(WARNING));
            Http http = server.http();
            String access = http.register("sealed", PASSWORD).field("access_token");
            String secret = http.postJson("/auth/mfa/totp/setup", Http.json("password", PASSWORD), access)
                    .field("secret");
            assertThat(http.postJson("/auth/mfa/totp/confirm", Http.json("code",
                    Totp.codeAt(secret, server.clock().instant())), access).status()).isEqualTo(200);

            List<String> stored = new ArrayList<>();
            try (Connection connection = POSTGRES.connect(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT secret FROM accesspass_totp")) {
                while (rows.next()) {
                    stored.add(rows.getString(1));
                }
            }
            assertThat(stored).singleElement().satisfies(value -> assertThat(value).startsWith("gcm:")
                    .doesNotContain(secret).doesNotContain(secret.toLowerCase()));

            String token = http.login("sealed", PASSWORD).json().path("mfa_token").asText();
            assertThat(http.postJson("/auth/mfa/verify", Http.json("mfa_token", token, "code",
                    Totp.codeAt(secret, server.clock().instant().plusSeconds(30))), null).status()).isEqualTo(200);
        }
    }

    @Test
    void withoutTheKeyAJdbcStoreWarnsOnceAtStart() {
        try (LogCapture log = LogCapture.of("dev.accesspass", Level.WARN);
             TestServer server = server().start()) {
            assertThat(log.messages()).filteredOn(message -> message.contains(WARNING)).hasSize(1);
        }
    }
}
