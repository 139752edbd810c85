package dev.accesspass.servlet;

import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import org.junit.jupiter.api.Test;

/** {@code POST /register} over HTTP: no enumeration by email (SR-32), a per-address limit (SR-31). */
class RegistrationRoutesTest {
    private static final String PASSWORD = "correct horse battery staple";

    private static Http.Reply register(Http http, String username, String email) {
        return http.post("/auth/register", "username", username, "email", email, "password", PASSWORD,
                "password_confirmation", PASSWORD);
    }

    @Test
    void sr32_takenEmailGetsTheSame202AsANewAccountWhenConfirmationIsRequired() {
        try (TestServer server = TestServer.builder().set("require-confirmed-email", "true").start()) {
            Http http = server.http();
            Http.Reply fresh = register(http, "alice", "alice@example.com");
            Http.Reply taken = register(http, "mallory", "Alice@Example.com");

            assertThat(taken.status()).isEqualTo(fresh.status()).isEqualTo(202);
            assertThat(taken.text()).isEqualTo(fresh.text()).isEqualTo("{\"status\":\"confirmation_required\"}");
            assertThat(taken.header("Content-Type")).isEqualTo(fresh.header("Content-Type"));
            assertProblem(register(http, "ALICE", "new@example.com"), 409, "username_taken");
        }
    }

    @Test
    void sr31_theRegistrationAfterTheLimitIs429WithRetryAfter() {
        try (TestServer server = TestServer.builder().set("register-max-per-address", "2").start()) {
            Http http = server.http();
            assertThat(register(http, "one", "one@example.com").status()).isEqualTo(201);
            assertThat(register(http, "two", "two@example.com").status()).isEqualTo(201);

            Http.Reply refused = register(http, "three", "three@example.com");
            assertProblem(refused, 429, "too_many_attempts");
            assertThat(Integer.parseInt(refused.header("Retry-After").orElseThrow())).isBetween(1, 3600);
            assertThat(server.accessPass().findUser("three")).isEmpty();
        }
    }
}
