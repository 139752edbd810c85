package dev.accesspass.servlet;

import static dev.accesspass.testing.ProblemAssert.assertNoStore;
import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Problem details, challenges, methods and caching headers under the prefix (SR-35, SR-55, SR-56, SR-58..SR-60). */
class HeadersAndErrorsTest {
    private static final String PASSWORD = "correct horse battery";
    private static TestServer server;
    private static Http http;
    private static Http.Reply alice;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = server.http();
        alice = http.register("alice", PASSWORD);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void sr58_wrongMethodIs405WithAllow() {
        Http.Reply login = http.get("/auth/login", null);
        assertProblem(login, 405, "method_not_allowed");
        assertThat(login.header("Allow")).hasValue("POST");
        Http.Reply check = http.send("DELETE", "/auth/check", null, null, Map.of());
        assertProblem(check, 405, "method_not_allowed");
        assertThat(check.header("Allow")).hasValueSatisfying(allow -> assertThat(allow).contains("GET"));
        Http.Reply account = http.get("/auth/account", alice.field("access_token"));
        assertProblem(account, 405, "method_not_allowed");
        assertThat(account.header("Allow")).hasValue("DELETE");
        assertNoStore(login);
    }

    @Test
    void sr58_unknownRouteIs404Problem() {
        Http.Reply nope = http.get("/auth/nope", null);
        assertProblem(nope, 404, "not_found");
        assertNoStore(nope);
        assertProblem(http.post("/auth/login/extra", "username", "alice"), 404, "not_found");
    }

    @Test
    void sr56_challengesFollowRfc6750() {
        Http.Reply none = http.get("/auth/check", null);
        assertProblem(none, 401, "invalid_token");
        assertThat(none.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("WWW-Authenticate"))
                .flatMap(e -> e.getValue().stream()).toList()).containsExactly("Bearer realm=\"accesspass\"");
        Http.Reply bad = http.get("/auth/me", "x".repeat(43));
        assertThat(bad.header("WWW-Authenticate")).hasValue("Bearer realm=\"accesspass\", error=\"invalid_token\"");
        Http.Reply credentials = http.login("alice", "wrong password");
        assertProblem(credentials, 401, "invalid_credentials");
        assertThat(credentials.header("WWW-Authenticate")).hasValue("Bearer realm=\"accesspass\"");
        Http.Reply grant = http.post("/auth/refresh", "refresh_token", "x".repeat(43));
        assertProblem(grant, 401, "invalid_grant");
        assertThat(grant.header("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Bearer realm=\"accesspass\"").doesNotContain("invalid_token"));
    }

    /**
     * RFC 6750 §3.1 and API.md §2: without a bearer token — another scheme, an empty header, or none — the 401 still
     * challenges, but without {@code error="invalid_token"}; a malformed Bearer credential does get it.
     */
    @Test
    void sr56_anotherSchemeOrAnEmptyHeaderGetsTheChallengeWithoutError() {
        String bare = "Bearer realm=\"accesspass\"";
        String withError = "Bearer realm=\"accesspass\", error=\"invalid_token\"";
        Map<List<String>, String> expected = new java.util.LinkedHashMap<>();
        expected.put(List.of(), bare);
        expected.put(List.of("Authorization: Basic abc"), bare);
        expected.put(List.of("Authorization: Basic dXNlcjpwYXNz"), bare);
        expected.put(List.of("Authorization: Negotiate abc"), bare);
        expected.put(List.of("Authorization: "), bare);
        expected.put(List.of("Authorization: Bearer"), withError);
        expected.put(List.of("Authorization: Bearer  " + alice.field("access_token")), withError);
        for (String path : List.of("/auth/check", "/auth/me", "/api/hello")) {
            expected.forEach((lines, challenge) -> {
                Http.Reply reply = server.raw().send(null, "GET", path, lines, null);
                assertProblem(reply, 401, "invalid_token");
                assertThat(reply.headers().entrySet().stream()
                        .filter(e -> e.getKey().equalsIgnoreCase("WWW-Authenticate"))
                        .flatMap(e -> e.getValue().stream()).toList()).as("%s %s", path, lines)
                        .containsExactly(challenge);
            });
        }
        // The control: the same routes answer with the token.
        assertThat(http.get("/api/hello", alice.field("access_token")).status()).isEqualTo(200);
        assertThat(http.get("/auth/check", alice.field("access_token")).status()).isEqualTo(200);
    }

    @Test
    void sr35_unknownExpiredRevokedAndWrongTypeTokensLookAlike() {
        Http.Reply revokedLogin = http.login("alice", PASSWORD);
        http.postWithToken("/auth/logout", revokedLogin.field("access_token"));
        Http.Reply unknown = http.get("/auth/check", "x".repeat(43));
        Http.Reply revoked = http.get("/auth/check", revokedLogin.field("access_token"));
        Http.Reply wrongType = http.get("/auth/check", alice.field("refresh_token"));
        Http.Reply expired;
        try (TestServer other = TestServer.start()) {
            String token = other.http().register("bob", PASSWORD).field("access_token");
            other.clock().advance(java.time.Duration.ofSeconds(300));
            expired = other.http().get("/auth/check", token);
        }
        for (Http.Reply reply : List.of(revoked, wrongType, expired)) {
            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.body()).isEqualTo(unknown.body());
            assertThat(reply.header("WWW-Authenticate")).isEqualTo(unknown.header("WWW-Authenticate"));
        }
    }

    @Test
    void sr59_everyResponseUnderThePrefixIsNoStore() {
        String access = http.login("alice", PASSWORD).field("access_token");
        Http.Reply second = http.login("alice", PASSWORD);
        List<Http.Reply> replies = new ArrayList<>(List.of(
                alice,
                http.login("alice", PASSWORD),
                http.login("alice", "wrong"),
                http.post("/auth/refresh", "refresh_token", second.field("refresh_token")),
                http.post("/auth/refresh", "refresh_token", "x".repeat(43)),
                http.get("/auth/check", access),
                http.get("/auth/check", null),
                http.get("/auth/me", access),
                http.get("/auth/me", "x".repeat(43)),
                http.get("/auth/login", null),
                http.get("/auth/nope", null),
                http.send("POST", "/auth/login", "text/plain", "x".getBytes(StandardCharsets.UTF_8), Map.of()),
                http.postJson("/auth/login", "{", null),
                http.register("alice", PASSWORD),
                http.post("/auth/register", "username", "x"),
                http.send("DELETE", "/auth/account", "application/json",
                        "{\"password\":\"wrong\"}".getBytes(StandardCharsets.UTF_8),
                        Map.of("Authorization", "Bearer " + access)),
                http.postWithToken("/auth/logout-all", null),
                http.postWithToken("/auth/logout", access)));
        for (Http.Reply reply : replies) {
            assertNoStore(reply);
        }
    }

    @Test
    void sr55_errorBodiesFollowRfc9457() {
        assertProblem(http.post("/auth/register", "username", "x"), 400, "validation_failed");
        assertProblem(http.postJson("/auth/login", "[]", null), 400, "malformed_request");
        assertProblem(http.register("ALICE", PASSWORD), 409, "username_taken");
        assertProblem(http.get("/api/hello", null), 401, "invalid_token");
        Http.Reply problem = http.get("/auth/check", null);
        assertThat(problem.json().size()).isEqualTo(5);
    }

    @Test
    void sr60_noCorsHeadersByDefault() {
        Http.Reply reply = http.send("GET", "/auth/check", null, null, Map.of("Origin", "https://evil.example",
                "Authorization", "Bearer " + alice.field("access_token")));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.headers().keySet()).noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
        Http.Reply preflight = http.send("OPTIONS", "/auth/login", null, null, Map.of("Origin", "https://evil.example",
                "Access-Control-Request-Method", "POST"));
        assertThat(preflight.status()).isEqualTo(405);
        assertThat(preflight.headers().keySet()).noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
    }
}
