package dev.accesspass.servlet;

import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.UserId;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.RawHttp;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Protecting application routes (API.md §3; SR-13, SR-51..SR-53, SR-56). */
class ProtectionTest {
    private static final String PASSWORD = "correct horse battery";
    private static TestServer server;
    private static Http http;
    private static RawHttp raw;
    private static String userToken;
    private static String adminToken;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = server.http();
        raw = server.raw();
        userToken = http.register("alice", PASSWORD).field("access_token");
        http.register("root", PASSWORD);
        UserId root = server.accessPass().findUser("root").orElseThrow().id();
        server.accessPass().grantRole(root, "admin");
        adminToken = server.accessPass().openSession(root, Map.of()).accessToken();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void sr56_protectedRouteChallenges() {
        Http.Reply none = http.get("/api/hello", null);
        assertProblem(none, 401, "invalid_token");
        assertThat(none.header("WWW-Authenticate")).hasValue("Bearer realm=\"accesspass\"");
        Http.Reply bad = http.get("/api/hello", "x".repeat(43));
        assertProblem(bad, 401, "invalid_token");
        assertThat(bad.header("WWW-Authenticate")).hasValue("Bearer realm=\"accesspass\", error=\"invalid_token\"");
        Http.Reply good = http.get("/api/hello", userToken);
        assertThat(good.status()).isEqualTo(200);
        assertThat(good.text()).isEqualTo("{\"hello\":\"alice\"}");
    }

    /** Path tricks Jetty hands to the filter: each must be challenged, and each opens with a token. */
    private static final List<String> REACH_THE_FILTER = List.of("/api/hello;x=y", "/api/./hello",
            "/public/../api/hello", "/api/hello;", "/api/%68ello");
    /** Path tricks Jetty itself refuses with its HTML 400 (ambiguous or illegal URIs), token or not. */
    private static final List<String> JETTY_400 = List.of("/api/%2e/hello", "/api//hello", "/api/hello%2F",
            "/public/..;/api/hello", "/api/hello%00");
    /** Path tricks that name no servlet: Jetty's HTML 404, token or not. */
    private static final List<String> JETTY_404 = List.of("/api/hello/", "/API/hello", "/api/hello%3B",
            "/api/HELLO", "/api/hello.");

    @Test
    void sr51_pathTricksThatReachTheFilterAreChallengedAndOpenWithAToken() {
        for (String target : REACH_THE_FILTER) {
            Http.Reply anonymous = raw.send(null, "GET", target, List.of(), null);
            assertProblem(anonymous, 401, "invalid_token");
            assertThat(anonymous.header("WWW-Authenticate")).as("GET %s", target)
                    .hasValue("Bearer realm=\"accesspass\"");
            // The control: the same target is the protected servlet, so the 401 above is the filter's doing.
            Http.Reply withToken = raw.send(null, "GET", target, List.of("Authorization: Bearer " + userToken), null);
            assertThat(withToken.status()).as("GET %s with a token -> %s", target, withToken).isEqualTo(200);
            assertThat(withToken.text()).as("GET %s with a token", target).isEqualTo("{\"hello\":\"alice\"}");
        }
    }

    @Test
    void sr51_pathTricksJettyRefusesNeverReachTheServlet() {
        for (String target : JETTY_400) {
            assertRefusedByJetty(raw, target, 400, userToken);
        }
        for (String target : JETTY_404) {
            assertRefusedByJetty(raw, target, 404, userToken);
        }
    }

    /**
     * Jetty's own HTML error page (not the filter's problem+json) with {@code status}, with and without a token: the
     * request never got as far as a servlet.
     */
    private static void assertRefusedByJetty(RawHttp client, String target, int status, String token) {
        for (List<String> headers : List.of(List.<String>of(), List.of("Authorization: Bearer " + token))) {
            Http.Reply reply = client.send(null, "GET", target, headers, null);
            assertThat(reply.status()).as("GET %s %s -> %s", target, headers, reply).isEqualTo(status);
            assertThat(reply.header("Content-Type")).as("GET %s", target)
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
            assertThat(reply.text()).as("GET %s", target).doesNotContain("\"hello\"", "\"plain\"");
        }
    }

    @Test
    void sr52_headIsProtectedLikeGet() {
        Http.Reply head = http.send("HEAD", "/api/hello", null, null, Map.of());
        assertThat(head.status()).isEqualTo(401);
        assertThat(head.header("WWW-Authenticate")).hasValue("Bearer realm=\"accesspass\"");
        assertThat(http.send("HEAD", "/api/hello", null, null, Map.of("Authorization", "Bearer " + userToken))
                .status()).isEqualTo(200);
    }

    @Test
    void sr52_classAnnotationCoversMethodsWithoutTheirOwn() {
        assertThat(http.send("OPTIONS", "/mixed", null, null, Map.of()).status()).isEqualTo(401);
        assertThat(http.send("GET", "/mixed", null, null, Map.of()).status()).isEqualTo(401);
        assertThat(http.send("PUT", "/mixed", null, null, Map.of()).status()).isEqualTo(401);
        assertThat(http.send("DELETE", "/mixed", null, null, Map.of()).status()).isEqualTo(401);
        Http.Reply post = http.send("POST", "/mixed", null, null, Map.of());
        assertThat(post.status()).isEqualTo(200);
        assertThat(post.text()).isEqualTo("{\"mixed\":\"post\"}");
        assertThat(http.get("/mixed", userToken).status()).isEqualTo(200);
    }

    @Test
    void sr52_traceIsRefusedAndNeverEchoesTheToken() {
        Http.Reply trace = raw.send(null, "TRACE", "/api/hello", List.of("Authorization: Bearer " + userToken), null);
        assertThat(trace.status()).isEqualTo(405);
        assertThat(trace.header("Allow")).isPresent();
        assertThat(trace.text()).doesNotContain(userToken);
        assertThat(trace.headers().toString()).doesNotContain(userToken);
        Http.Reply anonymous = raw.send(null, "TRACE", "/api/hello", List.of(), null);
        assertThat(anonymous.status()).isIn(401, 405);
    }

    @Test
    void sr53_forwardToAProtectedServletIsChecked() {
        assertProblem(http.get("/public/fwd", null), 401, "invalid_token");
        Http.Reply user = http.get("/public/fwd", userToken);
        assertProblem(user, 403, "insufficient_role");
        assertThat(user.header("WWW-Authenticate")).hasValue("Bearer realm=\"accesspass\", error=\"insufficient_scope\"");
        Http.Reply admin = http.get("/public/fwd", adminToken);
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.text()).isEqualTo("{\"admin\":\"root\"}");
    }

    @Test
    void sr53_includeOfAProtectedServletIsChecked() {
        Http.Reply none = http.get("/public/incl", null);
        assertProblem(none, 401, "invalid_token");
        Http.Reply user = http.get("/public/incl", userToken);
        assertProblem(user, 403, "insufficient_role");
        Http.Reply admin = http.get("/public/incl", adminToken);
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.text()).isEqualTo("{\"admin\":\"root\"}");
    }

    @Test
    void unprotectedRoutesPassThroughWithOrWithoutAToken() {
        assertThat(http.get("/public/hello", null).text()).isEqualTo("{\"hello\":\"world\"}");
        assertThat(http.get("/public/hello", userToken).status()).isEqualTo(200);
        // A bad token on an unprotected route does not block it.
        assertThat(http.get("/public/hello", "x".repeat(43)).status()).isEqualTo(200);
    }

    @Test
    void sr13_rolesAndDeletionApplyOnTheNextRequest() {
        http.register("bob", PASSWORD);
        UserId bob = server.accessPass().findUser("bob").orElseThrow().id();
        String token = server.accessPass().openSession(bob, Map.of()).accessToken();
        assertProblem(http.get("/api/admin", token), 403, "insufficient_role");

        server.accessPass().grantRole(bob, "admin");
        assertThat(http.get("/api/admin", token).status()).isEqualTo(200);
        assertThat(http.get("/auth/check", token).json().path("roles").toString()).isEqualTo("[\"admin\"]");

        server.accessPass().revokeRole(bob, "admin");
        Http.Reply revoked = http.get("/api/admin", token);
        assertProblem(revoked, 403, "insufficient_role");
        assertThat(revoked.header("WWW-Authenticate")).hasValue("Bearer realm=\"accesspass\", error=\"insufficient_scope\"");
        assertThat(http.get("/api/hello", token).status()).isEqualTo(200);

        server.accessPass().deleteUser(bob);
        assertProblem(http.get("/api/hello", token), 401, "invalid_token");
        assertProblem(http.get("/auth/check", token), 401, "invalid_token");
    }

    @Test
    void revokeSessionsThroughTheJavaApi() {
        http.register("carol", PASSWORD);
        UserId carol = server.accessPass().findUser("carol").orElseThrow().id();
        String token = server.accessPass().openSession(carol, Map.of()).accessToken();
        assertThat(http.get("/api/hello", token).status()).isEqualTo(200);
        assertThat(server.accessPass().revokeSessions(carol)).isGreaterThanOrEqualTo(2);
        assertProblem(http.get("/api/hello", token), 401, "invalid_token");
    }

    /** A servlet with no annotation, protected only through the {@code protected-paths} setting. */
    public static class Plain extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("application/json");
            response.getWriter().write("{\"plain\":\"" + request.getRemoteUser() + "\"}");
        }
    }

    @Test
    void protectedPathsSettingProtectsUnannotatedServlets() {
        try (TestServer paths = TestServer.builder().set("protected-paths", "/public/*, *.json")
                .servlet("/data/*", new Plain()).servlet("/files/*", new Plain()).start()) {
            Http client = paths.http();
            assertProblem(client.get("/public/hello", null), 401, "invalid_token");
            assertProblem(client.get("/data/report.json", null), 401, "invalid_token");
            assertProblem(client.get("/files/deep/x.json", null), 401, "invalid_token");
            assertThat(client.get("/data/report.txt", null).status()).isEqualTo(200);
            String token = client.register("dora", PASSWORD).field("access_token");
            // Tricks that reach the filter: challenged, and the same target opens with a token.
            Map<String, String> reachTheFilter = Map.of("/public/hello;x", "{\"hello\":\"world\"}",
                    "/files/x.json;y", "{\"plain\":\"dora\"}", "/files/./x.json", "{\"plain\":\"dora\"}");
            reachTheFilter.forEach((target, body) -> {
                assertProblem(paths.raw().send(null, "GET", target, List.of(), null), 401, "invalid_token");
                Http.Reply withToken = paths.raw().send(null, "GET", target, List.of("Authorization: Bearer " + token),
                        null);
                assertThat(withToken.status()).as("GET %s with a token -> %s", target, withToken).isEqualTo(200);
                assertThat(withToken.text()).as("GET %s with a token", target).isEqualTo(body);
            });
            // Tricks Jetty refuses before any filter.
            for (String target : List.of("/public//hello", "/public/%2e/hello")) {
                assertRefusedByJetty(paths.raw(), target, 400, token);
            }
            assertThat(client.get("/public/hello", token).status()).isEqualTo(200);
            Http.Reply json = client.get("/data/report.json", token);
            assertThat(json.status()).isEqualTo(200);
            assertThat(json.text()).isEqualTo("{\"plain\":\"dora\"}");
        }
    }
}
