package dev.accesspass.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.AccessPass;
import dev.accesspass.spring.app.TestApplication;
import dev.accesspass.spring.app.TestHooks;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.ProblemAssert;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

/**
 * The starter in a real Spring Boot application on embedded Tomcat, over real HTTP: one context for the class.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StarterHttpTest {
    private static final String PASSWORD = "correct horse battery";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @Autowired
    private Environment environment;
    @Autowired
    private AccessPass accessPass;
    @Autowired
    private TestHooks hooks;

    private Http http;

    @BeforeEach
    void client() {
        http = new Http(base());
    }

    private String base() {
        return "http://127.0.0.1:" + environment.getProperty("local.server.port");
    }

    private String register(String name) {
        Http.Reply reply = http.register(name, PASSWORD);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        return reply.field("access_token");
    }

    @Test
    void registerLoginAndAProtectedControllerMethod() {
        Http.Reply registered = http.register("carol", PASSWORD);
        assertThat(registered.status()).isEqualTo(201);
        // The user-defined AuthHooks bean is the one in use: its greeting and its record of the registration.
        assertThat(registered.field("greeting")).isEqualTo("Hello, carol");
        assertThat(hooks.registered).contains("carol");

        Http.Reply login = http.login("carol", PASSWORD);
        assertThat(login.status()).isEqualTo(200);
        String token = login.field("access_token");

        Http.Reply anonymous = http.get("/api/hello", null);
        ProblemAssert.assertProblem(anonymous, 401, "invalid_token");
        assertThat(anonymous.header("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Bearer realm=").doesNotContain("error="));
        Http.Reply badToken = http.get("/api/hello", "x".repeat(43));
        ProblemAssert.assertProblem(badToken, 401, "invalid_token");
        assertThat(badToken.header("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).contains("error=\"invalid_token\""));

        Http.Reply hello = http.get("/api/hello", token);
        assertThat(hello.status()).isEqualTo(200);
        assertThat(hello.json().get("hello").asText()).isEqualTo("carol");
        Http.Reply posted = http.postWithToken("/api/hello", token);
        assertThat(posted.json().get("posted").asText()).isEqualTo("carol");
    }

    @Test
    void publicMethodInsideAProtectedControllerAndAnUnannotatedController() {
        String token = register("dave");
        Http.Reply open = http.get("/api/open", null);
        assertThat(open.status()).isEqualTo(200);
        assertThat(open.json().get("open").asText()).isEqualTo("anonymous");
        // A valid token is still attached on a public method.
        assertThat(http.get("/api/open", token).json().get("open").asText()).isEqualTo("dave");
        assertThat(http.get("/public/hello", null).json().get("hello").asText()).isEqualTo("world");
    }

    @Test
    void theFilterRunsAheadOfTheApplicationsFilters() {
        String token = register("olivia");
        assertThat(http.get("/public/hello", token).header("X-Seen-User")).hasValue("olivia");
        assertThat(http.get("/public/hello", null).header("X-Seen-User")).hasValue("-");
    }

    @Test
    void rolesAreCheckedOnEachRequest() {
        String admin = register("alice");
        String plain = register("erin");
        ProblemAssert.assertProblem(http.get("/api/admin", plain), 403, "insufficient_role");
        Http.Reply ok = http.get("/api/admin", admin);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("admin").asText()).isEqualTo("alice");
    }

    @Test
    void refreshAndLogout() {
        Http.Reply registered = http.register("frank", PASSWORD);
        Http.Reply refreshed = http.post("/auth/refresh", "refresh_token", registered.field("refresh_token"));
        assertThat(refreshed.status()).isEqualTo(200);
        String access = refreshed.field("access_token");
        assertThat(refreshed.field("refresh_token")).isNotEqualTo(registered.field("refresh_token"));
        assertThat(http.get("/api/hello", access).status()).isEqualTo(200);

        assertThat(http.postWithToken("/auth/logout", access).status()).isEqualTo(204);
        ProblemAssert.assertProblem(http.get("/api/hello", access), 401, "invalid_token");
    }

    @Test
    void propertiesFromApplicationYamlAndTheEnvironmentReachTheConfiguration() {
        // application.yml: access-token-ttl (dashed) and passwordMinLength (camel case, relaxed binding).
        assertThat(accessPass.config().accessTokenTtl()).isEqualTo(Duration.ofSeconds(120));
        assertThat(accessPass.config().passwordMinLength()).isEqualTo(10);
        // ACCESSPASS_REFRESH_GRACE=7, set by surefire for this module.
        assertThat(System.getenv("ACCESSPASS_REFRESH_GRACE")).isEqualTo("7");
        assertThat(accessPass.config().refreshGrace()).isEqualTo(Duration.ofSeconds(7));
        // A YAML map of an OAuth provider.
        assertThat(accessPass.config().oauthProviders()).containsKey("demo");
        assertThat(accessPass.config().oauthProviders().get("demo").clientId()).isEqualTo("demo-client");
        // ACCESSPASS_OAUTH_GITHUB_CLIENT_ID / _CLIENT_SECRET: a provider named only in the environment.
        assertThat(accessPass.config().oauthProviders().get("github").clientId()).isEqualTo("env-client");
        assertThat(accessPass.config().oauthProviders().get("github").clientSecret()).isEqualTo("env-secret");

        Http.Reply registered = http.register("grace", PASSWORD);
        assertThat(registered.json().get("expires_in").asLong()).isEqualTo(120);
        Http.Reply shortPassword = http.post("/auth/register", "username", "heidi", "email", "heidi@example.com",
                "password", "ninechars", "password_confirmation", "ninechars");
        ProblemAssert.assertProblem(shortPassword, 400, "validation_failed");
    }

    @Test
    void actuatorHealthShowsTheAccessPassComponent() {
        Http.Reply health = http.get("/actuator/health", null);
        assertThat(health.status()).as(health.toString()).isEqualTo(200);
        assertThat(health.json().at("/components/accessPass/status").asText()).isEqualTo("UP");
        assertThat(health.json().at("/components/accessPass/details/store").asText()).isEqualTo("memory");
        assertThat(health.json().at("/components/accessPass/details/pendingMails").isInt()).isTrue();
    }

    @Test
    void actuatorMetricsCountLoginSuccessAndFailure() {
        register("ivan");
        double successBefore = loginCount("success");
        double failureBefore = loginCount("failure");
        assertThat(http.login("ivan", PASSWORD).status()).isEqualTo(200);
        ProblemAssert.assertProblem(http.login("ivan", "wrong password here"), 401, "invalid_credentials");
        assertThat(loginCount("success")).isEqualTo(successBefore + 1);
        assertThat(loginCount("failure")).isEqualTo(failureBefore + 1);
        Http.Reply checks = http.get("/actuator/metrics/accesspass.token.checks", null);
        assertThat(checks.status()).isEqualTo(200);
    }

    private double loginCount(String outcome) {
        Http.Reply metric = http.get("/actuator/metrics/accesspass.logins?tag=outcome:" + outcome, null);
        assertThat(metric.status()).as(metric.toString()).isEqualTo(200);
        return metric.json().at("/measurements/0/value").asDouble();
    }

    /**
     * Path spellings against {@code @Protected} on the controller: whatever Spring routes to the protected handler
     * (200 with a token) answers 401 without one, and nothing answers 200 without a token. Spring chooses the
     * handler and the interceptor judges that very handler, so the two cannot disagree.
     */
    @Test
    void sr51_pathTricksAgainstTheControllerMappingNeverReachItWithoutAToken() throws Exception {
        String token = register("judy");
        List<String> reachedWithToken = new ArrayList<>();
        for (String path : List.of("/api/hello", "/api/hello/", "/api/hello.json", "/api//hello", "//api/hello",
                "/api/hello;jsessionid=abc", "/api;x=1/hello", "/api%2Fhello", "/api%2fhello", "/api/%68ello",
                "/API/hello", "/api/./hello", "/api/x/../hello", "/api/hello%00", "/api/hello%20",
                "/api/admin/", "/api/admin.json", "/api/admin;a=b")) {
            int anonymous = status(path, null);
            int withToken = status(path, token);
            assertThat(anonymous).as("%s without a token", path).isGreaterThanOrEqualTo(400);
            assertThat(anonymous).as("%s without a token", path).isLessThan(500);
            if (withToken == 200) {
                reachedWithToken.add(path);
                assertThat(anonymous).as("%s reaches the handler with a token, so needs one", path).isEqualTo(401);
            }
        }
        assertThat(reachedWithToken).contains("/api/hello");
    }

    /** Hostile bodies and headers through the starter end as the filter's 4xx problems, never 5xx or a pass. */
    @Test
    void hostileInputIsRefusedWithProblems() {
        ProblemAssert.assertProblem(http.send("POST", "/auth/login", "application/json",
                "{\"username\":".getBytes(StandardCharsets.UTF_8), Map.of()), 400, "malformed_request");
        ProblemAssert.assertProblem(http.send("POST", "/auth/login", "text/plain",
                "username=a".getBytes(StandardCharsets.UTF_8), Map.of()), 415, "unsupported_media_type");
        byte[] huge = ("{\"username\":\"" + "a".repeat(20_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        ProblemAssert.assertProblem(http.send("POST", "/auth/login", "application/json", huge, Map.of()), 413,
                "payload_too_large");
        ProblemAssert.assertProblem(http.send("GET", "/api/hello", null, null,
                Map.of("Authorization", "Bearer " + "a".repeat(300))), 401, "invalid_token");
        ProblemAssert.assertProblem(http.send("GET", "/api/hello", null, null,
                Map.of("Authorization", "Basic YWxpY2U6c2VjcmV0")), 401, "invalid_token");
        ProblemAssert.assertProblem(http.send("GET", "/api/admin", null, null,
                Map.of("Authorization", "Bearer two tokens")), 401, "invalid_token");
    }

    /** HEAD runs the GET handler in Spring MVC, so it needs what GET needs. */
    @Test
    void headFollowsGet() throws Exception {
        HttpRequest head = HttpRequest.newBuilder(URI.create(base() + "/api/hello"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
        assertThat(CLIENT.send(head, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
    }

    private int status(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
