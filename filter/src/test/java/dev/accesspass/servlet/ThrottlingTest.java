package dev.accesspass.servlet;

import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.password.CountingHasher;
import dev.accesspass.password.HashingPool;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.Race;
import dev.accesspass.testing.RawHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Login throttling (SR-28, SR-29), identical failures (SR-32), one verify per attempt (SR-33) and the bounded
 * hashing pool (SR-22). Every test has its own server, because all requests share the loopback address and its
 * counter. Where only the account counter may act, requests come from distinct source addresses (127.0.0.x).
 */
class ThrottlingTest {
    private static final String PASSWORD = "correct horse battery";

    private static void assertThrottled(Http.Reply reply) {
        assertProblem(reply, 429, "too_many_attempts");
        String retryAfter = reply.header("Retry-After").orElseThrow();
        assertThat(retryAfter).matches("[0-9]+");
        assertThat(Integer.parseInt(retryAfter)).isBetween(1, 900);
    }

    /** Five wrong passwords then the right one; the statuses and bodies of the six answers. */
    private static List<String> fiveWrongThenRight(Http http, String username) {
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Http.Reply wrong = http.login(username, "wrong password " + i);
            assertProblem(wrong, 401, "invalid_credentials");
            outcomes.add(wrong.status() + " " + wrong.text() + " " + wrong.header("WWW-Authenticate").orElse(""));
        }
        Http.Reply right = http.login(username, PASSWORD);
        assertThrottled(right);
        outcomes.add(right.status() + " " + right.text() + " " + right.header("Retry-After").orElse(""));
        return outcomes;
    }

    @Test
    void sr28_fiveFailuresThrottleEvenTheRightPasswordUntilTheWindowEnds() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            http.register("alice", PASSWORD);
            fiveWrongThenRight(http, "alice");
            server.clock().advance(Duration.ofSeconds(899));
            assertThrottled(http.login("alice", PASSWORD));
            server.clock().advance(Duration.ofSeconds(1));
            assertThat(http.login("alice", PASSWORD).status()).isEqualTo(200);
        }
    }

    @Test
    void sr28_sr32_unknownUserGetsIdenticalStatusesAndBodies() {
        List<String> known;
        try (TestServer server = TestServer.start()) {
            server.http().register("alice", PASSWORD);
            known = fiveWrongThenRight(server.http(), "alice");
        }
        List<String> unknown;
        try (TestServer server = TestServer.start()) {
            server.http().register("alice", PASSWORD);
            unknown = fiveWrongThenRight(server.http(), "nobody");
        }
        assertThat(unknown).isEqualTo(known);
    }

    @Test
    void sr32_unknownUserAndWrongPasswordFailIdentically() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            http.register("alice", PASSWORD);
            Http.Reply wrongPassword = http.login("alice", "not the password");
            Http.Reply unknownUser = http.login("nobody", "not the password");
            Http.Reply unknownEmail = http.login("nobody@example.com", "not the password");
            for (Http.Reply reply : List.of(wrongPassword, unknownUser, unknownEmail)) {
                assertProblem(reply, 401, "invalid_credentials");
                assertThat(reply.header("WWW-Authenticate")).hasValue("Bearer realm=\"accesspass\"");
                assertThat(reply.body()).isEqualTo(wrongPassword.body());
                assertThat(headersWithoutDate(reply)).isEqualTo(headersWithoutDate(wrongPassword));
            }
        }
    }

    private static Map<String, List<String>> headersWithoutDate(Http.Reply reply) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        reply.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("date")) {
                headers.put(name, values);
            }
        });
        return headers;
    }

    @Test
    void sr29_usernameAndEmailLoginsShareOneCounter() {
        CountingHasher hasher = CountingHasher.weak();
        try (TestServer server = TestServer.builder().hasher(hasher).start()) {
            server.http().register("alice", PASSWORD);
            RawHttp raw = server.raw();
            int address = 10;
            for (int i = 0; i < 3; i++) {
                assertThat(raw.login("127.0.0." + address++, "Alice", "wrong").status()).isEqualTo(401);
            }
            for (int i = 0; i < 2; i++) {
                assertThat(raw.login("127.0.0." + address++, "alice@EXAMPLE.com", "wrong").status()).isEqualTo(401);
            }
            // The account's five guesses are used up: the right password is refused unverified, as a wrong one
            // (a 429 would tell that the two names are one account: each name's own counter is not used up).
            hasher.reset();
            assertProblem(raw.login("127.0.0." + address++, "alice", PASSWORD), 401, "invalid_credentials");
            assertProblem(raw.login("127.0.0." + address++, "alice@example.com", PASSWORD), 401, "invalid_credentials");
            assertThat(hasher.verifies()).as("the real hash is not checked").isZero();
            assertThat(hasher.dummyVerifies()).as("the same work as for a wrong password").isEqualTo(2);
        }
    }

    @Test
    void sr29_successResetsTheAccountCounter() {
        try (TestServer server = TestServer.start()) {
            server.http().register("alice", PASSWORD);
            RawHttp raw = server.raw();
            int address = 10;
            for (int i = 0; i < 4; i++) {
                assertThat(raw.login("127.0.0." + address++, "alice", "wrong").status()).isEqualTo(401);
            }
            assertThat(raw.login("127.0.0." + address++, "alice", PASSWORD).status()).isEqualTo(200);
            for (int i = 0; i < 4; i++) {
                assertThat(raw.login("127.0.0." + address++, "alice", "wrong").status()).isEqualTo(401);
            }
            assertThat(raw.login("127.0.0." + address++, "alice", PASSWORD).status()).isEqualTo(200);
        }
    }

    @Test
    void sr29_perAddressThrottleIgnoresForwardedFor() {
        try (TestServer server = TestServer.builder().set("login-address-max-attempts", "5").start()) {
            server.http().register("alice", PASSWORD);
            RawHttp raw = server.raw();
            for (int i = 0; i < 5; i++) {
                Http.Reply reply = raw.login("127.0.0.5", "sprayed" + i, "guess " + i,
                        "X-Forwarded-For: 198.51.100." + i, "Forwarded: for=198.51.100." + i);
                assertProblem(reply, 401, "invalid_credentials");
            }
            assertThrottled(raw.login("127.0.0.5", "sprayed9", "guess", "X-Forwarded-For: 203.0.113.9"));
            // Even a correct login of another account from that address waits; other addresses do not.
            assertThrottled(raw.login("127.0.0.5", "alice", PASSWORD, "X-Forwarded-For: 203.0.113.10"));
            assertThat(raw.login("127.0.0.6", "alice", PASSWORD).status()).isEqualTo(200);
        }
    }

    @Test
    void sr28_onlyFailuresCount() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            http.register("alice", PASSWORD);
            for (int i = 0; i < 7; i++) {
                assertThat(http.login("alice", PASSWORD).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void sr33_oneVerifyPerAttemptAndNoneWhenThrottled() {
        CountingHasher hasher = CountingHasher.owasp();
        try (TestServer server = TestServer.builder().hasher(hasher).set("login-address-max-attempts", "5").start()) {
            Http http = server.http();
            http.register("alice", PASSWORD);
            assertThat(hasher.hashes()).isEqualTo(1);

            hasher.reset();
            assertProblem(http.login("nobody", "whatever password"), 401, "invalid_credentials");
            assertThat(hasher.allVerifies()).isEqualTo(1);
            assertThat(hasher.dummyVerifies()).isEqualTo(1);

            hasher.reset();
            assertProblem(http.login("alice", "wrong password"), 401, "invalid_credentials");
            assertThat(hasher.allVerifies()).isEqualTo(1);
            assertThat(hasher.verifies()).isEqualTo(1);

            hasher.reset();
            assertThat(http.login("alice", PASSWORD).status()).isEqualTo(200);
            assertThat(hasher.allVerifies()).isEqualTo(1);

            for (int i = 0; i < 3; i++) {
                http.login("alice", "wrong " + i);
            }
            hasher.reset();
            assertThrottled(http.login("alice", PASSWORD));
            assertThrottled(http.login("nobody", "whatever"));
            assertThat(hasher.allVerifies()).isZero();
            assertThat(hasher.hashes()).isZero();
        }
    }

    @Test
    void sr22_saturatedHashingPoolAnswers503ServerBusy() throws Exception {
        // One worker and one queue slot: of 8 logins released together, the ones that find the queue full are
        // refused at once. maxWait is generous, so the one that is queued is served even on a loaded machine.
        try (HashingPool pool = new HashingPool(1, 1, Duration.ofSeconds(10));
             // Attempts are reserved before they are verified: the account limit out of the way, this is the pool.
             TestServer server = TestServer.builder().customize(b -> b.hashingPool(pool))
                     .set("login-max-attempts", "100").start()) {
            Http http = server.http();
            assertThat(http.register("alice", PASSWORD).status()).isEqualTo(201);
            List<Http.Reply> replies = Race.race(8, i -> () -> http.login("alice", PASSWORD));
            // The correct password: served (200) or refused for load (503), never 401.
            assertThat(replies).extracting(Http.Reply::status).allSatisfy(s -> assertThat(s).isIn(200, 503));
            assertThat(replies).extracting(Http.Reply::status).as("the running login is awaited").contains(200);
            List<Http.Reply> busy = replies.stream().filter(r -> r.status() == 503).toList();
            assertThat(busy).isNotEmpty();
            for (Http.Reply reply : busy) {
                assertProblem(reply, 503, "server_busy");
                assertThat(reply.header("Retry-After")).hasValueSatisfying(v -> assertThat(v).matches("[1-9][0-9]*"));
            }
            // Once the burst is over the pool serves again.
            assertThat(http.login("alice", PASSWORD).status()).isEqualTo(200);
        }
    }
}
