package dev.accesspass.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.mail.MailMessage;
import dev.accesspass.mail.SentMail;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Await;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.RawTokens;
import dev.accesspass.testing.RequiredTool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The composite configuration over HTTP: users in PostgreSQL ({@code store=jdbc}), sessions, tokens, one-time tokens
 * and login counters in Redis ({@code token-store=redis}), through the whole account journey.
 */
@RequiredTool(value = {"redis-server", "redis-cli"}, install = RedisServer.INSTALL)
class CompositeStoresHttpTest {
    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();
    private static final Pattern TOKEN = Pattern.compile("token=([A-Za-z0-9_-]{43})");
    private static final String PASSWORD = "correct horse battery staple";
    private static final String NEW_PASSWORD = "tulip kettle monsoon river";
    private static final String LAST_PASSWORD = "granite orchard lantern";

    @Test
    void theWholeAccountJourneyWithUsersInPostgresqlAndTokensInRedis() throws Exception {
        List<String> issued = new ArrayList<>();
        try (TestServer server = TestServer.builder().set("store", "jdbc").set("jdbc-url", POSTGRES.jdbcUrl())
                .set("jdbc-user", "postgres").set("token-store", "redis").set("redis-url", REDIS.url())
                .set("login-max-attempts", "3").start()) {
            Http http = server.http();

            Http.Reply registered = http.register("journey", PASSWORD);
            assertThat(registered.status()).isEqualTo(201);
            String access = registered.field("access_token");
            issued.add(access);
            issued.add(registered.field("refresh_token"));
            assertThat(http.get("/auth/me", access).json().get("username").asText()).isEqualTo("journey");
            assertThat(http.get("/auth/check", access).json().get("active").asBoolean()).isTrue();

            // Email confirmation: the one-time token lives in Redis and is consumed once.
            String confirm = awaitToken(server, "confirm_email", 1);
            issued.add(confirm);
            Http.Reply confirmed = http.post("/auth/confirm", "token", confirm);
            assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
            assertThat(http.post("/auth/confirm", "token", confirm).code()).isEqualTo("invalid_grant");
            assertThat(http.get("/auth/me", access).json().get("email_confirmed").asBoolean()).isTrue();

            // Refresh rotation.
            Http.Reply refreshed = http.post("/auth/refresh", "refresh_token", registered.field("refresh_token"));
            assertThat(refreshed.status()).isEqualTo(200);
            access = refreshed.field("access_token");
            issued.add(access);
            issued.add(refreshed.field("refresh_token"));

            // The login throttle counts in Redis: the 4th attempt is refused even with the right password.
            for (int i = 0; i < 3; i++) {
                assertThat(http.login("journey", "wrong password " + i).status()).isEqualTo(401);
            }
            assertThat(http.login("journey", PASSWORD).status()).isEqualTo(429);
            server.clock().advance(java.time.Duration.ofSeconds(901));
            Http.Reply second = http.login("journey", PASSWORD);
            assertThat(second.status()).isEqualTo(200);
            issued.add(second.field("access_token"));

            // Password reset by email: every session ends.
            assertThat(http.post("/auth/password/forgot", "username", "journey").status()).isEqualTo(202);
            String reset = awaitToken(server, "reset_password", 1);
            issued.add(reset);
            assertThat(http.post("/auth/password/reset", "token", reset, "password", NEW_PASSWORD,
                    "password_confirmation", NEW_PASSWORD).status()).isEqualTo(204);
            assertThat(http.get("/api/hello", access).status()).isEqualTo(401);
            assertThat(http.get("/api/hello", second.field("access_token")).status()).isEqualTo(401);

            // Password change keeps the calling session and ends the others.
            String kept = http.login("journey", NEW_PASSWORD).field("access_token");
            String other = http.login("journey", NEW_PASSWORD).field("access_token");
            issued.add(kept);
            issued.add(other);
            assertThat(http.postJson("/auth/password/change", Http.json("current_password", NEW_PASSWORD,
                    "password", LAST_PASSWORD, "password_confirmation", LAST_PASSWORD), kept).status()).isEqualTo(204);
            assertThat(http.get("/api/hello", kept).status()).isEqualTo(200);
            assertThat(http.get("/api/hello", other).status()).isEqualTo(401);

            // Nothing of a token in PostgreSQL's session tables or in Redis but digests.
            RawTokens.assertNoneStored(RedisContents.digests(REDIS.url()), issued, "Redis");
            assertThat(rows("SELECT count(*) FROM accesspass_sessions")).as("sessions in PostgreSQL").isZero();

            // Logout, then deleting the account.
            assertThat(http.postWithToken("/auth/logout", kept).status()).isEqualTo(204);
            assertThat(http.get("/api/hello", kept).status()).isEqualTo(401);
            String last = http.login("journey", LAST_PASSWORD).field("access_token");
            assertThat(http.send("DELETE", "/auth/account", "application/json",
                    Http.json("password", LAST_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    java.util.Map.of("Authorization", "Bearer " + last)).status()).isEqualTo(204);
            assertThat(http.get("/api/hello", last).status()).isEqualTo(401);
            assertThat(http.login("journey", LAST_PASSWORD).status()).isEqualTo(401);
            assertThat(rows("SELECT count(*) FROM accesspass_users")).isZero();
        }
    }

    private static String awaitToken(TestServer server, String kind, int n) {
        List<MailMessage> messages = Await.until(java.time.Duration.ofSeconds(10), n + " " + kind + " message(s)",
                () -> server.accessPass().outbox().orElseThrow().stream().map(SentMail::message)
                        .filter(m -> m.kind().equals(kind)).toList(), found -> found.size() >= n);
        Matcher matcher = TOKEN.matcher(messages.get(n - 1).text());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    private static long rows(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(POSTGRES.jdbcUrl(), "postgres", "");
             Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
