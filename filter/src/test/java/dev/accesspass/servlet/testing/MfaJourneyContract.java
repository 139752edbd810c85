package dev.accesspass.servlet.testing;

import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accesspass.Totp;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.Race;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The second factor of API.md §8 over HTTP, as one table of journeys that every store runs (memory in the filter,
 * JDBC in jdbi-store): setup, confirm, the {@code mfa_required} login and {@code /mfa/verify}, replays and the step
 * window, the {@code mfa_token}'s single use and its death after five wrong codes, recovery codes (single use under a
 * 20-way race), regeneration, removal, throttling and bad input. One server per class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class MfaJourneyContract {
    protected static final String PASSWORD = "correct horse battery";
    private static final AtomicInteger NAMES = new AtomicInteger();

    private TestServer server;
    private Http http;

    /** The server under test: any store; {@code login-max-attempts} 30 so that races reach the store. */
    protected abstract TestServer.Builder serverBuilder();

    @BeforeAll
    final void start() {
        server = serverBuilder().set("login-max-attempts", "30").set("mfa-issuer", "Example Co")
                .servlet("/api/recent", new TestServlets.Recent()).servlet("/api/mfa", new TestServlets.Mfa())
                .start();
        http = server.http();
    }

    @AfterAll
    final void stop() {
        server.close();
    }

    protected final TestServer server() {
        return server;
    }

    /** A user with TOTP on: its name, secret, access token and recovery codes. */
    protected record Enrolled(String name, String secret, String access, List<String> recoveryCodes) {
    }

    protected final Enrolled enroll() {
        String name = "mfa" + NAMES.incrementAndGet() + "x" + System.nanoTime() % 100_000;
        String access = http.register(name, PASSWORD).field("access_token");
        Http.Reply setup = http.postJson("/auth/mfa/totp/setup", Http.json("password", PASSWORD), access);
        assertThat(setup.status()).as(setup.toString()).isEqualTo(200);
        String secret = setup.field("secret");
        Http.Reply confirm = http.postJson("/auth/mfa/totp/confirm", Http.json("code", code(secret, 0)), access);
        assertThat(confirm.status()).as(confirm.toString()).isEqualTo(200);
        List<String> codes = new ArrayList<>();
        confirm.json().path("recovery_codes").forEach(node -> codes.add(node.asText()));
        return new Enrolled(name, secret, access, codes);
    }

    /** The code of the step {@code offset} steps from now. */
    protected final String code(String secret, int offset) {
        return Totp.codeAt(secret, server.clock().instant().plusSeconds(30L * offset));
    }

    /** Logs in with the right password and returns the {@code mfa_token} of the 403. */
    protected final String mfaToken(String name) {
        Http.Reply login = http.login(name, PASSWORD);
        JsonNode problem = assertProblem(login, 403, "mfa_required");
        assertThat(problem.path("mfa_methods").toString()).isEqualTo("[\"totp\",\"recovery_code\"]");
        return problem.path("mfa_token").asText();
    }

    protected final Http.Reply verify(String token, String field, String value) {
        return http.postJson("/auth/mfa/verify", Http.json("mfa_token", token, field, value), null);
    }

    private void nextStep() {
        server.clock().advance(Duration.ofSeconds(30));
    }

    @Test
    void setupAnswersABase32SecretAndAKeyUriNotYetActive() {
        String name = "setup" + NAMES.incrementAndGet();
        String access = http.register(name, PASSWORD).field("access_token");

        Http.Reply setup = http.postJson("/auth/mfa/totp/setup", Http.json("password", PASSWORD), access);

        assertThat(setup.status()).isEqualTo(200);
        String secret = setup.field("secret");
        assertThat(secret).matches("[A-Z2-7]{32}");
        assertThat(setup.field("otpauth_uri")).isEqualTo("otpauth://totp/Example%20Co:" + name + "?secret="
                + secret + "&issuer=Example%20Co&algorithm=SHA1&digits=6&period=30");
        assertThat(http.login(name, PASSWORD).status()).as("not active until confirmed").isEqualTo(200);
        Http.Reply again = http.postJson("/auth/mfa/totp/setup", Http.json("password", PASSWORD), access);
        assertThat(again.field("secret")).as("a new setup replaces the pending one").isNotEqualTo(secret);
        assertProblem(http.postJson("/auth/mfa/totp/confirm", Http.json("code", code(secret, 0)), access),
                401, "invalid_code");
        assertProblem(http.postJson("/auth/mfa/totp/setup", Http.json("password", "wrong password!"), access),
                401, "invalid_credentials");
        assertProblem(http.postJson("/auth/mfa/totp/setup", "{}", access), 400, "validation_failed");
        assertProblem(http.postJson("/auth/mfa/totp/setup", Http.json("password", PASSWORD), null), 401,
                "invalid_token");
    }

    @Test
    void confirmTurnsTotpOnWithTenRecoveryCodesAndSetupIsThen409() {
        Enrolled user = enroll();
        assertThat(user.recoveryCodes()).hasSize(10).doesNotHaveDuplicates();
        assertProblem(http.postJson("/auth/mfa/totp/setup", Http.json("password", PASSWORD), user.access()),
                409, "already_enabled");
        assertProblem(http.postJson("/auth/mfa/totp/confirm", Http.json("code", code(user.secret(), 1)),
                user.access()), 409, "already_enabled");
    }

    @Test
    void theRightPasswordAnswersMfaRequiredAndTheWrongOneStaysInvalidCredentials() {
        Enrolled user = enroll();
        Http.Reply wrong = http.login(user.name(), "not the password");
        JsonNode problem = assertProblem(wrong, 401, "invalid_credentials");
        assertThat(problem.has("mfa_token")).isFalse();

        String token = mfaToken(user.name());
        assertThat(token).hasSize(43);
        Http.Reply verified = verify(token, "code", code(user.secret(), 1));
        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        String access = verified.field("access_token");

        JsonNode check = http.get("/auth/check", access).json();
        assertThat(check.path("amr").toString()).isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");
        assertThat(check.path("aal").asInt()).isEqualTo(2);
        assertThat(check.path("auth_time").asLong()).isEqualTo(server.clock().instant().getEpochSecond());
        JsonNode sessions = http.get("/auth/sessions", access).json().path("sessions");
        JsonNode current = null;
        for (JsonNode session : sessions) {
            if (session.path("current").asBoolean()) {
                current = session;
            }
        }
        assertThat(current).isNotNull();
        assertThat(current.path("aal").asInt()).isEqualTo(2);
        assertThat(current.path("amr").toString()).isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");
    }

    @Test
    void aCodeIsAcceptedOncePerStepTheAdjacentStepWorksAndTwoStepsOldDoesNot() {
        Enrolled user = enroll();
        // The confirming code's step is used up.
        assertProblem(verify(mfaToken(user.name()), "code", code(user.secret(), 0)), 401, "invalid_code");
        String token = mfaToken(user.name());
        assertThat(verify(token, "code", code(user.secret(), 1)).status()).as("next step").isEqualTo(200);
        assertProblem(verify(mfaToken(user.name()), "code", code(user.secret(), 1)), 401, "invalid_code");

        for (int i = 0; i < 5; i++) {
            nextStep();
        }
        assertProblem(verify(mfaToken(user.name()), "code", code(user.secret(), -2)), 401, "invalid_code");
        assertThat(verify(mfaToken(user.name()), "code", code(user.secret(), -1)).status()).as("previous step")
                .isEqualTo(200);
    }

    @Test
    void anMfaTokenIsSingleUse() {
        Enrolled user = enroll();
        String token = mfaToken(user.name());
        assertThat(verify(token, "code", code(user.secret(), 1)).status()).isEqualTo(200);
        nextStep();
        nextStep();
        assertProblem(verify(token, "code", code(user.secret(), 0)), 401, "invalid_grant");
    }

    @Test
    void anMfaTokenDiesAfterFiveWrongCodesAndLapsesAfter300Seconds() {
        Enrolled user = enroll();
        String token = mfaToken(user.name());
        String right = code(user.secret(), 1);
        String wrong = right.equals("000000") ? "111111" : "000000";
        for (int i = 0; i < 5; i++) {
            assertProblem(verify(token, "code", wrong), 401, "invalid_code");
        }
        assertProblem(verify(token, "code", right), 401, "invalid_grant");

        String lapsing = mfaToken(user.name());
        server.clock().advance(Duration.ofSeconds(301));
        assertProblem(verify(lapsing, "code", code(user.secret(), 0)), 401, "invalid_grant");
    }

    @Test
    void aRecoveryCodeWorksOnceIgnoringCaseSpacesAndDashesAndOnlyOneOfTwentyRacersWins() throws Exception {
        Enrolled user = enroll();
        String first = user.recoveryCodes().get(0);
        String typed = " " + first.toUpperCase().replace("-", " - ") + " ";
        Http.Reply used = verify(mfaToken(user.name()), "recovery_code", typed);
        assertThat(used.status()).as(used.toString()).isEqualTo(200);
        JsonNode check = http.get("/auth/check", used.field("access_token")).json();
        assertThat(check.path("aal").asInt()).isEqualTo(2);
        assertProblem(verify(mfaToken(user.name()), "recovery_code", first), 401, "invalid_code");

        String second = user.recoveryCodes().get(1);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tokens.add(mfaToken(user.name()));
        }
        List<Http.Reply> replies = Race.race(20, i -> () -> verify(tokens.get(i), "recovery_code", second));
        assertThat(replies).filteredOn(reply -> reply.status() == 200).hasSize(1);
        assertThat(replies).extracting(Http.Reply::status).isSubsetOf(200, 401, 429);
    }

    @Test
    void newRecoveryCodesKillTheOldOnesAndNeedACode() {
        Enrolled user = enroll();
        assertProblem(http.postJson("/auth/mfa/recovery-codes", Http.json("code", code(user.secret(), 0)),
                user.access()), 401, "invalid_code");
        Http.Reply fresh = http.postJson("/auth/mfa/recovery-codes", Http.json("code", code(user.secret(), 1)),
                user.access());
        assertThat(fresh.status()).isEqualTo(200);
        JsonNode codes = fresh.json().path("recovery_codes");
        assertThat(codes.size()).isEqualTo(10);
        assertProblem(verify(mfaToken(user.name()), "recovery_code", user.recoveryCodes().get(0)), 401,
                "invalid_code");
        assertThat(verify(mfaToken(user.name()), "recovery_code", codes.get(0).asText()).status()).isEqualTo(200);
    }

    @Test
    void disablingNeedsThePasswordAndThenLoginIsOneStepAgain() {
        Enrolled user = enroll();
        assertProblem(send("DELETE", "/auth/mfa/totp", user.access(), Http.json("password", "wrong password!")),
                401, "invalid_credentials");
        assertProblem(send("DELETE", "/auth/mfa/totp", user.access(), "{}"), 400, "validation_failed");
        assertThat(send("DELETE", "/auth/mfa/totp", user.access(), Http.json("password", PASSWORD)).status())
                .isEqualTo(204);
        assertThat(http.login(user.name(), PASSWORD).status()).isEqualTo(200);
        assertProblem(send("DELETE", "/auth/mfa/totp", user.access(), Http.json("password", PASSWORD)), 404,
                "not_found");
        assertProblem(http.postJson("/auth/mfa/recovery-codes", Http.json("code", code(user.secret(), 1)),
                user.access()), 404, "not_found");
    }

    @Test
    void wrongCodesCountAgainstTheAccountLikeFailedLogins() {
        Enrolled user = enroll();
        String pending = mfaToken(user.name());
        String wrong = code(user.secret(), 1).equals("000000") ? "111111" : "000000";
        Http.Reply reply = null;
        for (int i = 0; i < 31; i++) {
            reply = http.postJson("/auth/mfa/recovery-codes", Http.json("code", wrong), user.access());
            if (reply.status() == 429) {
                break;
            }
            assertProblem(reply, 401, "invalid_code");
        }
        assertProblem(reply, 429, "too_many_attempts");
        assertThat(reply.header("Retry-After")).isPresent();
        // The account is throttled for the second step of a login too, and its token is not used up by that.
        assertProblem(verify(pending, "code", code(user.secret(), 1)), 429, "too_many_attempts");
        assertProblem(verify(pending, "code", code(user.secret(), 1)), 429, "too_many_attempts");
    }

    @Test
    void badInputOnEveryNewRouteIs4xxNever5xx() {
        Enrolled user = enroll();
        String token = mfaToken(user.name());
        // Recovery codes have no fixed shape, so a wrong one is a real guess: it gets a token of its own.
        String guessed = mfaToken(user.name());
        List<String> codes = List.of("\"1234567\"", "\"12345\"", "\"١٢٣٤٥٦\"", "\"１２３４５６\"", "123456", "null",
                "[\"123456\"]", "{\"a\":1}", "\"" + "9".repeat(5000) + "\"", "\"12 34 5\"", "\"\"", "true",
                "\"12\\u00003456\"");
        List<String> bodies = new ArrayList<>();
        for (String code : codes) {
            bodies.add("{\"code\":" + code + "}");
            bodies.add("{\"mfa_token\":\"" + token + "\",\"code\":" + code + "}");
            bodies.add("{\"mfa_token\":\"" + guessed + "\",\"recovery_code\":" + code + "}");
        }
        bodies.addAll(List.of("{\"mfa_token\":12,\"code\":\"123456\"}", "{\"mfa_token\":\"x\",\"code\":\"123456\"}",
                "{\"mfa_token\":\"" + token + "\"}", "{\"mfa_token\":\"" + token + "\",\"code\":\"123456\","
                        + "\"recovery_code\":\"abcd\"}", "not json", "{\"password\":" + "1".repeat(100) + "}", "[]"));
        Map<String, String> routes = Map.of("/auth/mfa/totp/setup", "POST", "/auth/mfa/totp/confirm", "POST",
                "/auth/mfa/totp", "DELETE", "/auth/mfa/recovery-codes", "POST", "/auth/mfa/verify", "POST");
        routes.forEach((path, method) -> {
            for (String body : bodies) {
                Http.Reply reply = send(method, path, user.access(), body);
                assertThat(reply.status()).as("%s %s %s", method, path, body.length() > 80
                        ? body.substring(0, 80) : body).isBetween(400, 499);
            }
        });
        // The token survived every malformed code: none of them was a guess.
        nextStep();
        assertThat(verify(token, "code", code(user.secret(), 0)).status()).isEqualTo(200);
    }

    // ---- step-up and re-authentication (API.md §9) ---------------------------------------------------------

    @Test
    void maxAgeAsksForAStepUpWithTheExactChallengeAndReauthRaisesAuthTimeWithoutNewTokens() {
        String name = "recent" + NAMES.incrementAndGet();
        String access = http.register(name, PASSWORD).field("access_token");
        assertThat(http.get("/api/recent", access).field("recent")).isEqualTo(name);

        server.clock().advance(Duration.ofSeconds(61));
        Http.Reply stale = http.get("/api/recent", access);
        assertProblem(stale, 401, "step_up_required");
        assertThat(stale.header("WWW-Authenticate")).contains(
                "Bearer realm=\"accesspass\", error=\"insufficient_user_authentication\", max_age=60");
        assertThat(http.get("/auth/check", access).status()).as("the token stays valid").isEqualTo(200);

        assertProblem(http.postJson("/auth/reauth", Http.json("password", "wrong password!"), access), 401,
                "invalid_credentials");
        Http.Reply reauth = http.postJson("/auth/reauth", Http.json("password", PASSWORD), access);
        assertThat(reauth.status()).as(reauth.toString()).isEqualTo(200);
        long now = server.clock().instant().getEpochSecond();
        assertThat(reauth.json().path("auth_time").asLong()).isEqualTo(now);
        assertThat(reauth.json().path("amr").toString()).isEqualTo("[\"pwd\"]");
        assertThat(reauth.json().path("aal").asInt()).isEqualTo(1);
        assertThat(http.get("/api/recent", access).field("recent")).isEqualTo(name);
        assertThat(http.get("/auth/check", access).json().path("auth_time").asLong()).isEqualTo(now);
    }

    @Test
    void mfaRoutesAskForASecondFactorAndAReauthWithACodeGivesIt() {
        Enrolled user = enroll();
        Http.Reply weak = http.get("/api/mfa", user.access());
        assertProblem(weak, 401, "step_up_required");
        assertThat(weak.header("WWW-Authenticate")).contains(
                "Bearer realm=\"accesspass\", error=\"insufficient_user_authentication\", acr_values=\"mfa\"");

        Http.Reply reauth = http.postJson("/auth/reauth", Http.json("code", code(user.secret(), 1)), user.access());
        assertThat(reauth.status()).as(reauth.toString()).isEqualTo(200);
        assertThat(reauth.json().path("aal").asInt()).isEqualTo(2);
        assertThat(reauth.json().path("amr").toString()).isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");
        assertThat(http.get("/api/mfa", user.access()).field("mfa")).isEqualTo(user.name());
        assertProblem(http.postJson("/auth/reauth", Http.json("code", code(user.secret(), 1)), user.access()),
                401, "invalid_code");

        nextStep();
        String verified = verify(mfaToken(user.name()), "code", code(user.secret(), 1)).field("access_token");
        assertThat(http.get("/api/mfa", verified).status()).isEqualTo(200);
    }

    @Test
    void reauthRefusesBadInputWith4xx() {
        String access = http.register("badreauth" + NAMES.incrementAndGet(), PASSWORD).field("access_token");
        for (String body : List.of("{}", "{\"password\":\"x\",\"code\":\"123456\"}", "{\"code\":\"1234567\"}",
                "{\"code\":\"١٢٣٤٥٦\"}", "{\"password\":123}", "{\"password\":\"\"}", "[]", "nope")) {
            assertThat(send("POST", "/auth/reauth", access, body).status()).as(body).isBetween(400, 499);
        }
        assertProblem(http.postJson("/auth/reauth", Http.json("code", "123456"), access), 401, "invalid_code");
        assertProblem(http.postJson("/auth/reauth", Http.json("password", PASSWORD), null), 401, "invalid_token");
    }

    private Http.Reply send(String method, String path, String bearer, String json) {
        return http.send(method, path, "application/json", json.getBytes(StandardCharsets.UTF_8),
                bearer == null ? Map.of() : Map.of("Authorization", "Bearer " + bearer));
    }

    /** Now, for subclasses that compute codes for another server on the same store. */
    protected final Instant now() {
        return server.clock().instant();
    }
}
