package dev.accesspass;

import static dev.accesspass.SpecRig.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

import dev.accesspass.store.TokenStore;
import dev.accesspass.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link LoginThrottle} on the in-memory store with a moving clock (SR-28, SR-29). */
class LoginThrottleSpecTest {
    private static final Duration WINDOW = Duration.ofSeconds(900);

    private final MutableClock clock = MutableClock.startingNow();
    private final TokenStore store = TokenStore.inMemory();
    private final LoginThrottle throttle = new LoginThrottle(store, clock, 3, WINDOW, 20);

    @Test
    void sr28_failuresBelowTheMaximumPassAndTheMaximumThrottlesForTheRestOfTheWindow() {
        throttle.recordFailure("user:1", "198.51.100.1");
        throttle.recordFailure("user:1", "198.51.100.2");
        assertThatNoException().isThrownBy(() -> throttle.check("user:1", "198.51.100.3"));

        throttle.recordFailure("user:1", "198.51.100.3");
        clock.advance(Duration.ofMillis(100_500));
        AccessPassException throttled = failure(() -> throttle.check("user:1", "198.51.100.4"));

        assertThat(throttled.code()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThat(throttled.retryAfter()).as("rounded up to whole seconds").contains(Duration.ofSeconds(800));
        assertThat(failure(() -> throttle.check("user:1", null)).code()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
    }

    @Test
    void sr28_retryAfterIsAtLeastOneSecondAndTheWindowEndsOnTime() {
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("user:1", null);
        }
        clock.advance(WINDOW.minusMillis(1));
        assertThat(failure(() -> throttle.check("user:1", null)).retryAfter()).contains(Duration.ofSeconds(1));

        clock.advance(Duration.ofMillis(1));
        assertThatNoException().isThrownBy(() -> throttle.check("user:1", null));
    }

    @Test
    void sr29_aClientAddressIsThrottledWhateverAccountItTries() {
        throttle.recordFailure("user:1", "198.51.100.1");
        throttle.recordFailure("user:2", "198.51.100.1");
        throttle.recordFailure("name:ghost", "198.51.100.1");

        assertThat(failure(() -> throttle.check("user:3", "198.51.100.1")).code())
                .isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThatNoException().isThrownBy(() -> throttle.check("user:3", "198.51.100.2"));
        assertThatNoException().isThrownBy(() -> throttle.check("user:1", null));
    }

    @Test
    void sr29_failuresWithoutAnAddressCountForTheAccountOnly() {
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("user:1", null);
        }

        assertThat(failure(() -> throttle.check("user:1", "198.51.100.1")).code())
                .isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThatNoException().isThrownBy(() -> throttle.check("user:2", "198.51.100.1"));
    }

    @Test
    void sr28_whenBothKeysAreThrottledTheLaterWindowEndDecidesRetryAfter() {
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("user:early", null);
        }
        clock.advance(Duration.ofSeconds(300));
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("user:late", "198.51.100.1");
        }

        // Account window ends at 900 s, the address window at 1200 s; now is 300 s.
        assertThat(failure(() -> throttle.check("user:early", "198.51.100.1")).retryAfter())
                .contains(Duration.ofSeconds(900));
    }

    @Test
    void sr28_anAddressWindowEndingFirstDoesNotShortenTheAccountsRetryAfter() {
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("user:other", "198.51.100.1");
        }
        clock.advance(Duration.ofSeconds(300));
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("user:late", null);
        }

        // Address window ends at 900 s, the account window at 1200 s; now is 300 s.
        assertThat(failure(() -> throttle.check("user:late", "198.51.100.1")).retryAfter())
                .contains(Duration.ofSeconds(900));
        clock.advance(Duration.ofSeconds(600));
        assertThat(failure(() -> throttle.check("user:late", "198.51.100.1")).retryAfter())
                .as("the address window is over; the account's still runs").contains(Duration.ofSeconds(300));
    }

    @Test
    void sr29_clearingTheAccountLeavesTheAddressCounted() {
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("user:1", "198.51.100.1");
        }

        throttle.clearAccount("user:1");

        assertThatNoException().isThrownBy(() -> throttle.check("user:1", "198.51.100.2"));
        assertThat(failure(() -> throttle.check("user:1", "198.51.100.1")).code())
                .isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
    }

    @Test
    void accountAndAddressKeysLiveInSeparateNamespaces() {
        assertThat(LoginThrottle.accountKey("x")).isNotEqualTo(LoginThrottle.addressKey("x"));
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("198.51.100.1", null);
        }
        assertThatNoException().isThrownBy(() -> throttle.check("user:2", "198.51.100.1"));
    }
}
