package dev.accesspass.example.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.testing.Http;
import dev.accesspass.testing.ProblemAssert;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

/** The example's routes and hooks (API.md §6) on the Spring Boot example, over real HTTP. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "EXAMPLE_ADMINS=alice")
class ExampleBootAppTest {
    private static final String PASSWORD = "correct horse battery";

    @Autowired
    private Environment environment;

    @Test
    void theExampleRoutesAndHooks() {
        Http http = new Http("http://127.0.0.1:" + environment.getProperty("local.server.port"));
        Http.Reply alice = http.register("alice", PASSWORD);
        assertThat(alice.status()).as(alice.toString()).isEqualTo(201);
        assertThat(alice.field("greeting")).isEqualTo("Hello, alice");
        assertThat(alice.json().at("/user/roles/0").asText()).isEqualTo("admin");
        String token = alice.field("access_token");

        Http.Reply hello = http.get("/api/hello", token);
        assertThat(hello.json().get("hello").asText()).isEqualTo("alice");
        assertThat(hello.header("Cache-Control")).hasValue("no-store");
        assertThat(http.get("/api/admin", token).json().get("admin").asText()).isEqualTo("alice");
        ProblemAssert.assertProblem(http.get("/api/hello", null), 401, "invalid_token");

        assertThat(http.get("/api/recent", token).json().get("recent").asText()).isEqualTo("alice");
        Http.Reply noSecondFactor = http.get("/api/mfa", token);
        ProblemAssert.assertProblem(noSecondFactor, 401, "step_up_required");
        assertThat(noSecondFactor.header("WWW-Authenticate")).hasValueSatisfying(challenge -> assertThat(challenge)
                .contains("error=\"insufficient_user_authentication\"").contains("acr_values=\"mfa\""));

        String bob = http.register("bob", PASSWORD).field("access_token");
        ProblemAssert.assertProblem(http.get("/api/admin", bob), 403, "insufficient_role");
        assertThat(http.get("/public/hello", null).json().get("hello").asText()).isEqualTo("world");

        Http.Reply page = http.get("/", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("app.js");
        assertThat(page.header("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("frame-ancestors 'none'"));
        assertThat(page.header("X-Frame-Options")).hasValue("DENY");

        Http.Reply outbox = http.get("/dev/outbox", null);
        assertThat(outbox.status()).isEqualTo(200);
        assertThat(outbox.json().toString()).contains("alice@example.com");
    }
}
