package dev.accesspass.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.Race;
import dev.accesspass.testing.RequiredTool;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two AccessPass instances (two Jetty servers) with users in one PostgreSQL and tokens in one Redis: a token from
 * either works on both, a revocation on one is refused on the other at once (no cache: the next check reads Redis),
 * and a refresh race across both never forks a session.
 */
@RequiredTool(value = {"redis-server", "redis-cli"}, install = RedisServer.INSTALL)
class RedisTwoInstancesTest {
    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();
    private static final String PASSWORD = "correct horse battery staple";

    private static TestServer start() {
        return TestServer.builder().set("store", "jdbc").set("jdbc-url", POSTGRES.jdbcUrl())
                .set("jdbc-user", "postgres").set("token-store", "redis").set("redis-url", REDIS.url()).start();
    }

    @Test
    void aTokenFromAWorksOnBAndALogoutOnAIsRefusedOnBAtOnce() {
        try (TestServer a = start(); TestServer b = start()) {
            String access = a.http().register("roamer", PASSWORD).field("access_token");
            assertThat(b.http().get("/api/hello", access).status()).isEqualTo(200);
            assertThat(b.http().get("/auth/me", access).json().get("username").asText()).isEqualTo("roamer");

            assertThat(a.http().postWithToken("/auth/logout", access).status()).isEqualTo(204);

            Http.Reply refused = b.http().get("/api/hello", access);
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.code()).isEqualTo("invalid_token");
        }
    }

    @Test
    void logoutAllOnBEndsTheSessionsOpenedOnA() {
        try (TestServer a = start(); TestServer b = start()) {
            String first = a.http().register("everywhere", PASSWORD).field("access_token");
            String second = a.http().login("everywhere", PASSWORD).field("access_token");
            String third = b.http().login("everywhere", PASSWORD).field("access_token");

            assertThat(b.http().postWithToken("/auth/logout-all", third).status()).isEqualTo(204);

            for (String access : List.of(first, second, third)) {
                assertThat(a.http().get("/api/hello", access).status()).isEqualTo(401);
                assertThat(b.http().get("/api/hello", access).status()).isEqualTo(401);
            }
        }
    }

    @Test
    void sr16_fiftyConcurrentRefreshesAcrossBothInstancesGiveOneSuccessorPair() throws Exception {
        try (TestServer a = start(); TestServer b = start()) {
            String refresh = a.http().register("fiftytabs", PASSWORD).field("refresh_token");
            Http[] clients = {a.http(), b.http()};

            List<Http.Reply> replies = Race.race(50,
                    i -> () -> clients[i % 2].post("/auth/refresh", "refresh_token", refresh));

            Set<String> pairs = new HashSet<>();
            for (Http.Reply reply : replies) {
                assertThat(reply.status()).as(reply.toString()).isIn(200, 401);
                if (reply.status() == 200) {
                    pairs.add(reply.field("access_token") + " " + reply.field("refresh_token"));
                }
            }
            assertThat(pairs).as("distinct successor pairs").hasSize(1);
            String[] pair = pairs.iterator().next().split(" ");
            // The one successor works on both instances, and rotates once more.
            assertThat(a.http().get("/api/hello", pair[0]).status()).isEqualTo(200);
            assertThat(b.http().get("/api/hello", pair[0]).status()).isEqualTo(200);
            assertThat(b.http().post("/auth/refresh", "refresh_token", pair[1]).status()).isEqualTo(200);
        }
    }

    @Test
    void sr15_reuseOfARotatedRefreshTokenOnBRevokesTheSessionOnA() {
        try (TestServer a = start(); TestServer b = start()) {
            String refresh = a.http().register("stolen", PASSWORD).field("refresh_token");
            Http.Reply rotated = a.http().post("/auth/refresh", "refresh_token", refresh);
            String access = rotated.field("access_token");
            a.clock().advance(java.time.Duration.ofSeconds(60)); // past the grace window
            b.clock().advance(java.time.Duration.ofSeconds(60));

            Http.Reply replay = b.http().post("/auth/refresh", "refresh_token", refresh);

            assertThat(replay.status()).isEqualTo(401);
            assertThat(replay.code()).isEqualTo("invalid_grant");
            assertThat(a.http().get("/api/hello", access).status()).isEqualTo(401);
        }
    }
}
