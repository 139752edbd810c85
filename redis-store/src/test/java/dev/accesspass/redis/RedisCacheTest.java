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
 * The tracking cache ({@code token-cache-ttl} above zero) on two instances: a revocation on one is honoured on the
 * other although it had the check cached, within milliseconds by Redis's invalidation message (bounded here
 * generously, far below the 60 s TTL), and at once on the instance that made it.
 */
@RequiredTool(value = {"redis-server", "redis-cli"}, install = RedisServer.INSTALL)
class RedisCacheTest {
    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();
    private static final String PASSWORD = "correct horse battery staple";
    /** Far below the cache TTL: a change that reached B only by expiry fails. */
    private static final Duration PROPAGATION_BOUND = Duration.ofSeconds(10);

    private static TestServer start() {
        return TestServer.builder().set("store", "jdbc").set("jdbc-url", POSTGRES.jdbcUrl())
                .set("jdbc-user", "postgres").set("token-store", "redis").set("redis-url", REDIS.url())
                .set("token-cache-ttl", "60").start();
    }

    @Test
    void aLogoutOnAIsHonouredOnBThatHadTheCheckCachedAndOnAAtOnce() {
        try (TestServer a = start(); TestServer b = start()) {
            String first = a.http().register("cached", PASSWORD).field("access_token");
            String second = a.http().login("cached", PASSWORD).field("access_token");
            for (String access : new String[] {first, second}) {
                for (int i = 0; i < 3; i++) { // the first check fills the caches, the others are served from them
                    assertThat(a.http().get("/api/hello", access).status()).isEqualTo(200);
                    assertThat(b.http().get("/api/hello", access).status()).isEqualTo(200);
                }
            }

            assertThat(a.http().postWithToken("/auth/logout", first).status()).isEqualTo(204);
            assertThat(a.http().get("/api/hello", first).status()).as("on the revoking instance").isEqualTo(401);
            assertRejectedWithinBound(b.http(), first);
            assertThat(b.http().get("/api/hello", second).status()).as("the other session").isEqualTo(200);

            assertThat(b.http().postWithToken("/auth/logout-all", second).status()).isEqualTo(204);
            assertThat(b.http().get("/api/hello", second).status()).isEqualTo(401);
            assertRejectedWithinBound(a.http(), second);
        }
    }

    @Test
    void aRefreshOnBRetiresTheOlderAccessTokenCachedOnA() {
        try (TestServer a = start(); TestServer b = start()) {
            Http.Reply registered = a.http().register("rotating", PASSWORD);
            String oldest = registered.field("access_token");
            assertThat(a.http().get("/api/hello", oldest).status()).isEqualTo(200);
            assertThat(a.http().get("/api/hello", oldest).status()).isEqualTo(200);

            Http.Reply once = b.http().post("/auth/refresh", "refresh_token", registered.field("refresh_token"));
            Http.Reply twice = b.http().post("/auth/refresh", "refresh_token", once.field("refresh_token"));
            assertThat(twice.status()).isEqualTo(200);

            // Two rotations later the first access token is dead; A must not keep answering from its cache.
            assertRejectedWithinBound(a.http(), oldest);
            assertThat(a.http().get("/api/hello", twice.field("access_token")).status()).isEqualTo(200);
        }
    }

    /** Polls with a deadline (no fixed sleep): the first answer that is not 200 must come in time and be 401. */
    static void assertRejectedWithinBound(Http http, String access) {
        int status = Await.until(PROPAGATION_BOUND, "the token is rejected", () -> http.get("/api/hello", access)
                .status(), answer -> answer != 200);
        assertThat(status).isEqualTo(401);
    }
}
