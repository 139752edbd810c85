package dev.accesspass.servlet;

import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.accesspass.ErrorCode;
import dev.accesspass.UserId;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Await;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.RequiredTool;
import dev.accesspass.testing.SourceTree;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Forward-auth behind a real nginx (Debian's package), configured with the very block of docs/GATEWAYS.md: nginx's
 * {@code auth_request} asks {@code /auth/verify} before it proxies to an upstream that echoes the headers it got.
 * nginx runs as the current user on a free loopback port, with its own prefix, pid, logs and temp directories.
 */
@RequiredTool(value = {"/usr/sbin/nginx"}, install = "sudo apt-get install -y nginx")
class NginxForwardAuthTest {
    private static final String PASSWORD = "correct horse battery staple";
    private static final Pattern BLOCK =
            Pattern.compile("<!-- gateway-config:nginx -->\\s*```nginx\\n(.*?)```", Pattern.DOTALL);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger UPSTREAM_CALLS = new AtomicInteger();
    private static final AtomicInteger USERS = new AtomicInteger();

    private static TestServer accessPass;
    private static HttpServer upstream;
    private static Process nginx;
    private static Path workDir;
    private static Http viaNginx;

    @BeforeAll
    static void start() throws Exception {
        accessPass = TestServer.start();
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/", exchange -> {
            UPSTREAM_CALLS.incrementAndGet();
            Map<String, List<String>> seen = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> seen.put(name.toLowerCase(), values));
            exchange.getRequestBody().readAllBytes();
            byte[] body = JSON.writeValueAsBytes(Map.of("path", exchange.getRequestURI().toString(),
                    "method", exchange.getRequestMethod(), "headers", seen));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        upstream.start();

        int port = freePort();
        workDir = Files.createTempDirectory("accesspass-nginx");
        Path conf = workDir.resolve("nginx.conf");
        Files.writeString(conf, nginxConf(port));
        Path errorLog = workDir.resolve("error.log");
        nginx = new ProcessBuilder("/usr/sbin/nginx", "-p", workDir.toString(), "-c", conf.toString(),
                "-e", errorLog.toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(workDir.resolve("stdout.log").toFile()).start();
        Await.until(Duration.ofSeconds(20), "nginx listening on " + port + " (see " + errorLog + ")",
                () -> nginx.isAlive() && accepts(port));
        viaNginx = new Http("http://127.0.0.1:" + port);
    }

    /** The configuration of docs/GATEWAYS.md, its example addresses replaced by this test's ones. */
    static String nginxConf(int port) throws IOException {
        Matcher block = BLOCK.matcher(Files.readString(SourceTree.root().resolve("docs/GATEWAYS.md")));
        assertThat(block.find()).as("docs/GATEWAYS.md has the marked nginx block").isTrue();
        String server = replaceOnce(block.group(1), "listen 80;", "listen 127.0.0.1:" + port + ";");
        server = replaceOnce(server, "server 127.0.0.1:8080;", "server 127.0.0.1:" + accessPass.port() + ";");
        server = replaceOnce(server, "server 127.0.0.1:9000;",
                "server 127.0.0.1:" + upstream.getAddress().getPort() + ";");
        String dir = workDir.toString();
        // As root (some CI containers), workers would run as nobody and could not use the private temp directories.
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        return user + "worker_processes 1;\n"
                + "pid " + dir + "/nginx.pid;\n"
                + "error_log " + dir + "/error.log info;\n"
                + "events { worker_connections 64; }\n"
                + "http {\n"
                + "    access_log off;\n"
                + "    client_body_temp_path " + dir + "/client_body;\n"
                + "    proxy_temp_path " + dir + "/proxy;\n"
                + "    fastcgi_temp_path " + dir + "/fastcgi;\n"
                + "    uwsgi_temp_path " + dir + "/uwsgi;\n"
                + "    scgi_temp_path " + dir + "/scgi;\n"
                + server
                + "}\n";
    }

    private static String replaceOnce(String text, String example, String actual) {
        assertThat(text.split(Pattern.quote(example), -1)).as("exactly one '%s' in the documented block", example)
                .hasSize(2);
        return text.replace(example, actual);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (nginx != null) {
                nginx.destroy(); // SIGTERM: nginx's fast shutdown
                if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                    nginx.destroyForcibly();
                }
            }
        } finally {
            if (upstream != null) {
                upstream.stop(0);
            }
            if (accessPass != null) {
                accessPass.close();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private record Login(String access, String userId, String username) {
    }

    private static Login newUser() {
        String name = "nginx" + USERS.incrementAndGet();
        // Registered through nginx: the /auth/ location reaches the Java app.
        Http.Reply reply = viaNginx.register(name, PASSWORD);
        assertThat(reply.status()).as("%s", reply).isEqualTo(201);
        return new Login(reply.field("access_token"), reply.json().path("user").path("id").asText(), name);
    }

    private static Http.Reply get(String path, Map<String, String> headers) {
        return viaNginx.send("GET", path, null, null, headers);
    }

    private static JsonNode seenHeaders(Http.Reply reply) {
        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        return reply.json().path("headers");
    }

    private static List<String> values(JsonNode headers, String name) {
        JsonNode node = headers.path(name.toLowerCase());
        return node.isMissingNode() ? List.of()
                : JSON.convertValue(node, JSON.getTypeFactory().constructCollectionType(List.class, String.class));
    }

    @Test
    void withATokenTheUpstreamSeesTheRightUser() {
        Login alice = newUser();

        Http.Reply reply = get("/orders/7?page=2", Map.of("Authorization", "Bearer " + alice.access()));

        JsonNode headers = seenHeaders(reply);
        assertThat(reply.json().path("path").asText()).isEqualTo("/orders/7?page=2");
        assertThat(values(headers, "X-Auth-User-Id")).containsExactly(alice.userId());
        assertThat(values(headers, "X-Auth-Username")).containsExactly(alice.username());
        assertThat(values(headers, "X-Auth-Session-Id")).hasSize(1).allSatisfy(id -> assertThat(id).isNotBlank());
        // No roles: nginx drops the empty header instead of sending it empty.
        assertThat(values(headers, "X-Auth-Roles")).isEmpty();

        // A body and any Content-Type on the original request do not disturb the check.
        Http.Reply post = viaNginx.send("POST", "/orders", "application/x-custom", "x".repeat(100_000).getBytes(),
                Map.of("Authorization", "Bearer " + alice.access()));
        assertThat(post.status()).as("%s", post).isEqualTo(200);
        assertThat(values(post.json().path("headers"), "X-Auth-User-Id")).containsExactly(alice.userId());
    }

    @Test
    void withoutAGoodTokenNginxAnswers401WithTheChallengeAndTheUpstreamIsNeverCalled() {
        int before = UPSTREAM_CALLS.get();

        Http.Reply none = get("/orders", Map.of());
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).hasValue("Bearer realm=\"accesspass\"");

        Http.Reply bad = get("/orders", Map.of("Authorization", "Bearer " + "A".repeat(43)));
        assertThat(bad.status()).isEqualTo(401);
        assertThat(bad.header("WWW-Authenticate")).hasValue("Bearer realm=\"accesspass\", error=\"invalid_token\"");

        Http.Reply forged = get("/orders", Map.of("X-Auth-User-Id", "someone", "X-Auth-Username", "admin"));
        assertThat(forged.status()).as("identity headers alone are no credential").isEqualTo(401);

        assertThat(UPSTREAM_CALLS.get()).isEqualTo(before);
    }

    @Test
    void sr83_clientSuppliedIdentityHeadersNeverReachTheUpstream() {
        Login alice = newUser();

        Http.Reply reply = get("/orders", Map.of("Authorization", "Bearer " + alice.access(),
                "X-Auth-Username", "admin", "X-Auth-User-Id", "forged-id", "X-Auth-Roles", "admin",
                "X-Auth-Session-Id", "forged-session", "X_Auth_Username", "underscored-admin"));

        JsonNode headers = seenHeaders(reply);
        assertThat(values(headers, "X-Auth-Username")).containsExactly(alice.username());
        assertThat(values(headers, "X-Auth-User-Id")).containsExactly(alice.userId());
        assertThat(values(headers, "X-Auth-Session-Id")).doesNotContain("forged-session").hasSize(1);
        assertThat(values(headers, "X-Auth-Roles")).as("the user has no role; the forged one is gone").isEmpty();
        assertThat(values(headers, "X_Auth_Username")).as("names with '_' are dropped by nginx").isEmpty();
        assertThat(reply.text()).doesNotContain("forged", "underscored-admin");
    }

    @Test
    void theAdminLocationAnswers403Or200ByRole() {
        Login alice = newUser();
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + alice.access());

        assertThat(get("/admin/panel", bearer).status()).isEqualTo(403);

        accessPass.accessPass().grantRole(new UserId(alice.userId()), "admin");
        Http.Reply admin = get("/admin/panel", bearer);
        assertThat(values(seenHeaders(admin), "X-Auth-Roles")).containsExactly("admin");
        assertThat(admin.json().path("path").asText()).isEqualTo("/admin/panel");

        accessPass.accessPass().revokeRole(new UserId(alice.userId()), "admin");
        assertThat(get("/admin/panel", bearer).status()).as("the next request after the role went").isEqualTo(403);
    }

    @Test
    void afterALogoutTheNextRequestThroughNginxIsRefused() {
        Login alice = newUser();
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + alice.access());
        assertThat(get("/orders", bearer).status()).isEqualTo(200);

        assertThat(viaNginx.postWithToken("/auth/logout", alice.access()).status()).isEqualTo(204);

        Http.Reply after = get("/orders", bearer);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.header("WWW-Authenticate")).hasValue("Bearer realm=\"accesspass\", error=\"invalid_token\"");
        // The Java app behind nginx says the same about the token.
        assertProblem(viaNginx.get("/auth/check", alice.access()), ErrorCode.INVALID_TOKEN);
    }

    @Test
    void aRevokedRefreshTokenEndsTheSessionForNginxToo() {
        String name = "nginx-revoke";
        Http.Reply login = viaNginx.register(name, PASSWORD);
        String access = login.field("access_token");
        assertThat(get("/orders", Map.of("Authorization", "Bearer " + access)).status()).isEqualTo(200);

        Http.Reply revoked = viaNginx.send("POST", "/auth/revoke", "application/x-www-form-urlencoded",
                ("token=" + login.field("refresh_token")).getBytes(StandardCharsets.US_ASCII), Map.of());
        assertThat(revoked.status()).isEqualTo(200);

        assertThat(get("/orders", Map.of("Authorization", "Bearer " + access)).status()).isEqualTo(401);
    }
}
