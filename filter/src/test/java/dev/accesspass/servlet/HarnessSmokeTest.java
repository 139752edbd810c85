package dev.accesspass.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import org.junit.jupiter.api.Test;

/** The walking skeleton end to end: register, call a protected servlet, refresh, log out. */
class HarnessSmokeTest {

    @Test
    void registerCallRefreshLogout() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            Http.Reply registered = http.register("alice", "correct horse battery");
            assertThat(registered.status()).isEqualTo(201);
            assertThat(registered.json().get("expires_in").asLong()).isEqualTo(300);
            String access = registered.field("access_token");

            assertThat(http.get("/api/hello", access).text()).isEqualTo("{\"hello\":\"alice\"}");
            assertThat(http.get("/api/hello", null).status()).isEqualTo(401);

            Http.Reply refreshed = http.post("/auth/refresh", "refresh_token", registered.field("refresh_token"));
            assertThat(refreshed.status()).isEqualTo(200);
            String newAccess = refreshed.field("access_token");
            assertThat(newAccess).isNotEqualTo(access);

            assertThat(http.postWithToken("/auth/logout", newAccess).status()).isEqualTo(204);
            assertThat(http.get("/api/hello", newAccess).status()).isEqualTo(401);
        }
    }
}
