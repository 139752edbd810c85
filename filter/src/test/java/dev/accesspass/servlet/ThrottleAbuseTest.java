package dev.accesspass.servlet;

import static dev.accesspass.servlet.testing.ThrottleScenarios.PASSWORD;
import static dev.accesspass.servlet.testing.ThrottleScenarios.assertThrottled;
import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.password.CountingHasher;
import dev.accesspass.servlet.testing.InstrumentedTokenStore;
import dev.accesspass.servlet.testing.InstrumentedUserStore;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.servlet.testing.ThrottleScenarios;
import dev.accesspass.store.Identity;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.RawHttp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Throttling that attackers cannot turn against users, on the memory store over HTTP (SR-28..SR-30, SR-74,
 * SR-75): separate account and address limits, known devices, reserve-before-verify, bounded identifiers, and the
 * password routes that share the throttle. The same scenarios run on two instances over one database in
 * jdbi-store's {@code JdbiThrottleTest}. One server for the class: every scenario uses its own names and
 * source addresses.
 */
class ThrottleAbuseTest {
    private static final CountingHasher HASHER = CountingHasher.weak();
    private static final InstrumentedTokenStore TOKENS = InstrumentedTokenStore.inMemory();
    private static final InstrumentedUserStore USERS = InstrumentedUserStore.inMemory();
    private static TestServer server;
    private static ThrottleScenarios scenarios;

    @BeforeAll
    static void start() {
        server = TestServer.builder().hasher(HASHER).stores(TOKENS, USERS).set("register-max-per-address", "0")
                .start();
        scenarios = new ThrottleScenarios(server, server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void sr74_hundredParallelWrongPasswordsVerifyAtMostTheLimit() throws Exception {
        scenarios.parallelWrongPasswordsVerifyAtMostTheLimit(ThrottleScenarios.verifiesOf(HASHER));
    }

    @Test
    void sr75_sixFailuresForOneAccountLockItButNotTheAddress() {
        scenarios.anAccountLockDoesNotLockItsAddress();
    }

    @Test
    void sr75_theAddressLimitEngagesAtLoginAddressMaxAttempts() {
        try (TestServer limited = TestServer.builder().hasher(CountingHasher.weak())
                .set("login-address-max-attempts", "8").start()) {
            new ThrottleScenarios(limited, limited).theAddressLimitEngagesAtItsOwnMaximum(8);
        }
    }

    @Test
    void sr75_aKnownDeviceIsNotLockedOutByFailuresFromElsewhere() {
        scenarios.aKnownDeviceIsNotLockedOutByFailuresFromElsewhere();
    }

    @Test
    void sr75_oneBrowserMayBeKnownToAFewUsers() {
        scenarios.oneBrowserMayBeKnownToAFewUsers();
    }

    @Test
    void sr75_theDeviceCookieHasExactlyTheAttributesOfTheContract() {
        server.http().register("cookiejar", PASSWORD);
        Http.Reply login = server.raw().login("127.0.0.110", "cookiejar", PASSWORD);

        List<String> cookies = login.headers().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase("Set-Cookie")).flatMap(e -> e.getValue().stream())
                .filter(v -> v.startsWith(ThrottleScenarios.DEVICE_COOKIE + "=")).toList();
        assertThat(cookies).singleElement().satisfies(cookie -> assertThat(cookie).matches(
                "__Host-accesspass-device=[A-Za-z0-9_-]{43}; Max-Age=31536000; Path=/; Secure; HttpOnly; SameSite=Strict"));
        assertProblem(server.raw().login("127.0.0.110", "cookiejar", "wrong password"), 401, "invalid_credentials");
        assertThat(server.raw().login("127.0.0.110", "cookiejar", "wrong password").header("Set-Cookie"))
                .as("only a success sets it").isEmpty();
    }

    @Test
    void sr30_overlongIdentifiersAreRefusedBeforeAnyLookUpOrCounter() {
        USERS.faults().resetCounts();
        TOKENS.faults().resetCounts();
        RawHttp raw = server.raw();
        // 4 000 U+FDFA: 12 KB of UTF-8 that NFKC would grow to 72 000 characters.
        for (String name : List.of("\uFDFA".repeat(4000), "n".repeat(4000), "\uFDFA".repeat(200), "e".repeat(250) + "@x.io")) {
            Http.Reply reply = raw.login("127.0.0.111", name, "whatever password");
            assertProblem(reply, 400, "validation_failed");
            assertThat(reply.json().path("errors").path("username").get(0).asText())
                    .isEqualTo("must be at most 254 characters");
        }
        assertThat(USERS.faults().totalCalls()).as("no user look-up").isZero();
        assertThat(TOKENS.faults().totalCalls()).as("no counter").isZero();
        assertProblem(raw.login("127.0.0.111", "n".repeat(254), "whatever password"), 401, "invalid_credentials");
    }

    @Test
    void sr29_whetherAUsernameAndAnEmailAreOneAccountIsNotObservable() {
        server.http().register("paired", PASSWORD);
        assertThat(fiveAsNameThenOneAsEmail("paired", "paired@example.com", 120))
                .isEqualTo(fiveAsNameThenOneAsEmail("unpaired", "unpaired-other@example.com", 130));
    }

    private static List<String> fiveAsNameThenOneAsEmail(String name, String email, int address) {
        RawHttp raw = server.raw();
        for (int i = 0; i < 5; i++) {
            assertProblem(raw.login("127.0.0." + (address + i), name, "wrong " + i), 401, "invalid_credentials");
        }
        Http.Reply byEmail = raw.login("127.0.0." + (address + 6), email, "wrong again");
        Http.Reply byName = raw.login("127.0.0." + (address + 7), name, "wrong again");
        return List.of(byEmail.status() + " " + byEmail.text(), byName.status() + " " + byName.code());
    }

    @Test
    void sr28_passwordChangeSharesTheThrottleWithRetryAfter() {
        String access = server.http().register("changer", PASSWORD).field("access_token");
        for (int i = 0; i < 5; i++) {
            assertProblem(change(access, "wrong current " + i), 401, "invalid_credentials");
        }
        assertThrottled(change(access, PASSWORD));
        assertThat(server.raw().login("127.0.0.140", "changer", PASSWORD).status())
                .as("the same account counter: the login is refused too").isIn(401, 429);
    }

    private static Http.Reply change(String access, String current) {
        return server.http().send("POST", "/auth/password/change", "application/json",
                Http.json("current_password", current, "password", "a brand new passphrase",
                        "password_confirmation", "a brand new passphrase").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of("Authorization", "Bearer " + access));
    }

    @Test
    void sr28_accountDeletionSharesTheThrottleWithRetryAfter() {
        String access = server.http().register("deleter", PASSWORD).field("access_token");
        for (int i = 0; i < 5; i++) {
            assertProblem(delete(access, "wrong " + i), 401, "invalid_credentials");
        }
        assertThrottled(delete(access, PASSWORD));
        assertThat(server.http().get("/auth/me", access).status()).as("not deleted").isEqualTo(200);
    }

    private static Http.Reply delete(String access, String password) {
        return server.http().send("DELETE", "/auth/account", "application/json",
                Http.json("password", password).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of("Authorization", "Bearer " + access));
    }

    @Test
    void sr28_emailChangeSharesTheThrottleWithRetryAfter() {
        String access = server.http().register("mover", PASSWORD).field("access_token");
        for (int i = 0; i < 5; i++) {
            assertProblem(emailChange(access, "wrong " + i), 401, "invalid_credentials");
        }
        assertThrottled(emailChange(access, PASSWORD));
        assertThat(server.http().get("/auth/me", access).field("email")).as("nothing changed")
                .isEqualTo("mover@example.com");
    }

    private static Http.Reply emailChange(String access, String password) {
        return server.http().send("POST", "/auth/email/change", "application/json",
                Http.json("password", password, "new_email", "moved@example.net")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of("Authorization", "Bearer " + access));
    }

    @Test
    void sr28_identityRemovalSharesTheThrottleWithRetryAfter() {
        String access = server.http().register("unlinker", PASSWORD).field("access_token");
        server.accessPass().userStore().linkIdentity(server.accessPass().findUser("unlinker").orElseThrow().id(),
                new Identity("github", "unlinker-gh", Map.of(), java.time.Instant.now()));
        for (int i = 0; i < 5; i++) {
            assertProblem(unlink(access, "wrong " + i), 401, "invalid_credentials");
        }
        assertThrottled(unlink(access, PASSWORD));
        assertThat(server.accessPass().findUser("unlinker").orElseThrow().identities()).as("still linked")
                .hasSize(1);
    }

    private static Http.Reply unlink(String access, String password) {
        return server.http().send("DELETE", "/auth/identities/github", "application/json",
                Http.json("password", password).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of("Authorization", "Bearer " + access));
    }
}
