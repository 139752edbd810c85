package dev.accesspass.servlet.testing;

import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.password.CountingHasher;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.Race;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The throttling and known-device scenarios over HTTP, for any two servers: the same server twice on the memory
 * store, or two instances on one database, where every counter and device must be shared. Requests alternate
 * between {@code a} and {@code b} and come from chosen loopback addresses (127.0.0.x), so the per-address and
 * per-account counters can be told apart. Both servers must share one clock, be fresh, and run the default
 * {@code login-max-attempts} (5) and {@code login-window} (900 s).
 */
public final class ThrottleScenarios {
    public static final String PASSWORD = "correct horse battery";
    public static final String DEVICE_COOKIE = "__Host-accesspass-device";

    private final TestServer a;
    private final TestServer b;

    public ThrottleScenarios(TestServer a, TestServer b) {
        this.a = a;
        this.b = b;
    }

    private TestServer at(int i) {
        return i % 2 == 0 ? a : b;
    }

    public static void assertThrottled(Http.Reply reply) {
        assertProblem(reply, 429, "too_many_attempts");
        String retryAfter = reply.header("Retry-After").orElseThrow();
        assertThat(retryAfter).matches("[0-9]+");
        assertThat(Integer.parseInt(retryAfter)).isBetween(1, 900);
    }

    /** The device cookie a reply sets, without its attributes. */
    public static Optional<String> deviceCookie(Http.Reply reply) {
        return reply.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Set-Cookie"))
                .flatMap(e -> e.getValue().stream()).filter(v -> v.startsWith(DEVICE_COOKIE + "="))
                .map(v -> v.substring(DEVICE_COOKIE.length() + 1, v.indexOf(';'))).findFirst();
    }

    private static String cookieHeader(String value) {
        return "Cookie: " + DEVICE_COOKIE + "=" + value;
    }

    /** 100 parallel wrong passwords for one account: at most 5 reach the hasher, the rest get 429. */
    public void parallelWrongPasswordsVerifyAtMostTheLimit(IntSupplier verifies) throws Exception {
        a.http().register("racer", PASSWORD);
        int before = verifies.getAsInt();
        List<Http.Reply> replies = Race.race(100, i -> () ->
                at(i).raw().login("127.0.0." + (10 + i), "racer", "wrong password " + i));

        long refused = replies.stream().filter(r -> r.status() == 401).count();
        long throttled = replies.stream().filter(r -> r.status() == 429).count();
        assertThat(refused).as("verified and refused").isLessThanOrEqualTo(5);
        assertThat(refused + throttled).isEqualTo(100);
        assertThat(verifies.getAsInt() - before).as("hashes computed").isLessThanOrEqualTo(5);
        assertThrottled(a.raw().login("127.0.0.200", "racer", PASSWORD));
    }

    /** Six failures for X from one address lock X, not Y from that same address. */
    public void anAccountLockDoesNotLockItsAddress() {
        a.http().register("xavier", PASSWORD);
        b.http().register("yvonne", PASSWORD);
        for (int i = 0; i < 5; i++) {
            assertProblem(at(i).raw().login("127.0.0.20", "xavier", "typo " + i), 401, "invalid_credentials");
        }
        assertThrottled(a.raw().login("127.0.0.20", "xavier", "typo 5"));
        assertThrottled(b.raw().login("127.0.0.21", "xavier", PASSWORD));
        assertThat(b.raw().login("127.0.0.20", "yvonne", PASSWORD).status()).isEqualTo(200);
        assertThat(a.raw().login("127.0.0.20", "yvonne", PASSWORD).status()).isEqualTo(200);

        a.clock().advance(Duration.ofSeconds(900));
        assertThat(b.raw().login("127.0.0.20", "xavier", PASSWORD).status()).isEqualTo(200);
    }

    /** {@code limit} failures for distinct names from one address, then that address is refused; others are not. */
    public void theAddressLimitEngagesAtItsOwnMaximum(int limit) {
        a.http().register("quinn", PASSWORD);
        for (int i = 0; i < limit; i++) {
            assertProblem(at(i).raw().login("127.0.0.230", "sprayed" + i, "guess"), 401, "invalid_credentials");
        }
        assertThrottled(a.raw().login("127.0.0.230", "sprayed-next", "guess"));
        assertThrottled(b.raw().login("127.0.0.230", "quinn", PASSWORD));
        assertThat(a.raw().login("127.0.0.231", "quinn", PASSWORD).status()).isEqualTo(200);

        a.clock().advance(Duration.ofSeconds(900));
        assertThat(b.raw().login("127.0.0.230", "quinn", PASSWORD).status()).isEqualTo(200);
    }

    /**
     * The victim's browser is known; an attacker without its cookie locks the account; the victim still logs in,
     * on either instance. The device's own failures lock only that device; forged, foreign and expired cookies
     * count as none.
     */
    public void aKnownDeviceIsNotLockedOutByFailuresFromElsewhere() {
        a.http().register("victim", PASSWORD);
        b.http().register("bystander", PASSWORD);
        String device = deviceCookie(a.raw().login("127.0.0.40", "victim", PASSWORD)).orElseThrow();
        String laptop = deviceCookie(b.raw().login("127.0.0.41", "victim", PASSWORD)).orElseThrow();
        String foreign = deviceCookie(a.raw().login("127.0.0.42", "bystander", PASSWORD)).orElseThrow();

        for (int i = 0; i < 5; i++) {
            at(i).raw().login("127.0.0." + (50 + i), "victim", "attacker guess " + i);
        }
        assertThrottled(a.raw().login("127.0.0.40", "victim", PASSWORD));
        Http.Reply known = b.raw().login("127.0.0.40", "victim", PASSWORD, cookieHeader(device));
        assertThat(known.status()).as("the known device gets in").isEqualTo(200);
        assertThat(deviceCookie(known)).as("and keeps its token").contains(device);

        assertThrottled(a.raw().login("127.0.0.43", "victim", PASSWORD, cookieHeader("A".repeat(43))));
        assertThrottled(b.raw().login("127.0.0.43", "victim", PASSWORD, cookieHeader("not a token at all")));
        assertThrottled(a.raw().login("127.0.0.43", "victim", PASSWORD, cookieHeader(foreign)));

        for (int i = 0; i < 5; i++) {
            assertProblem(at(i).raw().login("127.0.0.44", "victim", "my own typo " + i, cookieHeader(device)),
                    401, "invalid_credentials");
        }
        assertThrottled(b.raw().login("127.0.0.44", "victim", PASSWORD, cookieHeader(device)));
        assertThat(a.raw().login("127.0.0.45", "victim", PASSWORD, cookieHeader(laptop)).status())
                .as("the device's own failures lock only it").isEqualTo(200);

        a.clock().advance(Duration.ofDays(366));
        for (int i = 0; i < 5; i++) {
            at(i).raw().login("127.0.0." + (60 + i), "victim", "attacker again " + i);
        }
        assertThrottled(b.raw().login("127.0.0.46", "victim", PASSWORD, cookieHeader(laptop)));
    }

    /** One browser known to two users keeps both tokens in its one cookie. */
    public void oneBrowserMayBeKnownToAFewUsers() {
        a.http().register("first", PASSWORD);
        a.http().register("second", PASSWORD);
        String one = deviceCookie(a.raw().login("127.0.0.70", "first", PASSWORD)).orElseThrow();
        String both = deviceCookie(b.raw().login("127.0.0.70", "second", PASSWORD, cookieHeader(one))).orElseThrow();
        assertThat(both.split("\\.")).hasSize(2).contains(one);

        for (int i = 0; i < 5; i++) {
            at(i).raw().login("127.0.0." + (80 + i), "first", "guess " + i);
            at(i).raw().login("127.0.0." + (90 + i), "second", "guess " + i);
        }
        assertThat(a.raw().login("127.0.0.70", "first", PASSWORD, cookieHeader(both)).status()).isEqualTo(200);
        assertThat(b.raw().login("127.0.0.70", "second", PASSWORD, cookieHeader(both)).status()).isEqualTo(200);
    }

    /** The hasher calls of both servers together. */
    public static IntSupplier verifiesOf(CountingHasher... hashers) {
        return () -> {
            int total = 0;
            for (CountingHasher hasher : hashers) {
                total += hasher.allVerifies();
            }
            return total;
        };
    }
}
