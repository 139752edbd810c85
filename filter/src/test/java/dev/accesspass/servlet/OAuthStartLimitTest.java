package dev.accesspass.servlet;

import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** SR-73: each unauthenticated OAuth start stores a state record, so one address may start only so many. */
class OAuthStartLimitTest {
    @Test
    void sr73_oauthStartsArePerAddressLimitedWith429AndRetryAfter() {
        try (TestServer server = TestServer.builder()
                .set("base-url", "http://127.0.0.1:8080") // the host the test client uses: no loopback-name redirect
                .set("oauth.demo.client-id", "client")
                .set("oauth.demo.client-secret", "secret")
                .set("oauth.demo.authorize-url", "https://provider.example/authorize")
                .set("oauth.demo.token-url", "https://provider.example/token")
                .set("oauth.demo.userinfo-url", "https://provider.example/userinfo")
                .start()) {
            Http http = server.http();
            for (int i = 0; i < 30; i++) {
                assertThat(http.get("/auth/oauth/demo", null).status()).as("start %d", i).isEqualTo(302);
            }
            Http.Reply refused = http.get("/auth/oauth/demo", null);
            assertProblem(refused, 429, "too_many_attempts");
            assertThat(Integer.parseInt(refused.header("Retry-After").orElseThrow())).isBetween(1, 600);
            assertThat(refused.header("Set-Cookie")).as("no binding cookie, no state").isEmpty();
            assertProblem(http.get("/auth/oauth/nope", null), 404, "unknown_provider");

            server.clock().advance(Duration.ofMinutes(10));
            assertThat(http.get("/auth/oauth/demo", null).status()).isEqualTo(302);
        }
    }
}
