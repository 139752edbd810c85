package dev.accesspass.servlet.testing;

import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accesspass.Totp;
import dev.accesspass.event.SecurityEvent;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.UserRecord;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.SoftAuthenticator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The passkeys of API.md §10 over HTTP with a software authenticator ({@link SoftAuthenticator}), as journeys every
 * store runs (memory in the filter, JDBC in jdbi-store): registration, usernameless login, the passkey as second
 * factor and for re-authentication, the list, rename and removal, and one test per refusal: wrong origin, wrong RP
 * id, UV off, UP off, replayed ceremony, the challenge of another ceremony, a registration ceremony used for login,
 * a bad signature, a counter going backwards, another user's credential, malformed or oversized JSON. One server
 * per class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class PasskeyJourneyContract {
    protected static final String PASSWORD = "correct horse battery";
    protected static final String RP_ID = "localhost";
    protected static final String ORIGIN = "http://localhost:8123";
    private static final AtomicInteger NAMES = new AtomicInteger();

    private TestServer server;
    private Http http;
    private final RecordingHooks hooks = new RecordingHooks();

    /** The server under test, any store; the contract adds the relying-party settings and its hooks. */
    protected abstract TestServer.Builder serverBuilder();

    @BeforeAll
    final void start() {
        server = serverBuilder().set("webauthn-rp-id", RP_ID).set("webauthn-origins", ORIGIN + ",https://app.test")
                .set("webauthn-rp-name", "Example Co").set("login-max-attempts", "50").set("register-max-per-address", "0").hooks(hooks).start();
        http = server.http();
    }

    @AfterAll
    final void stop() {
        server.close();
    }

    protected final TestServer server() {
        return server;
    }

    protected final Http http() {
        return http;
    }

    /** A registered user with a password. */
    protected record Account(String name, String access) {
    }

    protected final Account account() {
        String name = "pk" + NAMES.incrementAndGet() + "x" + System.nanoTime() % 100_000;
        Http.Reply registered = http.register(name, PASSWORD);
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        return new Account(name, registered.field("access_token"));
    }

    /** {@code POST /passkeys/register/options} then {@code /passkeys/register} with {@code authenticator}. */
    protected final Http.Reply addPasskey(String access, SoftAuthenticator authenticator, String name) {
        Http.Reply options = http.postWithToken("/auth/passkeys/register/options", access);
        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        JsonNode publicKey = options.json().path("publicKey");
        String credential = authenticator.register(publicKey.path("challenge").asText(),
                publicKey.path("user").path("id").asText());
        return http.postJson("/auth/passkeys/register", ceremonyBody(options.field("ceremony"), credential, name),
                access);
    }

    protected final SoftAuthenticator enrolled(String access) {
        SoftAuthenticator authenticator = new SoftAuthenticator(RP_ID, ORIGIN);
        Http.Reply added = addPasskey(access, authenticator, null);
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        return authenticator;
    }

    protected static String ceremonyBody(String ceremony, String credential, String name) {
        StringBuilder body = new StringBuilder("{\"ceremony\":\"").append(ceremony).append("\",\"credential\":")
                .append(credential);
        if (name != null) {
            body.append(",\"name\":\"").append(name).append('"');
        }
        return body.append('}').toString();
    }

    /** A fresh usernameless ceremony: its id and challenge. */
    protected record Started(String ceremony, String challenge) {
    }

    protected final Started loginOptions() {
        Http.Reply options = http.postJson("/auth/passkeys/login/options", "{}", null);
        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        return new Started(options.field("ceremony"), options.json().path("publicKey").path("challenge").asText());
    }

    protected final Http.Reply login(SoftAuthenticator authenticator) {
        Started started = loginOptions();
        return http.postJson("/auth/passkeys/login",
                ceremonyBody(started.ceremony(), authenticator.assertion(started.challenge()), null), null);
    }

    private Http.Reply loginWith(Started started, String credential) {
        return http.postJson("/auth/passkeys/login", ceremonyBody(started.ceremony(), credential, null), null);
    }

    private List<SecurityEvent> failures() {
        return hooks.events(SecurityEvent.Type.PASSKEY_FAILED);
    }

    /** The refusal is the one 401 invalid_credentials, and the security log names {@code reason}. */
    private void refused(Http.Reply reply, String reason) {
        JsonNode problem = assertProblem(reply, 401, "invalid_credentials");
        assertThat(problem.path("detail").asText()).as("never which check failed")
                .isEqualTo("The passkey was not accepted.");
        assertThat(failures()).isNotEmpty();
        assertThat(failures().get(failures().size() - 1).details()).containsEntry("reason", reason);
    }

    // ---- registration ---------------------------------------------------------------------------------------------

    @Test
    void registrationOptionsAreTheLevel3CreationOptions() {
        Account user = account();
        SoftAuthenticator first = enrolled(user.access());
        Http.Reply options = http.postWithToken("/auth/passkeys/register/options", user.access());
        assertThat(options.status()).isEqualTo(200);
        assertThat(options.field("ceremony")).hasSize(43);
        JsonNode publicKey = options.json().path("publicKey");
        assertThat(publicKey.path("rp").path("id").asText()).isEqualTo(RP_ID);
        assertThat(publicKey.path("rp").path("name").asText()).isEqualTo("Example Co");
        byte[] challenge = java.util.Base64.getUrlDecoder().decode(publicKey.path("challenge").asText());
        assertThat(challenge.length).isGreaterThanOrEqualTo(16);
        byte[] userId = java.util.Base64.getUrlDecoder().decode(publicKey.path("user").path("id").asText());
        assertThat(userId.length).as("a random user handle").isGreaterThanOrEqualTo(32);
        assertThat(new String(userId, StandardCharsets.ISO_8859_1)).doesNotContain(user.name());
        assertThat(publicKey.path("user").path("name").asText()).isEqualTo(user.name());
        List<Long> algs = new ArrayList<>();
        publicKey.path("pubKeyCredParams").forEach(p -> algs.add(p.path("alg").asLong()));
        assertThat(algs).contains(-7L, -257L);
        JsonNode selection = publicKey.path("authenticatorSelection");
        assertThat(selection.path("residentKey").asText()).isEqualTo("required");
        assertThat(selection.path("requireResidentKey").asBoolean()).isTrue();
        assertThat(selection.path("userVerification").asText()).isEqualTo("required");
        assertThat(publicKey.path("attestation").asText()).isEqualTo("none");
        assertThat(publicKey.path("timeout").asLong()).isEqualTo(300_000L);
        assertThat(publicKey.path("excludeCredentials").toString())
                .isEqualTo("[{\"type\":\"public-key\",\"id\":\"" + first.id() + "\"}]");
        assertThat(publicKey.path("user").path("id").asText()).as("one handle per user")
                .isEqualTo(first.userHandle());
    }

    @Test
    void addSignInListRenameAndRemove() {
        Account user = account();
        SoftAuthenticator authenticator = new SoftAuthenticator(RP_ID, ORIGIN);
        Http.Reply added = addPasskey(user.access(), authenticator, "My laptop");
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        assertThat(added.field("id")).isEqualTo(authenticator.id());
        assertThat(added.field("name")).isEqualTo("My laptop");
        assertThat(added.json().path("last_used_at").isNull()).isTrue();
        assertThat(hooks.events(SecurityEvent.Type.PASSKEY_ADDED)).isNotEmpty();

        Http.Reply login = login(authenticator);
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        assertThat(login.json().path("user").path("username").asText()).isEqualTo(user.name());
        Http.Reply check = http.get("/auth/check", login.field("access_token"));
        assertThat(check.json().path("aal").asInt()).isEqualTo(2);
        assertThat(check.json().path("amr").toString()).isEqualTo("[\"hwk\",\"user\",\"mfa\"]");
        JsonNode sessions = http.get("/auth/sessions", login.field("access_token")).json().path("sessions");
        boolean passkeySession = false;
        for (JsonNode session : sessions) {
            passkeySession |= session.path("method").asText().equals("passkey");
        }
        assertThat(passkeySession).as(sessions.toString()).isTrue();

        JsonNode list = http.get("/auth/passkeys", user.access()).json().path("passkeys");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).path("id").asText()).isEqualTo(authenticator.id());
        assertThat(list.get(0).path("last_used_at").isNull()).as("updated on use").isFalse();
        Instant.parse(list.get(0).path("created_at").asText());

        Http.Reply renamed = http.send("PATCH", "/auth/passkeys/" + authenticator.id(), "application/json",
                Http.json("name", "Work phone").getBytes(StandardCharsets.UTF_8), auth(user.access()));
        assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
        assertThat(renamed.field("name")).isEqualTo("Work phone");

        Http.Reply removed = http.send("DELETE", "/auth/passkeys/" + authenticator.id(), null, new byte[0],
                auth(user.access()));
        assertThat(removed.status()).as(removed.toString()).isEqualTo(204);
        assertThat(http.get("/auth/passkeys", user.access()).json().path("passkeys")).isEmpty();
        assertThat(hooks.events(SecurityEvent.Type.PASSKEY_REMOVED)).isNotEmpty();
        refused(login(authenticator), "unknown_credential");
    }

    protected static Map<String, String> auth(String access) {
        return Map.of("Authorization", "Bearer " + access);
    }

    @Test
    void theDefaultNameIsPasskeyAndTheDate() {
        Account user = account();
        Http.Reply added = addPasskey(user.access(), new SoftAuthenticator(RP_ID, ORIGIN), null);
        assertThat(added.field("name")).matches("Passkey \\d{4}-\\d{2}-\\d{2}");
    }

    @Test
    void sr81_aCredentialIdAlreadyKnownIsRefusedForAnyUser() {
        Account first = account();
        SoftAuthenticator authenticator = enrolled(first.access());
        Account second = account();
        assertProblem(addPasskey(second.access(), new SoftAuthenticator(authenticator), null), 400,
                "validation_failed");
        assertProblem(addPasskey(first.access(), new SoftAuthenticator(authenticator), null), 400,
                "validation_failed");
        assertThat(http.get("/auth/passkeys", second.access()).json().path("passkeys")).isEmpty();
    }

    @Test
    void sr81_registrationRefusesAWrongOriginUvOffUpOffAndALoginCeremony() {
        Account user = account();
        SoftAuthenticator wrongOrigin = new SoftAuthenticator(RP_ID, "http://evil.test");
        assertProblem(addPasskey(user.access(), wrongOrigin, null), 400, "validation_failed");
        SoftAuthenticator wrongRp = new SoftAuthenticator("evil.test", ORIGIN);
        assertProblem(addPasskey(user.access(), wrongRp, null), 400, "validation_failed");
        SoftAuthenticator noUv = new SoftAuthenticator(RP_ID, ORIGIN);
        noUv.userVerified = false;
        assertProblem(addPasskey(user.access(), noUv, null), 400, "validation_failed");
        SoftAuthenticator noUp = new SoftAuthenticator(RP_ID, ORIGIN);
        noUp.userPresent = false;
        assertProblem(addPasskey(user.access(), noUp, null), 400, "validation_failed");

        Started login = loginOptions();
        SoftAuthenticator other = new SoftAuthenticator(RP_ID, ORIGIN);
        String credential = other.register(login.challenge(), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        assertProblem(http.postJson("/auth/passkeys/register", ceremonyBody(login.ceremony(), credential, null),
                user.access()), 400, "validation_failed");
        assertThat(http.get("/auth/passkeys", user.access()).json().path("passkeys")).isEmpty();
    }

    @Test
    void registrationNeedsABearerToken() {
        assertProblem(http.postWithToken("/auth/passkeys/register/options", null), 401, "invalid_token");
        assertProblem(http.get("/auth/passkeys", null), 401, "invalid_token");
    }

    // ---- login refusals -------------------------------------------------------------------------------------------

    @Test
    void loginOptionsAreUsernameless() {
        Http.Reply options = http.postWithToken("/auth/passkeys/login/options", null);
        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        JsonNode publicKey = options.json().path("publicKey");
        assertThat(publicKey.path("allowCredentials").toString()).isEqualTo("[]");
        assertThat(publicKey.path("userVerification").asText()).isEqualTo("required");
        assertThat(publicKey.path("rpId").asText()).isEqualTo(RP_ID);
        assertThat(java.util.Base64.getUrlDecoder().decode(publicKey.path("challenge").asText()).length)
                .isGreaterThanOrEqualTo(16);
    }

    @Test
    void sr81_aWrongOriginIsRefused() {
        SoftAuthenticator authenticator = enrolled(account().access());
        authenticator.origin = "http://localhost:9999";
        refused(login(authenticator), "origin");
        authenticator.origin = "https://app.test";
        assertThat(login(authenticator).status()).as("every configured origin is accepted").isEqualTo(200);
    }

    @Test
    void sr81_aWrongRpIdIsRefused() {
        SoftAuthenticator authenticator = enrolled(account().access());
        authenticator.rpId = "example.com";
        refused(login(authenticator), "rp_id");
    }

    @Test
    void sr81_userVerificationOffIsRefused() {
        SoftAuthenticator authenticator = enrolled(account().access());
        authenticator.userVerified = false;
        refused(login(authenticator), "user_verification");
    }

    @Test
    void sr81_userPresenceOffIsRefused() {
        SoftAuthenticator authenticator = enrolled(account().access());
        authenticator.userPresent = false;
        refused(login(authenticator), "user_presence");
    }

    @Test
    void sr81_aCeremonyIsSingleUse() {
        SoftAuthenticator authenticator = enrolled(account().access());
        Started started = loginOptions();
        String credential = authenticator.assertion(started.challenge());
        assertThat(loginWith(started, credential).status()).isEqualTo(200);
        refused(loginWith(started, credential), "ceremony");
        refused(loginWith(started, authenticator.assertion(started.challenge())), "ceremony");
    }

    @Test
    void sr81_theChallengeOfAnotherCeremonyIsRefused() {
        SoftAuthenticator authenticator = enrolled(account().access());
        Started first = loginOptions();
        Started second = loginOptions();
        refused(loginWith(second, authenticator.assertion(first.challenge())), "challenge");
    }

    @Test
    void sr81_aRegistrationCeremonyCannotFinishALogin() {
        Account user = account();
        SoftAuthenticator authenticator = enrolled(user.access());
        Http.Reply options = http.postWithToken("/auth/passkeys/register/options", user.access());
        String challenge = options.json().path("publicKey").path("challenge").asText();
        refused(http.postJson("/auth/passkeys/login", ceremonyBody(options.field("ceremony"),
                authenticator.assertion(challenge), null), null), "ceremony");
    }

    @Test
    void sr81_aBadSignatureIsRefused() {
        SoftAuthenticator authenticator = enrolled(account().access());
        authenticator.breakSignature = true;
        refused(login(authenticator), "signature");
    }

    @Test
    void sr81_aCounterThatDoesNotIncreaseIsRefusedAndRaisesASecurityEvent() {
        SoftAuthenticator authenticator = new SoftAuthenticator(RP_ID, ORIGIN);
        authenticator.counter = 5;
        assertThat(addPasskey(account().access(), authenticator, null).status()).isEqualTo(201);
        authenticator.counter = 6;
        assertThat(login(authenticator).status()).isEqualTo(200);
        int events = hooks.events(SecurityEvent.Type.PASSKEY_COUNTER_MISMATCH).size();
        authenticator.counter = 6;
        refused(login(authenticator), "counter");
        authenticator.counter = 3;
        refused(login(authenticator), "counter");
        assertThat(hooks.events(SecurityEvent.Type.PASSKEY_COUNTER_MISMATCH)).hasSize(events + 2);
        authenticator.counter = 7;
        assertThat(login(authenticator).status()).as("a clone's refusal does not lock the real one out")
                .isEqualTo(200);
    }

    @Test
    void aZeroCounterStaysAcceptedAsSyncedPasskeysSendIt() {
        SoftAuthenticator authenticator = new SoftAuthenticator(RP_ID, ORIGIN);
        authenticator.fixedCounter = true;
        assertThat(addPasskey(account().access(), authenticator, null).status()).isEqualTo(201);
        assertThat(login(authenticator).status()).isEqualTo(200);
        assertThat(login(authenticator).status()).isEqualTo(200);
    }

    @Test
    void sr81_aUserHandleThatIsNotTheRegisteredOneIsRefused() {
        SoftAuthenticator authenticator = enrolled(account().access());
        authenticator.sendUserHandle = false;
        refused(login(authenticator), "user_handle");
    }

    @Test
    void malformedWrongTypedOversizedOrTooDeepCredentialsAre4xx() {
        Started started = loginOptions();
        String ceremony = started.ceremony();
        assertProblem(http.postJson("/auth/passkeys/login", "{\"ceremony\":\"" + ceremony + "\",\"credential\":",
                null), 400, "malformed_request");
        assertProblem(http.postJson("/auth/passkeys/login", "{\"ceremony\":\"" + ceremony
                + "\",\"credential\":\"a string\"}", null), 400, "validation_failed");
        assertProblem(http.postJson("/auth/passkeys/login", "{\"ceremony\":42,\"credential\":{}}", null), 400,
                "validation_failed");
        assertProblem(http.postJson("/auth/passkeys/login", "{\"ceremony\":\"" + ceremony + "\"}", null), 400,
                "validation_failed");
        String big = "x".repeat(4000);
        assertProblem(http.postJson("/auth/passkeys/login", "{\"ceremony\":\"" + ceremony + "\",\"credential\":{"
                + "\"a\":\"" + big + "\",\"b\":\"" + big + "\",\"c\":\"" + big + "\"}}", null), 413,
                "payload_too_large");
        assertProblem(http.postJson("/auth/passkeys/login", "{\"ceremony\":\"" + ceremony
                + "\",\"credential\":{\"response\":{\"a\":{\"b\":{\"c\":{}}}}}}", null), 400, "malformed_request");
        // Well-formed JSON that is no credential: refused like any other bad assertion, never a 5xx.
        assertProblem(loginWith(loginOptions(), "{\"id\":\"AAAA\",\"type\":\"public-key\",\"response\":{"
                + "\"clientDataJSON\":\"e30\",\"authenticatorData\":\"AAAA\",\"signature\":\"AAAA\"}}"),
                401, "invalid_credentials");
        Http.Reply junk = loginWith(loginOptions(), "{\"id\":7,\"rawId\":[1,2],\"response\":{\"clientDataJSON\":1}}");
        assertThat(junk.status()).as(junk.toString()).isBetween(400, 499);
        Http.Reply notBase64 = loginWith(loginOptions(), "{\"id\":\"!!\",\"rawId\":\"!!\",\"type\":\"public-key\","
                + "\"response\":{\"clientDataJSON\":\"!!\",\"authenticatorData\":\"!!\",\"signature\":\"!!\"}}");
        assertThat(notBase64.status()).as(notBase64.toString()).isBetween(400, 499);
        Account user = account();
        Http.Reply options = http.postWithToken("/auth/passkeys/register/options", user.access());
        Http.Reply badRegistration = http.postJson("/auth/passkeys/register", ceremonyBody(options.field("ceremony"),
                "{\"id\":\"AAAA\",\"response\":{\"attestationObject\":\"oWNmbXQ\",\"clientDataJSON\":\"e30\"}}",
                null), user.access());
        assertProblem(badRegistration, 400, "validation_failed");
    }

    // ---- second factor and re-authentication ---------------------------------------------------------------------

    /** Turns TOTP on for {@code access}; returns the secret. */
    protected final String enableTotp(String access) {
        Http.Reply setup = http.postJson("/auth/mfa/totp/setup", Http.json("password", PASSWORD), access);
        String secret = setup.field("secret");
        Http.Reply confirm = http.postJson("/auth/mfa/totp/confirm", Http.json("code",
                Totp.codeAt(secret, server.clock().instant())), access);
        assertThat(confirm.status()).as(confirm.toString()).isEqualTo(200);
        return secret;
    }

    @Test
    void aTotpUserSigningInWithAPasskeyIsNotAskedForTheCode() {
        Account user = account();
        SoftAuthenticator authenticator = enrolled(user.access());
        enableTotp(user.access());
        assertProblem(http.login(user.name(), PASSWORD), 403, "mfa_required");
        Http.Reply login = login(authenticator);
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
    }

    @Test
    void aPasskeyIsTheSecondFactorOfAPasswordLogin() {
        Account user = account();
        SoftAuthenticator authenticator = enrolled(user.access());
        enableTotp(user.access());
        JsonNode problem = assertProblem(http.login(user.name(), PASSWORD), 403, "mfa_required");
        assertThat(problem.path("mfa_methods").toString()).isEqualTo("[\"totp\",\"recovery_code\",\"passkey\"]");
        String mfaToken = problem.path("mfa_token").asText();

        Http.Reply options = http.postJson("/auth/passkeys/login/options", Http.json("mfa_token", mfaToken), null);
        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        JsonNode publicKey = options.json().path("publicKey");
        assertThat(publicKey.path("allowCredentials").toString())
                .isEqualTo("[{\"type\":\"public-key\",\"id\":\"" + authenticator.id() + "\"}]");
        String ceremony = options.field("ceremony");
        String credential = authenticator.assertion(publicKey.path("challenge").asText());
        refused(http.postJson("/auth/passkeys/login", ceremonyBody(ceremony, credential, null), null),
                "ceremony");

        options = http.postJson("/auth/passkeys/login/options", Http.json("mfa_token", mfaToken), null);
        ceremony = options.field("ceremony");
        credential = authenticator.assertion(options.json().path("publicKey").path("challenge").asText());
        Http.Reply verified = http.postJson("/auth/mfa/verify", "{\"mfa_token\":\"" + mfaToken + "\","
                + ceremonyBody(ceremony, credential, null).substring(1), null);
        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        Http.Reply check = http.get("/auth/check", verified.field("access_token"));
        assertThat(check.json().path("aal").asInt()).isEqualTo(2);
        assertThat(check.json().path("amr").toString()).isEqualTo("[\"pwd\",\"hwk\",\"user\",\"mfa\"]");
        assertProblem(http.postJson("/auth/mfa/verify", "{\"mfa_token\":\"" + mfaToken + "\","
                + ceremonyBody(ceremony, credential, null).substring(1), null), 401, "invalid_grant");
        assertProblem(http.postJson("/auth/passkeys/login/options", Http.json("mfa_token", mfaToken), null), 401,
                "invalid_grant");
    }

    @Test
    void anMfaCeremonyIsBoundToItsMfaTokenAndUser() {
        Account user = account();
        SoftAuthenticator authenticator = enrolled(user.access());
        enableTotp(user.access());
        String first = assertProblem(http.login(user.name(), PASSWORD), 403, "mfa_required").path("mfa_token")
                .asText();
        String second = assertProblem(http.login(user.name(), PASSWORD), 403, "mfa_required").path("mfa_token")
                .asText();
        Http.Reply options = http.postJson("/auth/passkeys/login/options", Http.json("mfa_token", first), null);
        String credential = authenticator.assertion(options.json().path("publicKey").path("challenge").asText());
        assertProblem(http.postJson("/auth/mfa/verify", "{\"mfa_token\":\"" + second + "\","
                + ceremonyBody(options.field("ceremony"), credential, null).substring(1), null), 401, "invalid_code");

        // Another user's passkey cannot be the second factor.
        Account other = account();
        SoftAuthenticator othersKey = enrolled(other.access());
        options = http.postJson("/auth/passkeys/login/options", Http.json("mfa_token", second), null);
        credential = othersKey.assertion(options.json().path("publicKey").path("challenge").asText());
        assertProblem(http.postJson("/auth/mfa/verify", "{\"mfa_token\":\"" + second + "\","
                + ceremonyBody(options.field("ceremony"), credential, null).substring(1), null), 401, "invalid_code");
        assertThat(failures().get(failures().size() - 1).details())
                .containsEntry("reason", "credential_of_another_user");

        // The token survived both wrong steps (fewer than five): the right passkey still finishes the login.
        options = http.postJson("/auth/passkeys/login/options", Http.json("mfa_token", second), null);
        credential = authenticator.assertion(options.json().path("publicKey").path("challenge").asText());
        assertThat(http.postJson("/auth/mfa/verify", "{\"mfa_token\":\"" + second + "\","
                + ceremonyBody(options.field("ceremony"), credential, null).substring(1), null).status())
                .isEqualTo(200);
        assertProblem(http.postJson("/auth/passkeys/login/options", Http.json("mfa_token", "x".repeat(43)), null),
                401, "invalid_grant");
    }

    @Test
    void reauthWithAPasskeyRaisesAuthTimeAndAal() {
        Account user = account();
        SoftAuthenticator authenticator = enrolled(user.access());
        server.clock().advance(java.time.Duration.ofSeconds(60));
        Http.Reply options = http.postWithToken("/auth/passkeys/reauth/options", user.access());
        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        JsonNode publicKey = options.json().path("publicKey");
        assertThat(publicKey.path("allowCredentials").get(0).path("id").asText()).isEqualTo(authenticator.id());
        String credential = authenticator.assertion(publicKey.path("challenge").asText());
        Http.Reply reauth = http.postJson("/auth/reauth", ceremonyBody(options.field("ceremony"), credential, null),
                user.access());
        assertThat(reauth.status()).as(reauth.toString()).isEqualTo(200);
        assertThat(reauth.json().path("aal").asInt()).isEqualTo(2);
        assertThat(reauth.json().path("amr").toString()).contains("hwk");
        assertThat(reauth.json().path("auth_time").asLong()).isEqualTo(server.clock().instant().getEpochSecond());

        // A reauth ceremony of another session (or a login ceremony) does not re-authenticate this one.
        String other = http.login(user.name(), PASSWORD).field("access_token");
        options = http.postWithToken("/auth/passkeys/reauth/options", other);
        credential = authenticator.assertion(options.json().path("publicKey").path("challenge").asText());
        refused(http.postJson("/auth/reauth", ceremonyBody(options.field("ceremony"), credential, null),
                user.access()), "ceremony");
        Started login = loginOptions();
        refused(http.postJson("/auth/reauth", ceremonyBody(login.ceremony(),
                authenticator.assertion(login.challenge()), null), user.access()), "ceremony");
    }

    // ---- management -----------------------------------------------------------------------------------------------

    @Test
    void anotherUsersPasskeyIsNotFound() {
        SoftAuthenticator theirs = enrolled(account().access());
        Account me = account();
        assertProblem(http.send("DELETE", "/auth/passkeys/" + theirs.id(), null, new byte[0], auth(me.access())),
                404, "not_found");
        assertProblem(http.send("PATCH", "/auth/passkeys/" + theirs.id(), "application/json",
                Http.json("name", "mine now").getBytes(StandardCharsets.UTF_8), auth(me.access())), 404, "not_found");
        assertProblem(http.send("DELETE", "/auth/passkeys/nope", null, new byte[0], auth(me.access())), 404,
                "not_found");
    }

    @Test
    void theLastPasskeyOfAUserWithoutPasswordCannotBeRemoved() {
        UserRecord created = server.accessPass().userStore().create(new NewUser("nopw" + NAMES.incrementAndGet(), null, false, null,
                Set.of(), server.clock().instant()));
        String access = server.accessPass().openSession(created.id(), Map.of()).accessToken();
        SoftAuthenticator first = enrolled(access);
        SoftAuthenticator second = enrolled(access);
        assertThat(http.send("DELETE", "/auth/passkeys/" + first.id(), null, new byte[0], auth(access)).status())
                .isEqualTo(204);
        assertProblem(http.send("DELETE", "/auth/passkeys/" + second.id(), null, new byte[0], auth(access)), 409,
                "last_login_method");
        assertThat(login(second).status()).as("still a way in").isEqualTo(200);
    }
}
