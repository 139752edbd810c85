package dev.accesspass.containers;

import static dev.accesspass.testing.ProblemAssert.assertNoStore;
import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.AccessPass;
import dev.accesspass.testing.Http.Reply;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.RawHttp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The HTTP behaviour of the filter inside a real web application, written once and run on each container by a
 * subclass that deploys the app ({@code src/test/resources/webapp}, or the same servlets registered in code). Any
 * test that passes on one container and fails on another is a bug in the filter, not in the test.
 *
 * <p>The application: {@code /api/hello} ({@code @Protected}), {@code /api/admin} (role {@code admin}),
 * {@code /public/hello}, {@code /public/fwd} (forwards to {@code /api/admin}), {@code /public/incl} (includes it),
 * {@code /probe} (echoes the principal), {@code /mixed} (class protected, {@code doPost} public) and the static file
 * {@code /files/report.txt} behind {@code protected-paths=/files/*}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ContainerSuite {
    private static final String PASSWORD = "correct horse battery";
    private static final AtomicInteger USERS = new AtomicInteger();

    private Deployment deployment;
    private Http http;

    /** Starts the container with the test application on a random loopback port. */
    protected abstract Deployment deploy() throws Exception;

    /**
     * The status of {@code TRACE} on a protected servlet: 405 from the filter (SR-52), unless the container refuses
     * {@code TRACE} before any filter runs.
     */
    protected int traceStatus() {
        return 405;
    }

    @BeforeAll
    void start() throws Exception {
        deployment = deploy();
        http = deployment.http();
    }

    @AfterAll
    void stop() throws Exception {
        if (deployment != null) {
            deployment.close();
            // Undeploying the app leaves no AccessPass thread behind (Tomcat would report it as a leak).
            assertThat(Thread.getAllStackTraces().keySet())
                    .noneMatch(thread -> thread.getName().equals("accesspass-purge") && thread.isAlive());
        }
    }

    /** A fresh user; returns the registration's token response. */
    private Reply newUser() {
        String username = "user" + USERS.incrementAndGet();
        Reply registered = http.register(username, PASSWORD);
        assertThat(registered.status()).as("register %s: %s", username, registered).isEqualTo(201);
        return registered;
    }

    /** A fresh user granted {@code admin} through the public API; returns its access token. */
    private String newAdmin() {
        Reply registered = newUser();
        AccessPass accessPass = deployment.accessPass();
        String username = registered.json().get("user").get("username").asText();
        accessPass.grantRole(accessPass.findUser(username).orElseThrow().id(), "admin");
        return registered.field("access_token");
    }

    private Reply send(String method, String path, String bearer) {
        return http.send(method, path, null, null,
                bearer == null ? Map.of() : Map.of("Authorization", "Bearer " + bearer));
    }

    @Test
    void authRoutesRoundTrip() {
        Reply registered = newUser();
        String username = registered.json().get("user").get("username").asText();

        Reply login = http.login(username, PASSWORD);
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        assertThat(login.field("token_type")).isEqualTo("Bearer");
        String access = login.field("access_token");

        Reply check = http.get("/auth/check", access);
        assertThat(check.status()).as(check.toString()).isEqualTo(200);
        assertThat(check.json().get("active").asBoolean()).isTrue();
        assertThat(check.field("username")).isEqualTo(username);

        Reply me = http.get("/auth/me", access);
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.field("username")).isEqualTo(username);
        assertThat(me.text()).doesNotContain(access).doesNotContain("argon2");

        Reply refreshed = http.post("/auth/refresh", "refresh_token", login.field("refresh_token"));
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        String newAccess = refreshed.field("access_token");
        assertThat(newAccess).isNotEqualTo(access);
        assertThat(refreshed.field("refresh_token")).isNotEqualTo(login.field("refresh_token"));
        assertThat(http.get("/api/hello", newAccess).text()).isEqualTo("{\"hello\":\"" + username + "\"}");

        assertThat(http.postWithToken("/auth/logout", newAccess).status()).isEqualTo(204);
        assertThat(http.get("/auth/check", newAccess).status()).isEqualTo(401);
        assertThat(http.get("/api/hello", newAccess).status()).isEqualTo(401);
        assertThat(http.post("/auth/refresh", "refresh_token", refreshed.field("refresh_token")).code())
                .isEqualTo("invalid_grant");
    }

    @Test
    void forwardAuthVerifyAnswersEveryMethodWithoutReadingTheBody() {
        Reply user = newUser();
        String access = user.field("access_token");
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + access);
        for (String method : List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH")) {
            Reply reply = http.send(method, "/auth/verify", "application/x-unknown",
                    "x".repeat(40_000).getBytes(StandardCharsets.US_ASCII), bearer);
            assertThat(reply.status()).as("%s: %s", method, reply).isEqualTo(204);
            assertThat(reply.header("X-Auth-User-Id")).as(method)
                    .hasValue(user.json().get("user").get("id").asText());
            assertThat(reply.header("X-Auth-Username")).as(method)
                    .hasValue(user.json().get("user").get("username").asText());
            assertThat(reply.header("X-Auth-Session-Id")).as(method).isPresent();
        }
        Reply lacking = http.get("/auth/verify?role=admin", access);
        assertThat(lacking.status()).isEqualTo(403);
        assertThat(lacking.code()).isEqualTo("insufficient_role");
        assertThat(http.get("/auth/verify?role=admin", newAdmin()).status()).isEqualTo(204);
        Reply none = http.send("POST", "/auth/verify", "text/plain", "body".getBytes(), Map.of());
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).hasValue("Bearer realm=\"accesspass\"");
    }

    @Test
    void SR18_repeatedRefreshWithinGraceGetsTheSamePair() {
        String refreshToken = newUser().field("refresh_token");
        Reply first = http.post("/auth/refresh", "refresh_token", refreshToken);
        Reply second = http.post("/auth/refresh", "refresh_token", refreshToken);
        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.field("access_token")).isEqualTo(first.field("access_token"));
        assertThat(second.field("refresh_token")).isEqualTo(first.field("refresh_token"));
    }

    @Test
    void SR51_protectedServletAndRoles() {
        Reply anonymous = http.get("/api/hello", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.code()).isEqualTo("invalid_token");
        assertThat(anonymous.header("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Bearer realm=\"").doesNotContain("error="));

        Reply badToken = http.get("/api/hello", "not-a-real-token");
        assertThat(badToken.status()).isEqualTo(401);
        assertThat(badToken.header("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).contains("error=\"invalid_token\""));

        String user = newUser().field("access_token");
        assertThat(http.get("/api/hello", user).status()).isEqualTo(200);
        Reply forbidden = http.get("/api/admin", user);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.code()).isEqualTo("insufficient_role");
        assertThat(forbidden.header("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).contains("error=\"insufficient_scope\""));

        String admin = newAdmin();
        Reply allowed = http.get("/api/admin", admin);
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
        assertThat(allowed.field("admin")).startsWith("user");

        assertThat(http.get("/public/hello", null).text()).isEqualTo("{\"hello\":\"world\"}");
    }

    @Test
    void SR51_protectedPathsCoverStaticFiles() {
        assertThat(http.get("/files/report.txt", null).status()).isEqualTo(401);
        String token = newUser().field("access_token");
        for (String path : new String[] {"/files/report.txt", "/files/./report.txt"}) {
            Reply anonymous = http.get(path, null);
            assertThat(anonymous.status()).as("GET %s -> %s", path, anonymous).isEqualTo(401);
            assertThat(anonymous.code()).as("GET %s", path).isEqualTo("invalid_token");
            Reply withToken = http.get(path, token);
            assertThat(withToken.status()).as("GET %s with a token", path).isEqualTo(200);
            assertThat(withToken.text()).contains("protected static file");
        }
    }

    /** Path variants every container hands to the filter: each must be challenged, and each opens with a token. */
    private static final List<String> PATH_VARIANTS = List.of("/api/hello;x=y", "/api/hello/", "/api/./hello",
            "/public/../api/hello", "/api/%2e/hello", "/api/hello;", "/public/..;/api/hello", "/api//hello",
            "/API/hello", "/api/hello%2F", "/api/%68ello");

    /**
     * The path variants this container refuses itself, before any filter, with the status it answers (its own HTML
     * page, token or not). Every other variant of {@link #PATH_VARIANTS} reaches the filter. Tomcat and Jetty agree
     * on these three; Jetty refuses more.
     */
    protected Map<String, Integer> refusedByContainer() {
        return Map.of("/api/hello/", 404, "/API/hello", 404, "/api/hello%2F", 400);
    }

    @Test
    void SR51_pathVariantsNeverReachTheServletWithoutAToken() {
        Reply registered = newUser();
        String token = registered.field("access_token");
        String username = registered.json().get("user").get("username").asText();
        assertThat(PATH_VARIANTS).containsAll(refusedByContainer().keySet());
        for (String path : PATH_VARIANTS) {
            Reply anonymous = http.get(path, null);
            Reply withToken = http.get(path, token);
            Integer refused = refusedByContainer().get(path);
            if (refused == null) {
                assertThat(anonymous.status()).as("GET %s -> %s", path, anonymous).isEqualTo(401);
                assertThat(anonymous.code()).as("GET %s", path).isEqualTo("invalid_token");
                assertThat(anonymous.header("Content-Type")).as("GET %s", path)
                        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
                // The control: the same variant is the protected servlet, so the 401 is the filter's doing.
                assertThat(withToken.status()).as("GET %s with a token -> %s", path, withToken).isEqualTo(200);
                assertThat(withToken.text()).as("GET %s with a token", path)
                        .isEqualTo("{\"hello\":\"" + username + "\"}");
            } else {
                for (Reply reply : List.of(anonymous, withToken)) {
                    assertThat(reply.status()).as("GET %s -> %s", path, reply).isEqualTo(refused);
                    assertThat(reply.header("Content-Type")).as("GET %s: the container's own page", path)
                            .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
                    assertThat(reply.text()).as(path).doesNotContain("\"hello\"");
                }
            }
        }
    }

    @Test
    void SR52_headFollowsGetAndOtherMethodsAreCovered() {
        assertThat(send("HEAD", "/api/hello", null).status()).isEqualTo(401);
        String user = newUser().field("access_token");
        assertThat(send("HEAD", "/api/hello", user).status()).isEqualTo(200);
        assertThat(send("OPTIONS", "/mixed", null).status()).isEqualTo(401);
        assertThat(send("GET", "/mixed", null).status()).isEqualTo(401);
        assertThat(send("POST", "/mixed", null).status()).isEqualTo(200);
    }

    @Test
    void SR72_patchFollowsAProtectedDoPatch() {
        // Servlet 6.1 dispatches PATCH to doPatch; on 6.0 a PATCH has no handler and needs the strictest rule.
        Reply anonymous = send("PATCH", "/methods", null);
        assertThat(anonymous.status()).as(anonymous.toString()).isEqualTo(401);
        assertThat(anonymous.code()).isEqualTo("invalid_token");
        assertThat(send("PUT", "/methods", null).status()).isEqualTo(401);
        Reply user = send("PATCH", "/methods", newUser().field("access_token"));
        assertThat(user.status()).as(user.toString()).isEqualTo(403);
        assertThat(user.code()).isEqualTo("insufficient_role");
        Reply admin = send("PATCH", "/methods", newAdmin());
        if (servletApiHasDoPatch()) {
            assertThat(admin.status()).as(admin.toString()).isEqualTo(200);
            assertThat(admin.text()).isEqualTo("{\"methods\":\"patch\"}");
        } else {
            // Servlet 6.0 (Tomcat 10.1) has no doPatch: the guard let the admin through on the strictest rule,
            // and the container itself answers that nothing implements PATCH.
            assertThat(admin.status()).as(admin.toString()).isEqualTo(501);
        }
        assertThat(send("GET", "/methods", null).status()).isEqualTo(200);
        // A method no handler answers needs what the strictest handler needs, whatever the container then says.
        assertThat(send("PROPFIND", "/methods", null).status()).isEqualTo(401);
    }

    /** Whether the container's servlet API is 6.1 or later, where {@code HttpServlet} has {@code doPatch}. */
    private static boolean servletApiHasDoPatch() {
        return java.util.Arrays.stream(jakarta.servlet.http.HttpServlet.class.getDeclaredMethods())
                .anyMatch(method -> method.getName().equals("doPatch"));
    }

    @Test
    void SR72_headOnAnOverriddenDoHeadNeedsGetsRule() {
        Reply anonymous = send("HEAD", "/head", null);
        assertThat(anonymous.status()).as(anonymous.toString()).isEqualTo(401);
        assertThat(anonymous.header("X-Ran")).isEmpty();
        Reply user = send("HEAD", "/head", newUser().field("access_token"));
        assertThat(user.status()).as(user.toString()).isEqualTo(200);
        assertThat(user.header("X-Head")).hasValue("overridden");
        assertThat(user.header("X-Ran")).hasValue("doGet");
    }

    @Test
    void SR52_traceOnAProtectedServletIs405AndEchoesNoToken() {
        String user = newUser().field("access_token");
        Reply trace = send("TRACE", "/api/hello", user);
        assertThat(trace.status()).isEqualTo(traceStatus());
        assertThat(trace.text()).doesNotContain(user);
        assertThat(trace.headers().toString()).doesNotContain(user);
    }

    @Test
    void SR53_forwardToAProtectedServletIsChecked() {
        assertThat(http.get("/public/fwd", null).status()).isEqualTo(401);
        assertThat(http.get("/public/fwd", newUser().field("access_token")).status()).isEqualTo(403);
        Reply admin = http.get("/public/fwd", newAdmin());
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.field("admin")).startsWith("user");
    }

    @Test
    void SR53_includeOfAProtectedServletIsChecked() {
        Reply anonymous = http.get("/public/incl", null);
        assertThat(anonymous.status()).as(anonymous.toString()).isEqualTo(401);
        assertThat(anonymous.code()).isEqualTo("invalid_token");
        assertThat(anonymous.text()).doesNotContain("\"admin\"");
        Reply user = http.get("/public/incl", newUser().field("access_token"));
        assertThat(user.status()).as(user.toString()).isEqualTo(403);
        assertThat(user.code()).isEqualTo("insufficient_role");
        assertThat(user.text()).doesNotContain("\"admin\"");
        Reply admin = http.get("/public/incl", newAdmin());
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.field("admin")).startsWith("user");
    }

    @Test
    void SR54_principalProbe() {
        Reply anonymous = http.send("GET", "/probe", null, null, Map.of("X-Remote-User", "admin", "X-User-Id", "1"));
        assertThat(anonymous.json().get("principal").isNull()).as(anonymous.toString()).isTrue();
        assertThat(anonymous.json().get("remoteUser").isNull()).isTrue();
        assertThat(anonymous.json().get("admin").asBoolean()).isFalse();
        assertThat(anonymous.json().get("authType").isNull()).isTrue();

        Reply registered = newUser();
        String username = registered.json().get("user").get("username").asText();
        Reply user = http.send("GET", "/probe", null, null, Map.of(
                "Authorization", "Bearer " + registered.field("access_token"), "X-Remote-User", "admin"));
        assertThat(user.field("principal")).isEqualTo(username);
        assertThat(user.field("remoteUser")).isEqualTo(username);
        assertThat(user.json().get("admin").asBoolean()).isFalse();
        assertThat(user.field("authType")).isEqualTo("BEARER");

        Reply admin = http.get("/probe", newAdmin());
        assertThat(admin.json().get("admin").asBoolean()).isTrue();
        assertThat(admin.field("authType")).isEqualTo("BEARER");
    }

    @Test
    void SR59_errorsAreProblemJsonAndNeverCached() {
        Reply wrong = http.login("nobody-" + USERS.incrementAndGet(), "wrong password here");
        assertProblem(wrong, 401, "invalid_credentials");
        assertNoStore(wrong);

        Reply registered = newUser();
        assertThat(registered.header("Cache-Control")).hasValue("no-store");
        Reply check = http.get("/auth/check", registered.field("access_token"));
        assertThat(check.header("Cache-Control")).hasValue("no-store");

        Reply protectedRoute = http.get("/api/hello", null);
        assertThat(protectedRoute.header("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void SR58_oversizedBodyIs413() {
        // Over a plain socket: the server may answer 413 and close before the body is written; java.net.http reports
        // that as an I/O error instead of the response, RawHttp reads the answer either way.
        byte[] body = new byte[1024 * 1024];
        Arrays.fill(body, (byte) 'a');
        Reply response = new RawHttp(URI.create(deployment.baseUrl()).getPort()).send(null, "POST", "/auth/login",
                List.of("Content-Type: application/json"), body);
        assertThat(response.status()).as(response.toString()).isEqualTo(413);
        assertThat(response.code()).isEqualTo("payload_too_large");
        // The container is still serving after the refused upload.
        assertThat(http.get("/public/hello", null).status()).isEqualTo(200);
    }

    @Test
    void SR57_malformedQueryStringsOnGetRoutesAre4xx() {
        RawHttp raw = new RawHttp(URI.create(deployment.baseUrl()).getPort());
        for (String route : new String[] {"/auth/oauth/demo/callback", "/auth/oauth/demo", "/auth/check",
            "/auth/me", "/auth/confirm"}) {
            for (String query : new String[] {"code=%zz", "code=%ff", "code=%", "code=%C0%AF", "%zz", "token=%zz"}) {
                Reply reply = raw.send(null, "GET", route + "?" + query, java.util.List.of(), null);
                assertThat(reply.status()).as("GET %s?%s: %s", route, query, reply).isBetween(400, 499);
            }
        }
    }

    @Test
    void SR58_otherMediaTypesAre415() {
        Reply reply = http.send("POST", "/auth/login", "text/plain",
                "username=a&password=b".getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(reply.status()).as(reply.toString()).isEqualTo(415);
        assertThat(reply.code()).isEqualTo("unsupported_media_type");
    }
}
