package dev.accesspass;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenStore;
import dev.accesspass.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link KnownDevices}: what counts as a valid device cookie for a user (API.md §12; SR-75). */
class KnownDevicesTest {
    private final MutableClock clock = MutableClock.startingNow();
    private final TokenStore store = TokenStore.inMemory();
    private final KnownDevices devices = new KnownDevices(store, clock);
    private final UserId alice = new UserId("alice");
    private final UserId bob = new UserId("bob");

    private static ClientContext cookie(String value) {
        return new ClientContext("192.0.2.1", null, value);
    }

    @Test
    void sr75_aRememberedBrowserIsKnownToItsUserOnlyAndOnlyForAYear() {
        String value = devices.remember(alice, ClientContext.none());

        assertThat(devices.isKnown(alice, cookie(value))).isTrue();
        assertThat(devices.isKnown(bob, cookie(value))).as("another user's cookie").isFalse();
        assertThat(devices.isKnown(alice, ClientContext.none())).isFalse();
        assertThat(devices.isKnown(alice, cookie(Secrets.newToken()))).as("forged").isFalse();
        assertThat(devices.isKnown(alice, cookie("garbage;" + value))).isFalse();
        assertThat(devices.isKnown(alice, cookie(value + "." + "x".repeat(300)))).as("overlong").isFalse();
        assertThat(store.findKnownDevice(TokenHash.of(value), clock.instant())).as("only the digest is kept")
                .contains(alice);

        clock.advance(Duration.ofDays(365));
        assertThat(devices.isKnown(alice, cookie(value))).as("expired").isFalse();
    }

    @Test
    void sr75_oneBrowserHoldsTokensForAFewUsersTheOldestBeyondTheBoundGo() {
        String value = null;
        UserId[] users = new UserId[KnownDevices.MAX_PER_BROWSER + 1];
        for (int i = 0; i < users.length; i++) {
            users[i] = new UserId("user" + i);
            value = devices.remember(users[i], value == null ? ClientContext.none() : cookie(value));
        }
        assertThat(value.split("\\.")).hasSize(KnownDevices.MAX_PER_BROWSER);
        assertThat(devices.isKnown(users[0], cookie(value))).as("the oldest dropped").isFalse();
        for (int i = 1; i < users.length; i++) {
            assertThat(devices.isKnown(users[i], cookie(value))).isTrue();
        }
        String again = devices.remember(users[3], cookie(value));
        assertThat(again.split("\\.")).hasSize(KnownDevices.MAX_PER_BROWSER);
        assertThat(again).as("a known token is renewed, not replaced").startsWith(value.split("\\.")[2]);
    }
}
