package dev.accesspass.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.testing.Http;
import dev.accesspass.testing.RawHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example app's own exposure (issue #10 item 9): it listens on loopback unless {@code HOST} says otherwise, its
 * page cannot be framed and runs only its own script, and {@code /api/*} answers are never cached.
 */
class ExampleHardeningTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static Server server;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        server = ExampleApp.start(0);
        base = "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    private static HttpResponse<String> send(String method, String path, String body, String bearer)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Test
    void listensOnLoopbackByDefault() {
        assertThat(((ServerConnector) server.getConnectors()[0]).getHost()).isEqualTo("127.0.0.1");
        assertThat(ExampleApp.host(null)).isEqualTo("127.0.0.1");
        assertThat(ExampleApp.host(" ")).isEqualTo("127.0.0.1");
        assertThat(ExampleApp.host("0.0.0.0")).isEqualTo("0.0.0.0");
        assertThat(ExampleApp.isLoopback("127.0.0.1")).isTrue();
        assertThat(ExampleApp.isLoopback("::1")).isTrue();
        assertThat(ExampleApp.isLoopback("0.0.0.0")).isFalse();
    }

    @Test
    void pageCannotBeFramedAndRunsOnlyItsOwnScript() throws Exception {
        // The page is served on base-url's host (localhost): on the other loopback name it redirects there first.
        HttpResponse<String> elsewhere = send("GET", "/", null, null);
        assertThat(elsewhere.statusCode()).isEqualTo(302);
        assertThat(elsewhere.headers().firstValue("Location")).hasValue("http://localhost:" + port() + "/");
        Http.Reply page = new RawHttp(port()).send(null, "GET", "/", List.of("Host: localhost:" + port()), null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("X-Frame-Options")).hasValue("DENY");
        assertThat(page.header("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("frame-ancestors 'none'").contains("script-src 'self'").contains("default-src 'none'")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval"));
        // Nothing inline that the policy would block: one external script, no inline style or handlers.
        assertThat(new String(page.body(), StandardCharsets.UTF_8)).contains("<script src=\"app.js\"></script>")
                .doesNotContain("<script>")
                .doesNotContain("<style").doesNotContain(" onclick=");
        assertThat(send("GET", "/app.js", null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/app.css", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void apiAnswersAreNeverCached() throws Exception {
        HttpResponse<String> registered = send("POST", "/auth/register", "{\"username\":\"nocache\","
                + "\"email\":\"nocache@example.com\",\"password\":\"correct horse battery\","
                + "\"password_confirmation\":\"correct horse battery\"}", null);
        assertThat(registered.statusCode()).isEqualTo(201);
        Matcher access = Pattern.compile("\"access_token\":\"([^\"]+)\"").matcher(registered.body());
        assertThat(access.find()).isTrue();
        HttpResponse<String> hello = send("GET", "/api/hello", null, access.group(1));
        assertThat(hello.statusCode()).isEqualTo(200);
        assertThat(hello.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(send("GET", "/api/hello", null, null).headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(send("GET", "/dev/outbox", null, null).headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void accessPassPagesKeepTheirOwnStricterPolicy() throws Exception {
        HttpResponse<String> confirm = send("GET", "/auth/confirm?token=" + "a".repeat(43), null, null);
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("form-action 'self'").contains("frame-ancestors 'none'"));
        assertThat(confirm.headers().allValues("Content-Security-Policy")).hasSize(1);
    }
}
