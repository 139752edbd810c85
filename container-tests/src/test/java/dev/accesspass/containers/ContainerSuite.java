package dev.accesspass.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.AccessPass;
import dev.accesspass.servlet.testing.Http;
import dev.accesspass.servlet.testing.Http.Reply;
import dev.accesspass.servlet.testing.RawHttp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
        assertThat(http.get("/files/./report.txt", null).status()).isNotEqualTo(200);
        Reply withToken = http.get("/files/report.txt", newUser().field("access_token"));
        assertThat(withToken.status()).isEqualTo(200);
        assertThat(withToken.text()).contains("protected static file");
    }

    @Test
    void SR51_pathVariantsNeverReachTheServletWithoutAToken() {
        String[] variants = {"/api/hello;x=y", "/api/hello/", "/api/./hello", "/public/../api/hello",
            "/api/%2e/hello", "/api/hello;", "/public/..;/api/hello", "/api//hello", "/API/hello",
            "/api/hello%2F", "/api/%68ello"};
        for (String path : variants) {
            Reply reply = http.get(path, null);
            assertThat(reply.status()).as("GET %s -> %s", path, reply).isNotEqualTo(200).isLessThan(500);
            assertThat(reply.text()).as(path).doesNotContain("\"hello\"");
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
        // Servlet 6.1 (the API these containers run here) dispatches PATCH to doPatch.
        Reply anonymous = send("PATCH", "/methods", null);
        assertThat(anonymous.status()).as(anonymous.toString()).isEqualTo(401);
        assertThat(anonymous.code()).isEqualTo("invalid_token");
        assertThat(send("PUT", "/methods", null).status()).isEqualTo(401);
        Reply user = send("PATCH", "/methods", newUser().field("access_token"));
        assertThat(user.status()).as(user.toString()).isEqualTo(403);
        assertThat(user.code()).isEqualTo("insufficient_role");
        Reply admin = send("PATCH", "/methods", newAdmin());
        assertThat(admin.status()).as(admin.toString()).isEqualTo(200);
        assertThat(admin.text()).isEqualTo("{\"methods\":\"patch\"}");
        assertThat(send("GET", "/methods", null).status()).isEqualTo(200);
        // A method no handler answers needs what the strictest handler needs, whatever the container then says.
        assertThat(send("PROPFIND", "/methods", null).status()).isEqualTo(401);
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
        assertThat(anonymous.text()).doesNotContain("\"admin\"");
        Reply user = http.get("/public/incl", newUser().field("access_token"));
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
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.code()).isEqualTo("invalid_credentials");
        assertThat(wrong.json().get("status").asInt()).isEqualTo(401);
        assertThat(wrong.header("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(wrong.header("Cache-Control")).hasValue("no-store");
        assertThat(wrong.header("Pragma")).hasValue("no-cache");
        assertThat(wrong.header("X-Content-Type-Options")).hasValue("nosniff");

        Reply registered = newUser();
        assertThat(registered.header("Cache-Control")).hasValue("no-store");
        Reply check = http.get("/auth/check", registered.field("access_token"));
        assertThat(check.header("Cache-Control")).hasValue("no-store");

        Reply protectedRoute = http.get("/api/hello", null);
        assertThat(protectedRoute.header("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void SR58_oversizedBodyIs413() throws IOException {
        String response = rawPost("/auth/login", 1024 * 1024);
        assertThat(response).as(response).startsWith("HTTP/1.1 413");
        assertThat(response).contains("\"code\":\"payload_too_large\"");
        // The container is still serving after the refused upload.
        assertThat(http.get("/public/hello", null).status()).isEqualTo(200);
    }

    /**
     * POSTs a JSON body of {@code size} bytes over a plain socket and returns the whole response. The server may
     * answer 413 and close before the body is written; java.net.http reports that as an I/O error instead of the
     * response, a socket reads the answer either way.
     */
    private String rawPost(String path, int size) throws IOException {
        URI base = URI.create(deployment.baseUrl());
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + size + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try {
                byte[] chunk = new byte[8192];
                Arrays.fill(chunk, (byte) 'a');
                for (int written = 0; written < size; written += chunk.length) {
                    out.write(chunk);
                }
                out.flush();
            } catch (IOException closedEarly) {
                // Expected when the server has already refused the declared length.
            }
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
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
