package dev.accesspass.redis;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.accesspass.servlet.testing.LogCapture;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Await;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.RequiredTool;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SR-65 on Redis: with Redis stopped, protected and auth routes fail closed with 503 {@code store_unavailable}, an
 * unprotected route still answers, and service resumes without a restart once Redis is back. With AOF on, a
 * restart of Redis keeps the sessions: the same tokens work, and a used refresh token is still recognised.
 */
@RequiredTool(value = {"redis-server", "redis-cli"}, install = RedisServer.INSTALL)
class RedisOutageTest {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer().appendOnly();
    private static final String PASSWORD = "correct horse battery staple";

    private static TestServer start() {
        return TestServer.builder().set("token-store", "redis").set("redis-url", REDIS.url()).start();
    }

    @Test
    void sr65_stoppedRedisGives503AndServiceResumesWithoutARestart() throws Exception {
        try (LogCapture log = LogCapture.of(Redis.class.getName(), Level.INFO); TestServer server = start()) {
            Http http = server.http();
            String access = http.register("outage", PASSWORD).field("access_token");
            assertThat(http.get("/api/hello", access).status()).isEqualTo(200);

            REDIS.stop();
            try {
                Http.Reply hello = Await.until(Duration.ofSeconds(10), "503 while Redis is down",
                        () -> http.get("/api/hello", access), reply -> reply.status() == 503);
                assertThat(hello.code()).isEqualTo("store_unavailable");
                assertThat(hello.header("Retry-After")).isPresent();
                Http.Reply login = http.login("outage", PASSWORD);
                assertThat(login.status()).isEqualTo(503);
                assertThat(login.code()).isEqualTo("store_unavailable");
                assertThat(http.get("/auth/check", access).status()).isEqualTo(503);
                assertThat(http.get("/public/hello", null).status()).isEqualTo(200);
            } finally {
                REDIS.start();
            }

            Await.until(Duration.ofSeconds(40), "200 once Redis is back",
                    () -> http.get("/api/hello", access).status(), status -> status == 200);
            assertThat(http.login("outage", PASSWORD).status()).isEqualTo(200);
            assertThat(log.messages()).hasSize(2);
            assertThat(log.messages().get(0)).startsWith("AccessPass token store: Redis is unavailable (could not ")
                    .endsWith("answer 503 store_unavailable until it is back");
            assertThat(log.messages().get(1)).startsWith("AccessPass token store: Redis is reachable again after ");
        }
    }

    @Test
    void aRestartOfRedisWithAofKeepsSessionsAndTheirRotationHistory() throws Exception {
        try (TestServer server = start()) {
            Http http = server.http();
            Http.Reply registered = http.register("durable", PASSWORD);
            String usedRefresh = registered.field("refresh_token");
            Http.Reply rotated = http.post("/auth/refresh", "refresh_token", usedRefresh);
            String access = rotated.field("access_token");
            String refresh = rotated.field("refresh_token");

            REDIS.stop();
            REDIS.start();

            Await.until(Duration.ofSeconds(40), "the session answers again after the restart",
                    () -> http.get("/api/hello", access).status(), status -> status == 200);
            Http.Reply next = http.post("/auth/refresh", "refresh_token", refresh);
            assertThat(next.status()).isEqualTo(200);
            // The history survived too: outside the grace window, the first token is reuse and ends the session.
            server.clock().advance(Duration.ofSeconds(60));
            assertThat(http.post("/auth/refresh", "refresh_token", usedRefresh).code()).isEqualTo("invalid_grant");
            assertThat(http.get("/api/hello", next.field("access_token")).status()).isEqualTo(401);
        }
    }
}
