package dev.accesspass.servlet;

import static dev.accesspass.testing.ProblemAssert.assertNoStore;
import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.TokenResponse;
import dev.accesspass.UserId;
import dev.accesspass.event.SecurityEvent;
import dev.accesspass.servlet.testing.RecordingHooks;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.Race;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Refresh rotation, reuse detection and its races (SR-14..SR-17), token types (SR-04), expiry (SR-06, SR-07),
 * and revocation (SR-09, SR-10). Sessions for the heavy tests are opened through the Java API
 * ({@code openSession}) so that they cost no Argon2 work.
 */
class RefreshRotationTest {
    private static final String PASSWORD = "correct horse battery";

    private static Http.Reply refresh(Http http, String refreshToken) {
        return http.post("/auth/refresh", "refresh_token", refreshToken);
    }

    private static void assertAccessDead(Http http, String access) {
        Http.Reply check = http.get("/auth/check", access);
        assertProblem(check, 401, "invalid_token");
        assertThat(check.header("WWW-Authenticate")).hasValue("Bearer realm=\"accesspass\", error=\"invalid_token\"");
    }

    private static void assertRefreshDead(Http http, String refresh) {
        assertProblem(refresh(http, refresh), 401, "invalid_grant");
    }

    private static UserId userId(TestServer server, String name) {
        return server.accessPass().findUser(name).orElseThrow().id();
    }

    @Test
    void sr14_refreshRotatesBothTokensAndTheOldRefreshTokenDies() {
        try (TestServer server = TestServer.builder().set("refresh-grace", "0").start()) {
            Http http = server.http();
            Http.Reply r0 = http.register("alice", PASSWORD);
            Http.Reply r1 = refresh(http, r0.field("refresh_token"));
            AccountRoutesTest.assertTokenResponse(r1, 200, "alice");
            assertNoStore(r1);
            assertThat(r1.field("refresh_token")).isNotEqualTo(r0.field("refresh_token"));
            assertThat(r1.field("access_token")).isNotEqualTo(r0.field("access_token"));
            assertThat(http.get("/auth/check", r1.field("access_token")).status()).isEqualTo(200);
            assertRefreshDead(http, r0.field("refresh_token"));
        }
    }

    @Test
    void sr15_graceWindowReturnsTheSamePair() {
        RecordingHooks hooks = new RecordingHooks();
        try (TestServer server = TestServer.builder().hooks(hooks).start()) {
            Http http = server.http();
            Http.Reply r0 = http.register("alice", PASSWORD);
            Http.Reply r1 = refresh(http, r0.field("refresh_token"));
            server.clock().advance(Duration.ofSeconds(10));
            Http.Reply again = refresh(http, r0.field("refresh_token"));
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.field("access_token")).isEqualTo(r1.field("access_token"));
            assertThat(again.field("refresh_token")).isEqualTo(r1.field("refresh_token"));
            assertThat(http.get("/auth/check", r1.field("access_token")).status()).isEqualTo(200);
            assertThat(hooks.events(SecurityEvent.Type.REFRESH_REUSE_DETECTED)).isEmpty();

            // R1 to R2, then R0 again: an older generation is theft even inside the window.
            Http.Reply r2 = refresh(http, r1.field("refresh_token"));
            assertThat(r2.status()).isEqualTo(200);
            assertRefreshDead(http, r0.field("refresh_token"));
            assertAccessDead(http, r2.field("access_token"));
            assertRefreshDead(http, r2.field("refresh_token"));
            assertThat(hooks.events(SecurityEvent.Type.REFRESH_REUSE_DETECTED)).hasSize(1);
        }
    }

    @Test
    void sr15_reuseOutsideGraceRevokesSession() {
        RecordingHooks hooks = new RecordingHooks();
        try (TestServer server = TestServer.builder().hooks(hooks).start()) {
            Http http = server.http();
            Http.Reply r0 = http.register("alice", PASSWORD);
            Http.Reply r1 = refresh(http, r0.field("refresh_token"));
            server.clock().advance(Duration.ofSeconds(11));
            assertRefreshDead(http, r0.field("refresh_token"));
            assertAccessDead(http, r1.field("access_token"));
            assertRefreshDead(http, r1.field("refresh_token"));
            List<SecurityEvent> reuse = hooks.events(SecurityEvent.Type.REFRESH_REUSE_DETECTED);
            assertThat(reuse).hasSize(1);
            assertThat(reuse.get(0).session()).isNotNull();
            assertThat(reuse.get(0).toString()).doesNotContain(r0.field("refresh_token"), r1.field("refresh_token"),
                    r1.field("access_token"));
        }
    }

    @Test
    void sr15_withGraceZeroAnyReplayRevokesSession() {
        RecordingHooks hooks = new RecordingHooks();
        try (TestServer server = TestServer.builder().set("refresh-grace", "0").hooks(hooks).start()) {
            Http http = server.http();
            Http.Reply r0 = http.register("alice", PASSWORD);
            Http.Reply r1 = refresh(http, r0.field("refresh_token"));
            assertThat(r1.status()).isEqualTo(200);
            assertRefreshDead(http, r0.field("refresh_token"));
            assertRefreshDead(http, r1.field("refresh_token"));
            assertAccessDead(http, r1.field("access_token"));
            assertThat(hooks.events(SecurityEvent.Type.REFRESH_REUSE_DETECTED)).hasSize(1);
            // Other sessions of the user are untouched.
            assertThat(http.login("alice", PASSWORD).status()).isEqualTo(200);
        }
    }

    @Test
    void sr16_concurrentRefreshWithGraceZeroHasExactlyOneWinner() throws Exception {
        try (TestServer server = TestServer.builder().set("refresh-grace", "0").start()) {
            Http http = server.http();
            http.register("alice", PASSWORD);
            UserId alice = userId(server, "alice");
            for (int threads : new int[] {20, 100}) {
                TokenResponse session = server.accessPass().openSession(alice, Map.of());
                List<Http.Reply> replies = Race.race(threads, i -> () -> refresh(http, session.refreshToken()));
                assertThat(replies).extracting(Http.Reply::status).allSatisfy(s -> assertThat(s).isIn(200, 401));
                assertThat(replies).filteredOn(r -> r.status() == 200).hasSize(1);
                replies.stream().filter(r -> r.status() == 401)
                        .forEach(r -> assertThat(r.code()).isEqualTo("invalid_grant"));
            }
        }
    }

    @Test
    void sr16_concurrentRefreshWithGraceAllGetTheSameSuccessor() throws Exception {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            http.register("alice", PASSWORD);
            TokenResponse session = server.accessPass().openSession(userId(server, "alice"), Map.of());
            List<Http.Reply> replies = Race.race(100, i -> () -> refresh(http, session.refreshToken()));
            assertThat(replies).extracting(Http.Reply::status).containsOnly(200);
            Set<String> pairs = new HashSet<>();
            replies.forEach(r -> pairs.add(r.field("access_token") + "/" + r.field("refresh_token")));
            assertThat(pairs).hasSize(1);
            String access = replies.get(0).field("access_token");
            assertThat(http.get("/auth/check", access).status()).isEqualTo(200);
        }
    }

    @Test
    void sr17_logoutRacingRefreshNeverLeavesALiveToken() throws Exception {
        try (TestServer server = TestServer.builder().set("refresh-grace", "0").start()) {
            Http http = server.http();
            http.register("alice", PASSWORD);
            UserId alice = userId(server, "alice");
            try (Race race = new Race(2)) {
                for (int i = 0; i < 100; i++) {
                    TokenResponse session = server.accessPass().openSession(alice, Map.of());
                    // Racer 0 logs out, racer 1 refreshes, released together.
                    List<Http.Reply> replies = race.run(racer -> racer == 0
                            ? () -> http.postWithToken("/auth/logout", session.accessToken())
                            : () -> refresh(http, session.refreshToken()));
                    Http.Reply logoutReply = replies.get(0);
                    Http.Reply refreshReply = replies.get(1);
                    assertThat(logoutReply.status()).as("logout, iteration %d", i).isIn(204, 401);
                    assertThat(refreshReply.status()).as("refresh, iteration %d", i).isIn(200, 401);
                    List<String> access = new ArrayList<>(List.of(session.accessToken()));
                    List<String> refresh = new ArrayList<>(List.of(session.refreshToken()));
                    if (refreshReply.status() == 200) {
                        access.add(refreshReply.field("access_token"));
                        refresh.add(refreshReply.field("refresh_token"));
                    }
                    for (String token : access) {
                        assertThat(http.get("/auth/check", token).status())
                                .as("access token after logout (%s) raced refresh (%s), iteration %d",
                                        logoutReply.status(), refreshReply.status(), i)
                                .isEqualTo(401);
                    }
                    for (String token : refresh) {
                        assertThat(refresh(http, token).status()).as("refresh token, iteration %d", i).isEqualTo(401);
                    }
                }
            }
        }
    }

    @Test
    void sr17_logoutWithTheAccessTokenJustRotatedOutEndsTheSession() {
        try (TestServer server = TestServer.builder().set("refresh-grace", "0").start()) {
            Http http = server.http();
            Http.Reply r0 = http.register("alice", PASSWORD);
            Http.Reply r1 = refresh(http, r0.field("refresh_token"));
            assertThat(r1.status()).isEqualTo(200);
            // Another tab still holds A0 and logs out with it: that must end the session, new pair included.
            assertThat(http.postWithToken("/auth/logout", r0.field("access_token")).status()).isEqualTo(204);
            assertAccessDead(http, r1.field("access_token"));
            assertRefreshDead(http, r1.field("refresh_token"));
            assertAccessDead(http, r0.field("access_token"));
        }
    }

    @Test
    void sr04_tokenTypesNeverCross() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            Http.Reply login = http.register("alice", PASSWORD);
            Http.Reply asBearer = http.get("/auth/check", login.field("refresh_token"));
            assertProblem(asBearer, 401, "invalid_token");
            assertThat(asBearer.header("WWW-Authenticate")).hasValue("Bearer realm=\"accesspass\", error=\"invalid_token\"");
            assertThat(http.get("/api/hello", login.field("refresh_token")).status()).isEqualTo(401);
            assertProblem(refresh(http, login.field("access_token")), 401, "invalid_grant");
            // Neither attempt changed anything.
            assertThat(http.get("/auth/check", login.field("access_token")).status()).isEqualTo(200);
            assertThat(refresh(http, login.field("refresh_token")).status()).isEqualTo(200);
        }
    }

    @Test
    void refreshWithoutOrWithAGarbageToken() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            assertProblem(http.postJson("/auth/refresh", "{}", null), 400, "validation_failed");
            assertProblem(refresh(http, "not a token at all"), 401, "invalid_grant");
            assertProblem(refresh(http, "x".repeat(43)), 401, "invalid_grant");
        }
    }

    @Test
    void sr06_accessTokenExpiresOnTheSecond() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            String access = http.register("alice", PASSWORD).field("access_token");
            server.clock().advance(Duration.ofSeconds(299));
            Http.Reply check = http.get("/auth/check", access);
            assertThat(check.status()).isEqualTo(200);
            assertThat(check.json().path("expires_in").asLong()).isEqualTo(1);
            server.clock().advance(Duration.ofSeconds(1));
            assertAccessDead(http, access);
            assertThat(http.get("/api/hello", access).status()).isEqualTo(401);
        }
    }

    @Test
    void sr07_refreshRenewsItsLifetimeAndUnusedTokensExpire() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            Http.Reply login = http.register("alice", PASSWORD);
            Http.Reply unused = http.login("alice", PASSWORD);
            server.clock().advance(Duration.ofDays(29));
            Http.Reply day29 = refresh(http, login.field("refresh_token"));
            assertThat(day29.status()).isEqualTo(200);
            assertThat(day29.json().path("refresh_expires_in").asLong()).isEqualTo(2_592_000);
            assertThat(day29.json().path("expires_in").asLong()).isEqualTo(300);

            server.clock().advance(Duration.ofDays(1));
            assertRefreshDead(http, unused.field("refresh_token"));
            // The renewed one lives on.
            assertThat(refresh(http, day29.field("refresh_token")).status()).isEqualTo(200);
        }
    }

    @Test
    void sr07_sessionMaxLifetimeCapsRefreshes() {
        try (TestServer server = TestServer.builder().set("session-max-lifetime", Long.toString(60L * 86400)).start()) {
            Http http = server.http();
            Http.Reply login = http.register("alice", PASSWORD);
            server.clock().advance(Duration.ofDays(29));
            Http.Reply day29 = refresh(http, login.field("refresh_token"));
            assertThat(day29.status()).isEqualTo(200);
            server.clock().advance(Duration.ofDays(29));
            Http.Reply day58 = refresh(http, day29.field("refresh_token"));
            assertThat(day58.status()).isEqualTo(200);
            assertThat(day58.json().path("refresh_expires_in").asLong()).isEqualTo(2L * 86400);
            server.clock().advance(Duration.ofDays(2).plusSeconds(1));
            assertRefreshDead(http, day58.field("refresh_token"));
        }
    }

    @Test
    void sr09_logoutRevokesThisSessionOnly() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            Http.Reply first = http.register("alice", PASSWORD);
            Http.Reply second = http.login("alice", PASSWORD);
            Http.Reply logout = http.postWithToken("/auth/logout", first.field("access_token"));
            assertThat(logout.status()).isEqualTo(204);
            assertThat(logout.body()).isEmpty();
            assertNoStore(logout);
            assertAccessDead(http, first.field("access_token"));
            assertRefreshDead(http, first.field("refresh_token"));
            assertProblem(http.postWithToken("/auth/logout", first.field("access_token")), 401, "invalid_token");
            assertThat(http.get("/auth/check", second.field("access_token")).status()).isEqualTo(200);
            assertProblem(http.postWithToken("/auth/logout", null), 401, "invalid_token");
        }
    }

    @Test
    void sr10_logoutAllEndsEverySession() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            List<Http.Reply> sessions = List.of(http.register("alice", PASSWORD), http.login("alice", PASSWORD),
                    http.login("alice", PASSWORD));
            http.register("bob", PASSWORD);
            Http.Reply bob = http.login("bob", PASSWORD);
            Http.Reply all = http.postWithToken("/auth/logout-all", sessions.get(0).field("access_token"));
            assertThat(all.status()).isEqualTo(204);
            assertNoStore(all);
            for (Http.Reply session : sessions) {
                assertAccessDead(http, session.field("access_token"));
                assertRefreshDead(http, session.field("refresh_token"));
            }
            assertThat(http.get("/auth/check", bob.field("access_token")).status()).isEqualTo(200);
            assertProblem(http.postWithToken("/auth/logout-all", sessions.get(1).field("access_token")), 401,
                    "invalid_token");
        }
    }
}
