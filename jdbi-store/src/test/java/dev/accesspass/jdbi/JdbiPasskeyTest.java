package dev.accesspass.jdbi;

import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accesspass.servlet.testing.PasskeyJourneyContract;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.Race;
import dev.accesspass.testing.SoftAuthenticator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The passkey journeys of API.md §10 on the JDBI stores and a real PostgreSQL, and what only a shared database can
 * show: a ceremony started on one instance finishes on the other, and two instances racing one assertion (the same
 * signed counter) accept it exactly once.
 */
class JdbiPasskeyTest extends PasskeyJourneyContract {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();

    @Override
    protected TestServer.Builder serverBuilder() {
        return TestServer.builder().set("store", "jdbc").set("jdbc-url", POSTGRES.jdbcUrl())
                .set("jdbc-user", "postgres");
    }

    private TestServer second() {
        return serverBuilder().set("webauthn-rp-id", RP_ID).set("webauthn-origins", ORIGIN)
                .set("register-max-per-address", "0").clock(server().clock()).start();
    }

    @Test
    void aCeremonyStartedOnOneInstanceFinishesOnTheOther() {
        try (TestServer other = second()) {
            Http there = other.http();
            Account user = account();
            // Registration: options here, the credential there.
            Http.Reply options = http().postWithToken("/auth/passkeys/register/options", user.access());
            JsonNode publicKey = options.json().path("publicKey");
            SoftAuthenticator authenticator = new SoftAuthenticator(RP_ID, ORIGIN);
            String credential = authenticator.register(publicKey.path("challenge").asText(),
                    publicKey.path("user").path("id").asText());
            Http.Reply added = there.postJson("/auth/passkeys/register",
                    ceremonyBody(options.field("ceremony"), credential, null), user.access());
            assertThat(added.status()).as(added.toString()).isEqualTo(201);

            // Login: options there, the assertion here; then the same ceremony is dead on both.
            Http.Reply login = there.postJson("/auth/passkeys/login/options", "{}", null);
            String ceremony = login.field("ceremony");
            String assertion = authenticator.assertion(login.json().path("publicKey").path("challenge").asText());
            Http.Reply signedIn = http().postJson("/auth/passkeys/login", ceremonyBody(ceremony, assertion, null),
                    null);
            assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
            assertProblem(there.postJson("/auth/passkeys/login", ceremonyBody(ceremony, assertion, null), null), 401,
                    "invalid_credentials");
            assertThat(there.get("/auth/passkeys", signedIn.field("access_token")).json().path("passkeys")
                    .get(0).path("last_used_at").isNull()).isFalse();
        }
    }

    @Test
    void twoInstancesRacingOneAssertionCounterAcceptItOnce() throws Exception {
        try (TestServer other = second()) {
            Http here = http();
            Http there = other.http();
            SoftAuthenticator authenticator = new SoftAuthenticator(RP_ID, ORIGIN);
            authenticator.counter = 1;
            assertThat(addPasskey(account().access(), authenticator, null).status()).isEqualTo(201);
            for (int round = 0; round < 3; round++) {
                // Eight ceremonies, each answered with the same counter value (a cloned authenticator in eight
                // places): the counter's compare-and-set lets exactly one through.
                List<String[]> started = new java.util.ArrayList<>();
                long counter = 2 + round;
                for (int i = 0; i < 8; i++) {
                    Http.Reply options = (i % 2 == 0 ? here : there).postJson("/auth/passkeys/login/options", "{}",
                            null);
                    authenticator.counter = counter;
                    started.add(new String[] {options.field("ceremony"),
                            authenticator.assertion(options.json().path("publicKey").path("challenge").asText())});
                }
                List<Http.Reply> replies = Race.race(8, i -> () -> (i % 2 == 0 ? there : here).postJson(
                        "/auth/passkeys/login", ceremonyBody(started.get(i)[0], started.get(i)[1], null), null));
                assertThat(replies).as("round %d", round).filteredOn(reply -> reply.status() == 200).hasSize(1);
                assertThat(replies).extracting(Http.Reply::status).isSubsetOf(200, 401);
            }
        }
    }
}
