package dev.accesspass.servlet;

import static dev.accesspass.testing.ProblemAssert.assertNoStore;
import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.servlet.testing.InstrumentedTokenStore;
import dev.accesspass.servlet.testing.InstrumentedUserStore;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A broken store fails closed with 503, never 500 or 401 (SR-65); no half-created user (SR-68). */
class StoreFailureTest {
    private static final String PASSWORD = "correct horse battery";

    private static void assertUnavailable(Http.Reply reply) {
        assertProblem(reply, 503, "store_unavailable");
        assertThat(reply.header("Retry-After")).hasValueSatisfying(v -> assertThat(v).matches("[1-9][0-9]*"));
    }

    @Test
    void sr65_tokenStoreDownFailsClosedOnProtectedAndAuthRoutes() {
        InstrumentedTokenStore tokens = InstrumentedTokenStore.inMemory();
        try (TestServer server = TestServer.builder().stores(tokens, InstrumentedUserStore.inMemory()).start()) {
            Http http = server.http();
            Http.Reply alice = http.register("alice", PASSWORD);
            String access = alice.field("access_token");
            tokens.faults().failEverything();

            assertUnavailable(http.get("/api/hello", access));
            assertUnavailable(http.get("/api/admin", access));
            assertUnavailable(http.get("/auth/check", access));
            assertUnavailable(http.get("/auth/me", access));
            assertUnavailable(http.postWithToken("/auth/logout", access));
            assertUnavailable(http.login("alice", PASSWORD));
            assertUnavailable(http.post("/auth/refresh", "refresh_token", alice.field("refresh_token")));
            Http.Reply register = http.register("bob", PASSWORD);
            assertUnavailable(register);
            assertNoStore(register);
            assertThat(server.accessPass().findUser("bob")).isEmpty();

            // An unprotected route passes through as anonymous.
            Http.Reply open = http.get("/public/hello", access);
            assertThat(open.status()).isEqualTo(200);
            assertThat(open.text()).isEqualTo("{\"hello\":\"world\"}");
            assertThat(http.get("/probe", access).text()).contains("\"principal\":null");

            tokens.faults().heal();
            assertThat(http.get("/api/hello", access).status()).isEqualTo(200);
            assertThat(http.post("/auth/refresh", "refresh_token", alice.field("refresh_token")).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void sr65_userStoreDownFailsClosedToo() {
        InstrumentedUserStore users = InstrumentedUserStore.inMemory();
        try (TestServer server = TestServer.builder().stores(InstrumentedTokenStore.inMemory(), users).start()) {
            Http http = server.http();
            String access = http.register("alice", PASSWORD).field("access_token");
            users.faults().failEverything();
            for (Http.Reply reply : List.of(http.get("/api/hello", access), http.get("/auth/check", access),
                    http.login("alice", PASSWORD), http.register("bob", PASSWORD))) {
                assertUnavailable(reply);
            }
            assertThat(http.get("/public/hello", access).status()).isEqualTo(200);
        }
    }

    @Test
    void sr68_registerWhoseSessionFailsLeavesNoUserAndCanBeRetried() {
        InstrumentedTokenStore tokens = InstrumentedTokenStore.inMemory();
        try (TestServer server = TestServer.builder().stores(tokens, InstrumentedUserStore.inMemory()).start()) {
            Http http = server.http();
            tokens.faults().failNext("createSession", 1);
            assertUnavailable(http.register("alice", PASSWORD));
            assertThat(server.accessPass().findUser("alice")).isEmpty();
            assertThat(server.accessPass().findUser("alice@example.com")).isEmpty();

            Http.Reply retry = http.register("alice", PASSWORD);
            assertThat(retry.status()).as("%s", retry).isEqualTo(201);
            assertThat(http.get("/api/hello", retry.field("access_token")).status()).isEqualTo(200);
        }
    }
}
