package dev.accesspass.spring.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.testing.Http;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

/**
 * With Spring Security on the class path (this module's second surefire execution): the chain's
 * {@code authenticated()}, {@code @PreAuthorize("hasRole('admin')")}, {@code @AuthenticationPrincipal} and
 * {@code SecurityContextHolder} all see the AccessPass token's user and roles, and AccessPass's own routes are not
 * behind Spring Security's chain.
 */
@Tag("spring-security")
@SpringBootTest(classes = SecuredApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SecurityBridgeTest {
    private static final String PASSWORD = "correct horse battery";

    @Autowired
    private Environment environment;
    private Http http;

    @BeforeEach
    void client() {
        http = new Http("http://127.0.0.1:" + environment.getProperty("local.server.port"));
    }

    private String register(String name) {
        Http.Reply reply = http.register(name, PASSWORD);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        return reply.field("access_token");
    }

    @Test
    void theChainMethodSecurityAndThePrincipalSeeTheTokensUser() {
        String alice = register("alice");
        Http.Reply me = http.get("/secure/me", alice);
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.json().get("principal").asText()).isEqualTo("alice");
        assertThat(me.json().get("name").asText()).isEqualTo("alice");
        assertThat(me.json().get("type").asText()).isEqualTo("AccessPassAuthenticationToken");
        assertThat(me.json().get("authorities").toString()).isEqualTo("[\"ROLE_admin\"]");

        Http.Reply admin = http.get("/secure/admin", alice);
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.json().get("admin").asText()).isEqualTo("alice");
    }

    @Test
    void hasRoleRefusesAUserWithoutTheRole() {
        String bob = register("bob");
        assertThat(http.get("/secure/me", bob).status()).isEqualTo(200);
        assertThat(http.get("/secure/admin", bob).status()).isEqualTo(403);
    }

    @Test
    void withoutAValidTokenSpringSecurityRefuses() {
        assertThat(http.get("/secure/me", null).status()).isIn(401, 403);
        assertThat(http.get("/secure/me", "x".repeat(43)).status()).isIn(401, 403);
        assertThat(http.get("/open/whoami", null).json().get("name").asText()).isIn("none", "anonymousUser");
    }

    @Test
    void theContextHoldsNothingAfterTheRequestAndNoSessionIsCreated() {
        String carol = register("carol");
        Http.Reply me = http.get("/secure/me", carol);
        assertThat(me.header("Set-Cookie")).isEmpty();
        // The next request without a token is anonymous again: nothing leaked through a thread or a session.
        assertThat(http.get("/open/whoami", null).json().get("name").asText()).isIn("none", "anonymousUser");
        assertThat(http.get("/open/whoami", carol).json().get("name").asText()).isEqualTo("carol");
    }
}
