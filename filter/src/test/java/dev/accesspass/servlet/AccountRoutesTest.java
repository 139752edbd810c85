package dev.accesspass.servlet;

import static dev.accesspass.testing.ProblemAssert.assertNoStore;
import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static dev.accesspass.testing.ProblemAssert.fieldErrors;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accesspass.User;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The account routes end to end (API.md §1): success shapes of register, login, /check, /me and DELETE /account, and
 * the registration rules (SR-23, SR-24, SR-26, SR-40, SR-64). Failed logins here come from different users but one
 * address, so tests that fail logins stay below the address limit or move the clock past the window.
 */
class AccountRoutesTest {
    private static final String PASSWORD = "correct horse battery";
    private static TestServer server;
    private static Http http;
    private static Http.Reply alice;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = server.http();
        alice = http.register("alice", PASSWORD);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Asserts the token response shape of API.md §1 and returns the body. */
    static JsonNode assertTokenResponse(Http.Reply reply, int status, String username) {
        assertThat(reply.status()).as("%s", reply).isEqualTo(status);
        assertThat(reply.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertNoStore(reply);
        JsonNode body = reply.json();
        assertThat(body.path("access_token").asText()).matches("[A-Za-z0-9_-]{43}");
        assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.path("expires_in").isIntegralNumber()).isTrue();
        assertThat(body.path("expires_in").asLong()).isEqualTo(300);
        assertThat(body.path("refresh_token").asText()).matches("[A-Za-z0-9_-]{43}")
                .isNotEqualTo(body.path("access_token").asText());
        assertThat(body.path("refresh_expires_in").asLong()).isEqualTo(2_592_000);
        assertUserObject(body.path("user"), username);
        String userJson = body.path("user").toString();
        assertThat(userJson).doesNotContain(body.path("access_token").asText(), body.path("refresh_token").asText(),
                "$argon2", "password", "hash");
        return body;
    }

    static void assertUserObject(JsonNode user, String username) {
        List<String> names = new ArrayList<>();
        user.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("id", "username", "email", "email_confirmed", "roles",
                "created_at", "identities");
        assertThat(user.path("id").asText()).isNotBlank();
        assertThat(user.path("username").asText()).isEqualTo(username);
        assertThat(user.path("email").asText()).isEqualTo(username + "@example.com");
        assertThat(user.path("email_confirmed").isBoolean()).isTrue();
        assertThat(user.path("roles").isArray()).isTrue();
        assertThat(user.path("created_at").asText()).endsWith("Z");
        assertThat(java.time.Instant.parse(user.path("created_at").asText())).isAfterOrEqualTo(java.time.Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(user.path("identities").isArray()).isTrue();
    }

    private Http.Reply register(String username, String email, String password, String confirmation) {
        return http.post("/auth/register", "username", username, "email", email, "password", password,
                "password_confirmation", confirmation);
    }

    private Http.Reply register(String username, String password) {
        return register(username, username + "@example.com", password, password);
    }

    private void assertRejected(Http.Reply reply, String field, String username) {
        assertProblem(reply, 400, "validation_failed");
        assertThat(fieldErrors(reply, field)).as("errors.%s of %s", field, reply).isNotEmpty();
        if (username != null) {
            assertThat(server.accessPass().findUser(username)).isEmpty();
        }
    }

    // ---- success shapes ---------------------------------------------------------------------------------------

    @Test
    void registerAnswers201WithTheTokenResponse() {
        JsonNode body = assertTokenResponse(alice, 201, "alice");
        assertThat(body.path("user").path("roles").size()).isZero();
        assertThat(body.path("user").path("email_confirmed").asBoolean()).isFalse();
        assertThat(server.accessPass().findUser("alice")).isPresent();
    }

    @Test
    void loginByUsernameOrEmailAnswers200WithTheTokenResponse() {
        assertTokenResponse(http.login("alice", PASSWORD), 200, "alice");
        assertTokenResponse(http.login("ALICE", PASSWORD), 200, "alice");
        assertTokenResponse(http.login("Alice@Example.com", PASSWORD), 200, "alice");
    }

    @Test
    void sr01_twoLoginsGiveFourDistinctTokensWithoutUserData() {
        Http.Reply first = http.login("alice", PASSWORD);
        Http.Reply second = http.login("alice", PASSWORD);
        List<String> tokens = List.of(first.field("access_token"), first.field("refresh_token"),
                second.field("access_token"), second.field("refresh_token"));
        assertThat(tokens).doesNotHaveDuplicates();
        String id = first.json().path("user").path("id").asText();
        assertThat(tokens).allSatisfy(t -> assertThat(t).doesNotContain("alice", id));
    }

    @Test
    void refreshTokenTtlZeroGivesNullRefreshExpiresIn() {
        try (TestServer forever = TestServer.builder().set("refresh-token-ttl", "0").start()) {
            Http.Reply reply = forever.http().register("bob", PASSWORD);
            assertThat(reply.status()).isEqualTo(201);
            assertThat(reply.json().has("refresh_expires_in")).isTrue();
            assertThat(reply.json().path("refresh_expires_in").isNull()).isTrue();
            Http.Reply refreshed = forever.http().post("/auth/refresh", "refresh_token", reply.field("refresh_token"));
            assertThat(refreshed.status()).isEqualTo(200);
            assertThat(refreshed.json().path("refresh_expires_in").isNull()).isTrue();
        }
    }

    @Test
    void checkAnswersTheSessionAndCountsDown() {
        Http.Reply login = http.login("alice", PASSWORD);
        Http.Reply check = http.get("/auth/check", login.field("access_token"));
        assertThat(check.status()).isEqualTo(200);
        assertNoStore(check);
        JsonNode body = check.json();
        assertThat(body.path("active").asBoolean()).isTrue();
        assertThat(body.path("user_id").asText()).isEqualTo(login.json().path("user").path("id").asText());
        assertThat(body.path("username").asText()).isEqualTo("alice");
        assertThat(body.path("roles").isArray()).isTrue();
        assertThat(body.path("expires_in").asLong()).isEqualTo(300);
        assertThat(body.path("meta").isObject()).isTrue();

        server.clock().advance(Duration.ofSeconds(100));
        assertThat(http.get("/auth/check", login.field("access_token")).json().path("expires_in").asLong())
                .isEqualTo(200);
    }

    @Test
    void meAnswersTheUserObject() {
        Http.Reply login = http.login("alice", PASSWORD);
        Http.Reply me = http.get("/auth/me", login.field("access_token"));
        assertThat(me.status()).isEqualTo(200);
        assertNoStore(me);
        assertUserObject(me.json(), "alice");
        assertThat(me.text()).doesNotContain(login.field("access_token"), login.field("refresh_token"), "$argon2");
    }

    @Test
    void deleteAccountWithPasswordRemovesUserAndSessions() {
        Http.Reply first = register("carol", PASSWORD);
        Http.Reply second = http.login("carol", PASSWORD);
        Http.Reply deleted = deleteAccount(first.field("access_token"), PASSWORD);
        assertThat(deleted.status()).as("%s", deleted).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertNoStore(deleted);
        assertThat(server.accessPass().findUser("carol")).isEmpty();
        for (Http.Reply session : List.of(first, second)) {
            assertProblem(http.get("/auth/check", session.field("access_token")), 401, "invalid_token");
            assertProblem(http.post("/auth/refresh", "refresh_token", session.field("refresh_token")), 401,
                    "invalid_grant");
        }
        assertProblem(http.login("carol", PASSWORD), 401, "invalid_credentials");
    }

    @Test
    void deleteAccountWithWrongPasswordIs401InvalidCredentialsAndKeepsEverything() {
        Http.Reply dave = register("dave", PASSWORD);
        Http.Reply refused = deleteAccount(dave.field("access_token"), "not the password");
        assertProblem(refused, 401, "invalid_credentials");
        // The token was good: no error="invalid_token", or the client would throw it away (SR-56).
        assertThat(refused.header("WWW-Authenticate")).hasValue("Bearer realm=\"accesspass\"");
        assertThat(server.accessPass().findUser("dave")).isPresent();
        assertThat(http.get("/auth/check", dave.field("access_token")).status()).isEqualTo(200);
        assertRejected(deleteAccount(dave.field("access_token"), null), "password", null);
    }

    private Http.Reply deleteAccount(String token, String password) {
        byte[] body = (password == null ? "{}" : Http.json("password", password)).getBytes(StandardCharsets.UTF_8);
        return http.send("DELETE", "/auth/account", "application/json", body,
                Map.of("Authorization", "Bearer " + token));
    }

    // ---- registration rules ------------------------------------------------------------------------------------

    @Test
    void usernameRules() {
        for (String bad : List.of("ab", "a".repeat(65), "_abc", ".abc", "-abc", "al ice", "al@ice", "alice!",
                "ålice", "")) {
            Http.Reply reply = register(bad, "u" + Math.abs(bad.hashCode()) + "@example.com", PASSWORD, PASSWORD);
            assertRejected(reply, "username", bad.isEmpty() ? null : bad);
        }
        assertThat(register("a.b_c-9", PASSWORD).status()).isEqualTo(201);
        String longest = "l".repeat(64);
        assertThat(register(longest, "longest@example.com", PASSWORD, PASSWORD).status()).isEqualTo(201);
    }

    @Test
    void sr40_emailRules() {
        List<String> bad = List.of("a@example.com\r\nBcc: evil@evil.example", "\"Evil\" <a@example.com>",
                "a@example.com, b@example.com", "no-at-sign.example", "a@b@example.com", "a @example.com",
                "a@example.com\u0000", "x".repeat(243) + "@example.com");
        for (String email : bad) {
            assertRejected(register("emailer", email, PASSWORD, PASSWORD), "email", "emailer");
        }
        assertThat(register("emailer", "x".repeat(242) + "@example.com", PASSWORD, PASSWORD).status())
                .isEqualTo(201);
    }

    @Test
    void sr23_passwordLengthsCountCodePoints() {
        assertRejected(register("len7", "q7#Lm2!"), "password", "len7");
        assertThat(register("len8", "q7#Lm2!x").status()).isEqualTo(201);
        String emoji8 = "\uD83D\uDE00\uD83D\uDE01\uD83D\uDE02\uD83D\uDE03\uD83D\uDE04\uD83D\uDE05\uD83D\uDE06\uD83D\uDE07";
        assertThat(emoji8.codePointCount(0, emoji8.length())).isEqualTo(8);
        assertThat(register("emoji8", emoji8).status()).isEqualTo(201);
        String emoji7 = emoji8.substring(0, 14);
        assertRejected(register("emoji7", emoji7), "password", "emoji7");
        String long257 = "\u00e9".repeat(257);
        assertRejected(register("long257", long257), "password", "long257");
        String long256 = "\u00e9".repeat(255) + "z";
        assertThat(register("long256", long256).status()).isEqualTo(201);
    }

    @Test
    void sr23_theWholePasswordCountsNoTruncation() {
        String sixtyFour = "abcdefgh".repeat(8);
        assertThat(register("whole", sixtyFour).status()).isEqualTo(201);
        assertThat(http.login("whole", sixtyFour).status()).isEqualTo(200);
        assertProblem(http.login("whole", sixtyFour.substring(0, 63)), 401, "invalid_credentials");
    }

    @Test
    void passwordEqualToUsernameOrEmailIsRejected() {
        assertRejected(register("aliceinwonderland", "aliceinwonderland"), "password", "aliceinwonderland");
        assertRejected(register("queenofhearts", "queenofhearts@example.com", "QueenOfHearts@example.com",
                "QueenOfHearts@example.com"), "password", "queenofhearts");
    }

    @Test
    void sr23_confirmationMismatchStoresNothing() {
        Http.Reply reply = register("mismatch", "mismatch@example.com", PASSWORD, PASSWORD + "!");
        assertRejected(reply, "password_confirmation", "mismatch");
        assertThat(fieldErrors(reply, "password")).isEmpty();
        assertRejected(http.post("/auth/register", "username", "noconfirm", "email", "noconfirm@example.com",
                "password", PASSWORD), "password_confirmation", "noconfirm");
    }

    @Test
    void missingFieldsAreNamed() {
        Http.Reply reply = http.postJson("/auth/register", "{}", null);
        assertProblem(reply, 400, "validation_failed");
        assertThat(reply.json().path("errors").has("username")).isTrue();
        assertThat(reply.json().path("errors").has("email")).isTrue();
        assertThat(reply.json().path("errors").has("password")).isTrue();
    }

    @Test
    void duplicatesInAnyCaseAre409() {
        Http.Reply name = register("ALICE", "other@example.com", PASSWORD, PASSWORD);
        assertProblem(name, 409, "username_taken");
        Http.Reply email = register("alice2", "ALICE@EXAMPLE.COM", PASSWORD, PASSWORD);
        assertProblem(email, 409, "email_taken");
        assertThat(server.accessPass().findUser("alice2")).isEmpty();
        assertThat(server.accessPass().findUser("other@example.com")).isEmpty();
    }

    @Test
    void sr24_passphrasesAndAnyCharactersAreAccepted() {
        for (String[] user : List.of(
                new String[] {"pass1", "lowercase only passphrase"},
                new String[] {"pass2", "  inner   and outer spaces  "},
                new String[] {"pass3", "\u03BA\u03B1\u03BB\u03B7\u03BC\u03AD\u03C1\u03B1 \u03BA\u03CC\u03C3\u03BC\u03B5 \uD83C\uDF0D"})) {
            assertThat(register(user[0], user[1]).status()).as(user[0]).isEqualTo(201);
            assertThat(http.login(user[0], user[1]).status()).as(user[0]).isEqualTo(200);
        }
    }

    @Test
    void sr26_passwordsAreNormalizedButNeverTrimmed() {
        String nfc = Normalizer.normalize("Caf\u00e9 au lait, s'il vous pla\u00eet", Normalizer.Form.NFC);
        String nfd = Normalizer.normalize(nfc, Normalizer.Form.NFD);
        assertThat(nfd).isNotEqualTo(nfc);
        assertThat(register("cafe", nfc).status()).isEqualTo(201);
        assertThat(http.login("cafe", nfd).status()).isEqualTo(200);
        assertProblem(http.login("cafe", nfc + " "), 401, "invalid_credentials");

        String withNul = "nul\u0000inside-the-password";
        assertThat(register("nulpass", withNul).status()).isEqualTo(201);
        assertThat(http.login("nulpass", withNul).status()).isEqualTo(200);
        assertProblem(http.login("nulpass", "nul"), 401, "invalid_credentials");
        // Three failures here: stay below the address limit for the other tests of this class.
        server.clock().advance(Duration.ofSeconds(901));
    }

    @Test
    void sr64_extraFieldsAreIgnoredAndNeverStored() {
        String json = "{\"username\":\"mallory\",\"email\":\"mallory@example.com\",\"password\":\"" + PASSWORD
                + "\",\"password_confirmation\":\"" + PASSWORD + "\",\"roles\":[\"admin\"],\"email_confirmed\":true,"
                + "\"id\":\"u-chosen\",\"created_at\":\"2000-01-01T00:00:00Z\","
                + "\"identities\":[{\"provider\":\"github\",\"subject\":\"1\"}]}";
        Http.Reply reply = http.postJson("/auth/register", json, null);
        assertThat(reply.status()).as("%s", reply).isEqualTo(201);
        User stored = server.accessPass().findUser("mallory").orElseThrow();
        assertThat(stored.roles()).isEmpty();
        assertThat(stored.emailConfirmed()).isFalse();
        assertThat(stored.id().value()).isNotEqualTo("u-chosen");
        assertThat(stored.identities()).isEmpty();
        assertThat(stored.createdAt()).isEqualTo(server.clock().instant());
        assertThat(http.get("/api/admin", reply.field("access_token")).status()).isEqualTo(403);
    }

    @Test
    void formUrlencodedRegisterAndLoginWork() {
        byte[] form = "username=formuser&email=formuser%40example.com&password=correct+horse+battery&password_confirmation=correct+horse+battery"
                .getBytes(StandardCharsets.US_ASCII);
        Http.Reply registered = http.send("POST", "/auth/register", "application/x-www-form-urlencoded", form, Map.of());
        assertTokenResponse(registered, 201, "formuser");
        Http.Reply login = http.send("POST", "/auth/login", "application/x-www-form-urlencoded; charset=UTF-8",
                "username=formuser&password=correct%20horse%20battery".getBytes(StandardCharsets.US_ASCII), Map.of());
        assertTokenResponse(login, 200, "formuser");
    }
}
