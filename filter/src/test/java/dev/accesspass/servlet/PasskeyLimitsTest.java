package dev.accesspass.servlet;

import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accesspass.AccessPass;
import dev.accesspass.mail.MailMessage;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.store.Identity;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.UserRecord;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.SoftAuthenticator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What surrounds the passkey ceremonies: the unauthenticated login options are bounded per client address and the
 * registration and re-authentication options per user (each call keeps a challenge for 300 s), passkeys are off without a relying party, a passkey counts as a way in for
 * the removal of the last identity, and adding or removing one mails a security notice.
 */
class PasskeyLimitsTest {
    private static final String PASSWORD = "correct horse battery";
    private static final String ORIGIN = "http://localhost:8123";
    private static TestServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.builder().set("webauthn-rp-id", "localhost").set("webauthn-origins", ORIGIN)
                .set("login-address-max-attempts", "5").start();
        http = server.http();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void loginOptionsAreCountedPerAddressAndRefusedWith429BeyondTheLimit() {
        String first = null;
        for (int i = 0; i < 5; i++) {
            Http.Reply options = http.postJson("/auth/passkeys/login/options", "{}", null);
            assertThat(options.status()).as("call %d", i).isEqualTo(200);
            first = first == null ? options.field("ceremony") : first;
        }
        Http.Reply refused = http.postJson("/auth/passkeys/login/options", "{}", null);
        assertProblem(refused, 429, "too_many_attempts");
        assertThat(refused.header("Retry-After")).isPresent();
        assertThat(refused.field("ceremony")).as("no challenge kept").isNull();
        server.clock().advance(java.time.Duration.ofSeconds(301));
        assertThat(http.postJson("/auth/passkeys/login/options", "{}", null).status()).as("a new window")
                .isEqualTo(200);
        // The ceremonies of the first window expired with it.
        SoftAuthenticator nobody = new SoftAuthenticator("localhost", ORIGIN);
        assertProblem(http.postJson("/auth/passkeys/login", "{\"ceremony\":\"" + first + "\",\"credential\":"
                + nobody.assertion("AAAA") + "}", null), 401, "invalid_credentials");
    }

    @Test
    void registrationAndReauthenticationOptionsAreCountedPerUserAndRefusedWith429BeyondTheLimit() {
        String access = http.register("manyceremonies", PASSWORD).field("access_token");
        // login-address-max-attempts is 5 here, for both kinds together.
        for (int i = 0; i < 5; i++) {
            String route = i % 2 == 0 ? "/auth/passkeys/register/options" : "/auth/passkeys/reauth/options";
            assertThat(http.postWithToken(route, access).status()).as("call %d", i).isEqualTo(200);
        }
        Http.Reply refused = http.postWithToken("/auth/passkeys/register/options", access);
        assertProblem(refused, 429, "too_many_attempts");
        assertThat(refused.header("Retry-After")).isPresent();
        assertProblem(http.postWithToken("/auth/passkeys/reauth/options", access), 429, "too_many_attempts");
        // Another account is counted on its own.
        String other = http.register("fewceremonies", PASSWORD).field("access_token");
        assertThat(http.postWithToken("/auth/passkeys/register/options", other).status()).isEqualTo(200);
        server.clock().advance(java.time.Duration.ofSeconds(301));
        String later = http.login("manyceremonies", PASSWORD).field("access_token");
        assertThat(http.postWithToken("/auth/passkeys/register/options", later).status()).as("a new window")
                .isEqualTo(200);
    }

    @Test
    void withoutARelyingPartyThePasskeyRoutesAre404() {
        try (TestServer off = TestServer.builder().start()) {
            assertProblem(off.http().postJson("/auth/passkeys/login/options", "{}", null), 404, "not_found");
            String access = off.http().register("nopasskeys", PASSWORD).field("access_token");
            assertProblem(off.http().postWithToken("/auth/passkeys/register/options", access), 404, "not_found");
            assertThat(off.accessPass().passkeysEnabled()).isFalse();
        }
    }

    private static SoftAuthenticator enroll(String access) {
        Http.Reply options = http.postWithToken("/auth/passkeys/register/options", access);
        JsonNode publicKey = options.json().path("publicKey");
        SoftAuthenticator authenticator = new SoftAuthenticator("localhost", ORIGIN);
        String credential = authenticator.register(publicKey.path("challenge").asText(),
                publicKey.path("user").path("id").asText());
        Http.Reply added = http.postJson("/auth/passkeys/register", "{\"ceremony\":\"" + options.field("ceremony")
                + "\",\"credential\":" + credential + "}", access);
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        return authenticator;
    }

    @Test
    void aPasskeyIsAWayInWhenTheLastIdentityGoes() {
        AccessPass accessPass = server.accessPass();
        UserRecord user = accessPass.userStore().create(new NewUser("oauthonly", "oauthonly@example.com", true,
                null, Set.of(), server.clock().instant()));
        accessPass.userStore().linkIdentity(user.id(), new Identity("github", "42", Map.of(),
                server.clock().instant()));
        String access = accessPass.openSession(user.id(), Map.of()).accessToken();
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + access);
        assertProblem(http.send("DELETE", "/auth/identities/github", null, null, bearer), 409, "last_login_method");
        SoftAuthenticator authenticator = enroll(access);
        assertThat(http.send("DELETE", "/auth/identities/github", null, null, bearer).status()).isEqualTo(204);
        assertProblem(http.send("DELETE", "/auth/passkeys/" + authenticator.id(), null, null, bearer), 409,
                "last_login_method");
    }

    @Test
    void sr84_addingAndRemovingAPasskeyMailsANotice() {
        String access = http.register("noticed", PASSWORD).field("access_token");
        SoftAuthenticator authenticator = enroll(access);
        List<MailMessage> added = MailTesting.awaitOutbox(server.accessPass(),
                m -> m.to().equals("noticed@example.com") && m.subject().equals("A passkey was added to your account"),
                1);
        assertThat(added.get(0).text()).contains("Passkey ");
        assertThat(http.send("DELETE", "/auth/passkeys/" + authenticator.id(), null, null,
                Map.of("Authorization", "Bearer " + access)).status()).isEqualTo(204);
        MailTesting.awaitOutbox(server.accessPass(), m -> m.to().equals("noticed@example.com")
                && m.subject().equals("A passkey was removed from your account"), 1);
    }
}
