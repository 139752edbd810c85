package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.password.CountingHasher;
import dev.accesspass.store.TokenHash;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.ProblemAssert;
import dev.accesspass.testing.RawTokens;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.servlet.testing.ThrottleScenarios;
import dev.accesspass.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The throttling and known-device scenarios of the filter's {@code ThrottleAbuseTest} on two AccessPass instances
 * (two Jetty servers) over one PostgreSQL database, requests alternating between them: every counter and every
 * known device is shared, so neither instance lets through what the other has counted (SR-28, SR-74, SR-75).
 */
class JdbiThrottleTest {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();
    private static final MutableClock CLOCK = MutableClock.startingNow();
    private static final CountingHasher HASHER_A = CountingHasher.weak();
    private static final CountingHasher HASHER_B = CountingHasher.weak();
    private static TestServer a;
    private static TestServer b;
    private static ThrottleScenarios scenarios;

    private static TestServer start(CountingHasher hasher, String addressLimit) {
        return TestServer.builder().clock(CLOCK).hasher(hasher).set("store", "jdbc")
                .set("jdbc-url", POSTGRES.jdbcUrl()).set("jdbc-user", "postgres")
                .set("register-max-per-address", "0").set("login-address-max-attempts", addressLimit).start();
    }

    @BeforeAll
    static void startBoth() {
        a = start(HASHER_A, "100");
        b = start(HASHER_B, "100");
        scenarios = new ThrottleScenarios(a, b);
    }

    @AfterAll
    static void stopBoth() {
        a.close();
        b.close();
    }

    @Test
    void sr74_hundredParallelWrongPasswordsOverTwoInstancesVerifyAtMostTheLimit() throws Exception {
        scenarios.parallelWrongPasswordsVerifyAtMostTheLimit(ThrottleScenarios.verifiesOf(HASHER_A, HASHER_B));
    }

    @Test
    void sr75_sixFailuresForOneAccountLockItButNotTheAddressOnBothInstances() {
        scenarios.anAccountLockDoesNotLockItsAddress();
    }

    @Test
    void sr75_theAddressLimitIsSharedByBothInstances() {
        try (TestServer limitedA = start(CountingHasher.weak(), "8");
             TestServer limitedB = start(CountingHasher.weak(), "8")) {
            new ThrottleScenarios(limitedA, limitedB).theAddressLimitEngagesAtItsOwnMaximum(8);
        }
    }

    @Test
    void sr75_aDeviceKnownOnOneInstanceIsKnownOnTheOther() {
        scenarios.aKnownDeviceIsNotLockedOutByFailuresFromElsewhere();
    }

    @Test
    void sr30_aFourThousandCharacterUsernameIs400NotAnIndexOverflow() {
        for (String name : List.of("n".repeat(4000), "\uFDFA".repeat(4000))) {
            Http.Reply reply = a.raw().login("127.0.0.151", name, "whatever password");
            ProblemAssert.assertProblem(reply, 400, "validation_failed");
        }
        ProblemAssert.assertProblem(b.raw().login("127.0.0.151", "n".repeat(254), "whatever password"), 401,
                "invalid_credentials");
    }

    @Test
    void sr02_aDeviceCookieIsStoredOnlyAsItsDigest() throws Exception {
        a.http().register("digested", ThrottleScenarios.PASSWORD);
        String cookie = ThrottleScenarios.deviceCookie(a.raw().login("127.0.0.150", "digested",
                ThrottleScenarios.PASSWORD)).orElseThrow();
        List<byte[]> stored = new ArrayList<>();
        try (Connection connection = POSTGRES.connect();
             ResultSet rows = connection.createStatement().executeQuery(
                     "SELECT digest, user_id FROM accesspass_known_devices")) {
            while (rows.next()) {
                stored.add(rows.getBytes(1));
                stored.add(rows.getString(2).getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(stored).anySatisfy(digest -> assertThat(digest).isEqualTo(TokenHash.of(cookie).bytes()));
        RawTokens.assertNoneStored(stored, List.of(cookie), "device cookie");
    }

    @Test
    void sr75_oneBrowserMayBeKnownToAFewUsersOnBothInstances() {
        scenarios.oneBrowserMayBeKnownToAFewUsers();
    }
}
