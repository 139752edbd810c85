package dev.accesspass;

import static dev.accesspass.SpecRig.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenStore;
import dev.accesspass.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link LoginThrottle} on the in-memory store with a moving clock (SR-28, SR-29, SR-74, SR-75). */
class LoginThrottleSpecTest {
    private static final Duration WINDOW = Duration.ofSeconds(900);
    private static final LoginThrottle.Key ONE = LoginThrottle.Key.user(new UserId("1"));
    private static final LoginThrottle.Key TWO = LoginThrottle.Key.user(new UserId("2"));

    private final MutableClock clock = MutableClock.startingNow();
    private final TokenStore store = TokenStore.inMemory();
    private final LoginThrottle throttle = new LoginThrottle(store, clock, AccessPassConfig.builder()
            .loginMaxAttempts(3).loginAddressMaxAttempts(5).loginWindow(WINDOW).build());

    private static ClientContext from(String address) {
        return ClientContext.of(address);
    }

    @Test
    void sr28_theAttemptsUpToTheMaximumPassAndTheNextIsRefusedForTheRestOfTheWindow() {
        throttle.reserve(ONE, from("198.51.100.1"));
        throttle.reserve(ONE, from("198.51.100.2"));
        throttle.reserve(ONE, from("198.51.100.3"));
        clock.advance(Duration.ofMillis(100_500));
        AccessPassException throttled = failure(() -> throttle.reserve(ONE, from("198.51.100.4")));

        assertThat(throttled.code()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThat(throttled.retryAfter()).as("rounded up to whole seconds").contains(Duration.ofSeconds(800));
        assertThat(failure(() -> throttle.reserve(ONE, null)).code()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
    }

    @Test
    void sr28_retryAfterIsAtLeastOneSecondAndTheWindowEndsOnTime() {
        for (int i = 0; i < 3; i++) {
            throttle.reserve(ONE, null);
        }
        clock.advance(WINDOW.minusMillis(1));
        assertThat(failure(() -> throttle.reserve(ONE, null)).retryAfter()).contains(Duration.ofSeconds(1));

        clock.advance(Duration.ofMillis(1));
        assertThatNoException().isThrownBy(() -> throttle.reserve(ONE, null));
    }

    @Test
    void sr75_theAddressLimitIsItsOwnAndLargerThanTheAccountLimit() {
        for (int i = 0; i < 5; i++) {
            throttle.reserve(LoginThrottle.Key.user(new UserId("u" + i)), from("198.51.100.1"));
        }

        assertThat(failure(() -> throttle.reserve(TWO, from("198.51.100.1"))).code())
                .isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThatNoException().isThrownBy(() -> throttle.reserve(TWO, from("198.51.100.2")));
    }

    @Test
    void sr75_oneAccountUsedUpFromAnAddressLeavesOtherAccountsFromThatAddressAlone() {
        for (int i = 0; i < 3; i++) {
            throttle.reserve(ONE, from("198.51.100.1"));
        }

        assertThat(failure(() -> throttle.reserve(ONE, from("198.51.100.1"))).code())
                .isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThatNoException().isThrownBy(() -> throttle.reserve(TWO, from("198.51.100.1")));
    }

    @Test
    void sr29_aSuccessClearsTheAccountAndGivesTheAddressItsAttemptBack() {
        throttle.reserve(ONE, from("198.51.100.1"));
        throttle.reserve(ONE, from("198.51.100.1"));
        throttle.reserve(ONE, from("198.51.100.1")).succeeded();

        assertThat(store.failedAttempts(throttle.addressKey("198.51.100.1").value(), clock.instant()).failures())
                .isEqualTo(2);
        for (int i = 0; i < 3; i++) {
            throttle.reserve(ONE, from("198.51.100.2"));
        }
    }

    @Test
    void sr75_aKnownDeviceIsJudgedByItsOwnFailuresOnly() {
        UserId alice = new UserId("alice");
        TokenHash device = TokenHash.of(Secrets.newToken());
        for (int i = 0; i < 3; i++) {
            throttle.reserveLogin("alice", alice, null, from("203.0.113." + i));
        }
        assertThat(failure(() -> throttle.reserveLogin("alice", alice, null, from("203.0.113.9"))).code())
                .isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);

        LoginThrottle.Attempt known = throttle.reserveLogin("alice", alice, device, from("198.51.100.1"));
        assertThat(known.mayVerify()).isTrue();
        throttle.reserveLogin("alice", alice, device, from("198.51.100.1"));
        throttle.reserveLogin("alice", alice, device, from("198.51.100.1"));
        assertThat(failure(() -> throttle.reserveLogin("alice", alice, device, from("198.51.100.1"))).code())
                .as("the device's own failures lock it").isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        TokenHash other = TokenHash.of(Secrets.newToken());
        assertThat(throttle.reserveLogin("alice", alice, other, from("198.51.100.1")).mayVerify())
                .as("...and only it").isTrue();
    }

    @Test
    void sr29_theSharedCounterRefusesSilentlySoNamesCannotBePaired() {
        UserId alice = new UserId("alice");
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.reserveLogin("alice", alice, null, null).mayVerify()).isTrue();
        }
        LoginThrottle.Attempt byEmail = throttle.reserveLogin("alice@example.org", alice, null, null);
        assertThat(byEmail.mayVerify()).as("the account has used up its guesses, the name has not").isFalse();
        assertThat(throttle.reserveLogin("bob@example.org", null, null, null).mayVerify()).isTrue();
    }

    @Test
    void sr75_ipv6IsCountedPerSlash64AndIpv4PerAddress() {
        assertThat(LoginThrottle.network("2001:db8:1:2:aaaa::1", 64)).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(LoginThrottle.network("2001:db8:1:2:ffff:1:2:3", 64)).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(LoginThrottle.network("[2001:db8:1:3::1]", 64)).isEqualTo("2001:db8:1:3:0:0:0:0/64");
        assertThat(LoginThrottle.network("fe80::1%eth0", 64)).isEqualTo("fe80:0:0:0:0:0:0:0/64");
        assertThat(LoginThrottle.network("2001:db8:1:2::1", 48)).isEqualTo("2001:db8:1:0:0:0:0:0/48");
        assertThat(LoginThrottle.network("198.51.100.7", 64)).isEqualTo("198.51.100.7");
        assertThat(LoginThrottle.network("not:an:address", 64)).isEqualTo("not:an:address");

        for (int i = 0; i < 5; i++) {
            throttle.reserve(LoginThrottle.Key.user(new UserId("u" + i)), from("2001:db8:1:2::" + (i + 1)));
        }
        assertThat(failure(() -> throttle.reserve(TWO, from("2001:db8:1:2:9::9"))).code())
                .as("another address of the same /64").isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThatNoException().isThrownBy(() -> throttle.reserve(TWO, from("2001:db8:1:3::1")));
    }

    @Test
    void keysAreFixedSizeDigestsWhateverTheyCount() {
        String huge = "\uFDFA".repeat(5000);
        assertThat(LoginThrottle.Key.identifier(huge).value()).hasSizeLessThanOrEqualTo(30);
        assertThat(LoginThrottle.Key.identifier("Alice").value()).isEqualTo(LoginThrottle.Key.identifier("alice").value());
        assertThat(LoginThrottle.Key.of("user", "x").value()).isNotEqualTo(LoginThrottle.Key.of("name", "x").value());
        assertThat(throttle.addressKey("2001:db8::1".repeat(10)).value()).hasSizeLessThanOrEqualTo(30);
    }
}
