package dev.accesspass.servlet;

import static dev.accesspass.testing.ProblemAssert.assertNoStore;
import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accesspass.AccessPass;
import dev.accesspass.TokenResponse;
import dev.accesspass.UserId;
import dev.accesspass.mail.MailMessage;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.store.Identity;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.UserRecord;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.Race;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sessions-and-devices routes of API.md §7 end to end on the memory store with the log mailer: listing and
 * ending sessions, logging out the others, the session facts in {@code /check}, the email change with its
 * confirmation, and the removal of linked identities with the re-authentication rules of §9.
 */
class SelfServiceRoutesTest {
    private static final String PASSWORD = "correct horse battery";
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static TestServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = server.http();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String newName() {
        return "self" + NAMES.incrementAndGet();
    }

    private static Http.Reply withAgent(String method, String path, String bearer, String agent, String json) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        if (bearer != null) {
            headers.put("Authorization", "Bearer " + bearer);
        }
        if (agent != null) {
            headers.put("User-Agent", agent);
        }
        return http.send(method, path, json == null ? null : "application/json",
                json == null ? null : json.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static Http.Reply delete(String path, String bearer, String json) {
        return withAgent("DELETE", path, bearer, null, json);
    }

    private static AccessPass accessPass() {
        return server.accessPass();
    }

    private static UserId idOf(String username) {
        return accessPass().findUser(username).orElseThrow().id();
    }

    // ---- sessions ------------------------------------------------------------------------------------------

    @Test
    void sessionsListsLiveSessionsNewestFirstWithTheCurrentOneMarked() {
        String name = newName();
        String first = http.register(name, PASSWORD).field("access_token");
        server.clock().advance(Duration.ofSeconds(2));
        String second = withAgent("POST", "/auth/login", null, "Browser/2 " + "x".repeat(300),
                Http.json("username", name, "password", PASSWORD)).field("access_token");

        Http.Reply reply = http.get("/auth/sessions", first);

        assertThat(reply.status()).isEqualTo(200);
        assertNoStore(reply);
        JsonNode sessions = reply.json().path("sessions");
        assertThat(sessions.size()).isEqualTo(2);
        JsonNode newest = sessions.get(0);
        JsonNode older = sessions.get(1);
        List<String> names = new ArrayList<>();
        newest.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("id", "current", "created_at", "last_used_at", "ip", "user_agent",
                "method", "amr", "auth_time", "aal");
        assertThat(newest.path("current").asBoolean()).isFalse();
        assertThat(older.path("current").asBoolean()).isTrue();
        assertThat(newest.path("method").asText()).isEqualTo("password");
        assertThat(older.path("method").asText()).isEqualTo("register");
        assertThat(newest.path("amr").toString()).isEqualTo("[\"pwd\"]");
        assertThat(newest.path("aal").asInt()).isEqualTo(1);
        assertThat(newest.path("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(newest.path("user_agent").asText()).hasSize(256).startsWith("Browser/2 x");
        assertThat(Instant.parse(newest.path("created_at").asText()))
                .isAfter(Instant.parse(older.path("created_at").asText()));
        assertThat(Instant.parse(newest.path("auth_time").asText())).isNotNull();
        assertThat(reply.text()).doesNotContain(first, second);
        // The same list for the other session, now marking it.
        JsonNode fromSecond = http.get("/auth/sessions", second).json().path("sessions");
        assertThat(fromSecond.get(0).path("current").asBoolean()).isTrue();
        assertThat(fromSecond.get(0).path("id").asText()).isEqualTo(newest.path("id").asText());
    }

    @Test
    void checkCarriesTheSessionIdAndItsAuthenticationFacts() {
        String name = newName();
        String token = http.register(name, PASSWORD).field("access_token");

        JsonNode check = http.get("/auth/check", token).json();
        JsonNode listed = http.get("/auth/sessions", token).json().path("sessions").get(0);

        assertThat(check.path("session_id").asText()).isEqualTo(listed.path("id").asText());
        assertThat(check.path("amr").toString()).isEqualTo("[\"pwd\"]");
        assertThat(check.path("aal").asInt()).isEqualTo(1);
        assertThat(check.path("auth_time").isIntegralNumber()).isTrue();
        assertThat(Instant.ofEpochSecond(check.path("auth_time").asLong()))
                .isEqualTo(Instant.parse(listed.path("auth_time").asText()));
        assertThat(check.path("session_id").asText()).doesNotContain(token);
    }

    @Test
    void deletingASessionKillsItsAccessAndRefreshTokenAtOnce() {
        String name = newName();
        String mine = http.register(name, PASSWORD).field("access_token");
        Http.Reply other = http.login(name, PASSWORD);
        String otherId = http.get("/auth/check", other.field("access_token")).json().path("session_id").asText();

        Http.Reply ended = delete("/auth/sessions/" + otherId, mine, null);

        assertThat(ended.status()).as("%s", ended).isEqualTo(204);
        assertProblem(http.get("/auth/check", other.field("access_token")), 401, "invalid_token");
        assertProblem(http.post("/auth/refresh", "refresh_token", other.field("refresh_token")), 401,
                "invalid_grant");
        assertThat(http.get("/auth/check", mine).status()).isEqualTo(200);
        assertProblem(delete("/auth/sessions/" + otherId, mine, null), 404, "not_found");
    }

    @Test
    void anotherUsersSessionIdIs404WithTheBodyOfAnUnknownId() {
        String victim = newName();
        Http.Reply victimLogin = http.register(victim, PASSWORD);
        String victimSession = http.get("/auth/check", victimLogin.field("access_token")).json()
                .path("session_id").asText();
        String attacker = http.register(newName(), PASSWORD).field("access_token");

        Http.Reply foreign = delete("/auth/sessions/" + victimSession, attacker, null);
        Http.Reply unknown = delete("/auth/sessions/" + victimSession.substring(0, victimSession.length() - 2) + "AA",
                attacker, null);

        assertProblem(foreign, 404, "not_found");
        assertProblem(unknown, 404, "not_found");
        assertThat(foreign.text()).isEqualTo(unknown.text());
        assertThat(http.get("/auth/check", victimLogin.field("access_token")).status()).isEqualTo(200);
    }

    @Test
    void hostileSessionIdsAre4xxNeverServerErrors() {
        String token = http.register(newName(), PASSWORD).field("access_token");
        for (String id : List.of("..", "%2e%2e", "x".repeat(1024), "%00", "a%00b", "%C3%A9%E4%B8%AD",
                "%F0%9F%98%80", "%ZZ", "a;b", "%2F")) {
            Http.Reply reply = server.raw().send(null, "DELETE", "/auth/sessions/" + id,
                    List.of("Authorization: Bearer " + token), null);
            assertThat(reply.status()).as("id %s: %s", id, reply).isBetween(400, 499);
        }
        assertThat(http.get("/auth/check", token).status()).isEqualTo(200);
    }

    @Test
    void logoutOthersEndsEverySessionButThisOne() {
        String name = newName();
        String mine = http.register(name, PASSWORD).field("access_token");
        Http.Reply second = http.login(name, PASSWORD);
        Http.Reply third = http.login(name, PASSWORD);

        assertThat(http.postWithToken("/auth/logout-others", mine).status()).isEqualTo(204);

        assertThat(http.get("/auth/check", mine).status()).isEqualTo(200);
        for (Http.Reply other : List.of(second, third)) {
            assertProblem(http.get("/auth/check", other.field("access_token")), 401, "invalid_token");
            assertProblem(http.post("/auth/refresh", "refresh_token", other.field("refresh_token")), 401,
                    "invalid_grant");
        }
        assertThat(http.get("/auth/sessions", mine).json().path("sessions").size()).isEqualTo(1);
    }

    @Test
    void sessionRoutesNeedAToken() {
        assertProblem(http.get("/auth/sessions", null), 401, "invalid_token");
        assertProblem(http.postWithToken("/auth/logout-others", null), 401, "invalid_token");
        assertProblem(delete("/auth/sessions/x", null, null), 401, "invalid_token");
        assertProblem(http.post("/auth/email/change", "password", PASSWORD, "new_email", "x@example.com"), 401,
                "invalid_token");
        assertProblem(delete("/auth/identities/github", null, null), 401, "invalid_token");
    }

    @Test
    void refreshMovesLastUsedAtAndTheTokenCheckDoesNot() {
        String name = newName();
        Http.Reply login = http.register(name, PASSWORD);
        String created = http.get("/auth/sessions", login.field("access_token")).json().path("sessions").get(0)
                .path("last_used_at").asText();
        server.clock().advance(Duration.ofSeconds(5));
        http.get("/auth/check", login.field("access_token"));
        assertThat(http.get("/auth/sessions", login.field("access_token")).json().path("sessions").get(0)
                .path("last_used_at").asText()).isEqualTo(created);

        String access = http.post("/auth/refresh", "refresh_token", login.field("refresh_token"))
                .field("access_token");

        Instant used = Instant.parse(http.get("/auth/sessions", access).json().path("sessions").get(0)
                .path("last_used_at").asText());
        assertThat(used).isAfter(Instant.parse(created));
    }

    // ---- email change ----------------------------------------------------------------------------------------

    private static String emailChangeToken(String to, int n) {
        return MailTesting.awaitToken(accessPass(), to, "confirm_email_change", n);
    }

    @Test
    void emailChangeJourney() {
        String name = newName();
        String token = http.register(name, PASSWORD).field("access_token");
        String newEmail = name + ".new@example.org";
        // A reset link to the old address, pending across the change.
        assertThat(http.post("/auth/password/forgot", "username", name).status()).isEqualTo(202);
        String resetToken = MailTesting.awaitToken(accessPass(), name + "@example.com", "reset_password", 1);

        Http.Reply requested = http.postJson("/auth/email/change",
                Http.json("password", PASSWORD, "new_email", newEmail), token);

        assertThat(requested.status()).as("%s", requested).isEqualTo(202);
        assertThat(requested.json().path("status").asText()).isEqualTo("confirmation_sent");
        String change = emailChangeToken(newEmail, 1);
        List<MailMessage> notices = MailTesting.awaitOutbox(accessPass(),
                m -> m.to().equals(name + "@example.com") && m.kind().equals("email_change_requested"), 1);
        assertThat(notices.get(0).text()).contains(newEmail).doesNotContain(change).doesNotContain("token=");
        // Nothing changed yet; the GET on the link changes nothing either.
        Http.Reply page = http.get("/auth/email/change/confirm?token=" + change, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("<form method=\"post\" action=\"confirm\">").contains(change);
        assertThat(accessPass().findUser(name).orElseThrow().email()).isEqualTo(name + "@example.com");

        Http.Reply confirmed = http.post("/auth/email/change/confirm", "token", change);

        assertThat(confirmed.status()).as("%s", confirmed).isEqualTo(200);
        assertThat(confirmed.json().path("email").asText()).isEqualTo(newEmail);
        assertThat(confirmed.json().path("email_confirmed").asBoolean()).isTrue();
        assertProblem(http.login(name + "@example.com", PASSWORD), 401, "invalid_credentials");
        assertThat(http.login(newEmail, PASSWORD).status()).isEqualTo(200);
        assertThat(http.login(newEmail.toUpperCase(), PASSWORD).status()).isEqualTo(200);
        assertProblem(http.post("/auth/password/reset", "token", resetToken, "password", "another good password",
                "password_confirmation", "another good password"), 401, "invalid_grant");
        assertProblem(http.post("/auth/email/change/confirm", "token", change), 401, "invalid_grant");
        // The old address is told, with no token in the notice.
        List<MailMessage> changed = MailTesting.awaitOutbox(accessPass(),
                m -> m.to().equals(name + "@example.com") && m.kind().equals("email_changed"), 1);
        assertThat(changed.get(0).text()).contains(newEmail).doesNotContainPattern("[A-Za-z0-9_-]{43}");
        assertThat(http.get("/auth/check", token).status()).as("the session survives the change").isEqualTo(200);
    }

    @Test
    void emailChangeRefusals() {
        String name = newName();
        String token = http.register(name, PASSWORD).field("access_token");
        String taken = newName();
        http.register(taken, PASSWORD);

        Http.Reply wrong = http.postJson("/auth/email/change",
                Http.json("password", "not the password", "new_email", name + "@other.example"), token);
        assertProblem(wrong, 401, "invalid_credentials");
        assertThat(wrong.header("WWW-Authenticate").orElseThrow()).doesNotContain("error=");
        assertProblem(http.postJson("/auth/email/change",
                Http.json("password", PASSWORD, "new_email", taken.toUpperCase() + "@EXAMPLE.com"), token), 409,
                "email_taken");
        assertProblem(http.postJson("/auth/email/change", Http.json("new_email", "x@example.com"), token), 400,
                "validation_failed");
        assertProblem(http.postJson("/auth/email/change", Http.json("password", PASSWORD, "new_email", "nope"),
                token), 400, "validation_failed");
        assertProblem(http.postJson("/auth/email/change",
                Http.json("password", PASSWORD, "new_email", name + "@example.com"), token), 400,
                "validation_failed");
        assertProblem(http.post("/auth/email/change/confirm", "token", "A".repeat(43)), 401, "invalid_grant");
        assertProblem(http.post("/auth/email/change/confirm", "token", "short"), 401, "invalid_grant");
        assertProblem(http.post("/auth/email/change/confirm"), 400, "validation_failed");
        assertProblem(http.get("/auth/email/change/confirm?token=..", null), 401, "invalid_grant");
        assertProblem(http.get("/auth/email/change/confirm", null), 400, "validation_failed");
        // A confirmation token is not an email-change token.
        String confirm = MailTesting.awaitToken(accessPass(), name + "@example.com", "confirm_email", 1);
        assertProblem(http.post("/auth/email/change/confirm", "token", confirm), 401, "invalid_grant");
        assertThat(accessPass().findUser(name).orElseThrow().email()).isEqualTo(name + "@example.com");
    }

    @Test
    void addressTakenBeforeTheConfirmationIs409AndNothingChanges() {
        String name = newName();
        String token = http.register(name, PASSWORD).field("access_token");
        String target = name + ".target@example.org";
        http.postJson("/auth/email/change", Http.json("password", PASSWORD, "new_email", target), token);
        String change = emailChangeToken(target, 1);
        http.post("/auth/register", "username", newName(), "email", target, "password", PASSWORD,
                "password_confirmation", PASSWORD);

        assertProblem(http.post("/auth/email/change/confirm", "token", change), 409, "email_taken");

        assertThat(accessPass().findUser(name).orElseThrow().email()).isEqualTo(name + "@example.com");
        assertThat(http.login(name + "@example.com", PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void twoUsersConfirmingChangesToOneAddressAtOnceHaveExactlyOneWinner() throws Exception {
        String target = newName() + "@contested.example";
        List<String> tokens = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String name = newName();
            names.add(name);
            String access = http.register(name, PASSWORD).field("access_token");
            assertThat(http.postJson("/auth/email/change", Http.json("password", PASSWORD, "new_email",
                    i == 0 ? target : target.toUpperCase()), access).status()).isEqualTo(202);
        }
        tokens.add(emailChangeToken(target, 1));
        tokens.add(emailChangeToken(target.toUpperCase(), 1));

        List<Http.Reply> replies;
        try (Race race = new Race(2)) {
            replies = race.run(i -> () -> http.post("/auth/email/change/confirm", "token", tokens.get(i)));
        }

        assertThat(replies).extracting(Http.Reply::status).containsExactlyInAnyOrder(200, 409);
        long owners = names.stream().filter(n -> target.equalsIgnoreCase(accessPass().findUser(n).orElseThrow()
                .email())).count();
        assertThat(owners).isEqualTo(1);
    }

    // ---- identities and re-authentication ----------------------------------------------------------------------

    /** A user created by an OAuth login: no password, the given identities, a session opened now. */
    private static TokenResponse oauthOnlyUser(String... providers) {
        UserRecord user = accessPass().userStore().create(new NewUser(newName(), null, false, null, Set.of(),
                server.clock().instant()));
        for (String provider : providers) {
            accessPass().userStore().linkIdentity(user.id(), new Identity(provider, provider + "-" + user.username(),
                    Map.of(), server.clock().instant()));
        }
        return accessPass().openSession(user.id(), Map.of());
    }

    @Test
    void unlinkingAnIdentityNeedsThePasswordWhenTheUserHasOne() {
        String name = newName();
        String token = http.register(name, PASSWORD).field("access_token");
        accessPass().userStore().linkIdentity(idOf(name), new Identity("github", "gh-" + name, Map.of(),
                server.clock().instant()));

        assertProblem(delete("/auth/identities/google", token, Http.json("password", PASSWORD)), 404, "not_found");
        assertProblem(delete("/auth/identities/github", token, null), 400, "validation_failed");
        Http.Reply wrong = delete("/auth/identities/github", token, Http.json("password", "wrong password"));
        assertProblem(wrong, 401, "invalid_credentials");
        assertThat(accessPass().findUser(name).orElseThrow().identities()).hasSize(1);

        assertThat(delete("/auth/identities/github", token, Http.json("password", PASSWORD)).status())
                .isEqualTo(204);

        assertThat(accessPass().findUser(name).orElseThrow().identities()).isEmpty();
        assertThat(accessPass().userStore().findByIdentity("github", "gh-" + name)).isEmpty();
        assertProblem(delete("/auth/identities/github", token, Http.json("password", PASSWORD)), 404, "not_found");
    }

    @Test
    void theLastLoginMethodCannotBeRemoved() {
        TokenResponse single = oauthOnlyUser("github");
        assertProblem(delete("/auth/identities/github", single.accessToken(), null), 409, "last_login_method");
        assertThat(accessPass().findUser(single.user().id()).orElseThrow().identities()).hasSize(1);

        TokenResponse two = oauthOnlyUser("github", "google");
        assertThat(delete("/auth/identities/github", two.accessToken(), null).status()).isEqualTo(204);
        assertProblem(delete("/auth/identities/google", two.accessToken(), null), 409, "last_login_method");
    }

    @Test
    void withoutAPasswordAnOldLoginNeedsAStepUp() {
        TokenResponse user = oauthOnlyUser("github", "google");
        // Keep the session alive across the wait: refresh just before the access token would expire.
        server.clock().advance(Duration.ofSeconds(299));
        String access = http.post("/auth/refresh", "refresh_token", user.refreshToken()).field("access_token");
        server.clock().advance(Duration.ofSeconds(2));

        for (Http.Reply reply : List.of(
                delete("/auth/identities/github", access, null),
                http.postJson("/auth/email/change", Http.json("new_email", "stale@example.org"), access),
                delete("/auth/account", access, null))) {
            assertProblem(reply, 401, "step_up_required");
            assertThat(reply.header("WWW-Authenticate").orElseThrow())
                    .isEqualTo("Bearer realm=\"accesspass\", error=\"insufficient_user_authentication\", max_age=300");
        }
        assertThat(accessPass().findUser(user.user().id())).isPresent();
        assertThat(accessPass().findUser(user.user().id()).orElseThrow().identities()).hasSize(2);
        assertThat(http.get("/auth/check", access).status()).as("the token stays good").isEqualTo(200);

        TokenResponse fresh = oauthOnlyUser("github");
        assertThat(delete("/auth/account", fresh.accessToken(), null).status()).isEqualTo(204);
        assertThat(accessPass().findUser(fresh.user().id())).isEmpty();
    }
}
