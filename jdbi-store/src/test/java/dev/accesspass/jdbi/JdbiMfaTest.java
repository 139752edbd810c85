package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.servlet.testing.MfaJourneyContract;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.Race;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The second-factor journeys of API.md §8 on the JDBI stores and a real PostgreSQL, and what only a shared database
 * can show: two instances racing one TOTP code accept it exactly once.
 */
class JdbiMfaTest extends MfaJourneyContract {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();

    @Override
    protected TestServer.Builder serverBuilder() {
        return TestServer.builder().set("store", "jdbc").set("jdbc-url", POSTGRES.jdbcUrl())
                .set("jdbc-user", "postgres");
    }

    @Test
    void twoInstancesRacingOneCodeAcceptItExactlyOnce() throws Exception {
        try (TestServer other = serverBuilder().set("login-max-attempts", "30").clock(server().clock()).start()) {
            Enrolled user = enroll();
            for (int round = 1; round <= 3; round++) {
                List<String> tokens = new java.util.ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    tokens.add(mfaToken(user.name()));
                }
                String code = code(user.secret(), 1);
                Http here = server().http();
                Http there = other.http();
                List<Http.Reply> replies = Race.race(8, i -> () -> (i % 2 == 0 ? here : there).postJson(
                        "/auth/mfa/verify", Http.json("mfa_token", tokens.get(i), "code", code), null));
                assertThat(replies).as("round %d", round).filteredOn(reply -> reply.status() == 200).hasSize(1);
                assertThat(replies).extracting(Http.Reply::status).isSubsetOf(200, 401, 429);
                server().clock().advance(java.time.Duration.ofSeconds(30));
            }
        }
    }
}
