package dev.accesspass.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Await;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.RequiredTool;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fail safe: when the connection that receives invalidations drops, the cache is emptied, so a lost connection can
 * never serve a grant that changed meanwhile. Redis here keeps nothing across a restart: a token that still worked
 * after it would have come from a stale cache.
 */
@RequiredTool(value = {"redis-server", "redis-cli"}, install = RedisServer.INSTALL)
class RedisCacheOutageTest {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();
    private static final String PASSWORD = "correct horse battery staple";

    @Test
    void sr65_aLostConnectionDropsTheCacheInsteadOfServingStaleGrants() throws Exception {
        try (TestServer server = TestServer.builder().set("token-store", "redis").set("redis-url", REDIS.url())
                .set("token-cache-ttl", "60").start()) {
            Http http = server.http();
            String access = http.register("failsafe", PASSWORD).field("access_token");
            for (int i = 0; i < 3; i++) {
                assertThat(http.get("/api/hello", access).status()).isEqualTo(200); // cached from the 2nd on
            }

            REDIS.stop();
            try {
                Await.until(Duration.ofSeconds(10), "503 while Redis is down", () -> http.get("/api/hello", access)
                        .status(), status -> status != 200);
                for (int i = 0; i < 5; i++) {
                    assertThat(http.get("/api/hello", access).code()).isEqualTo("store_unavailable");
                }
            } finally {
                REDIS.start(); // empty: the session is gone
            }

            int status = Await.until(Duration.ofSeconds(40), "an answer from Redis again",
                    () -> http.get("/api/hello", access).status(), answer -> answer != 503);
            assertThat(status).as("the session is gone from Redis; a 200 would be a stale cache").isEqualTo(401);
            // The two connections reconnect on their own schedules: wait until writes pass again too.
            Http.Reply login = Await.until(Duration.ofSeconds(40), "a login once Redis is back",
                    () -> http.login("failsafe", PASSWORD), reply -> reply.status() != 503);
            assertThat(login.status()).isEqualTo(200);
            String again = login.field("access_token");
            assertThat(http.get("/api/hello", again).status()).isEqualTo(200);
            assertThat(http.get("/api/hello", again).status()).isEqualTo(200);
            assertThat(http.postWithToken("/auth/logout", again).status()).isEqualTo(204);
            assertThat(http.get("/api/hello", again).status()).isEqualTo(401);
        }
    }
}
