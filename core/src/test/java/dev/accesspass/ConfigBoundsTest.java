package dev.accesspass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bounds of settings from the outside review (issue #10 item 8). */
class ConfigBoundsTest {
    @Test
    void refreshGraceIsAtMostSixtySeconds() {
        assertThat(AccessPassConfig.builder().set("refresh-grace", "60").build().refreshGrace())
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(AccessPassConfig.builder().set("refresh-grace", "0").build().refreshGrace()).isZero();
        assertThatThrownBy(() -> AccessPassConfig.builder().set("refresh-grace", "999999"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refresh-grace: \"999999\" is more than 60 seconds");
        assertThatThrownBy(() -> AccessPassConfig.builder().refreshGrace(Duration.ofSeconds(61)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("refresh-grace:");
    }

    @Test
    void sessionMaxLifetimeDefaultStaysAsTheContractFixesIt() {
        // API.md §5: 0 = no absolute cap; the README says why and what to set (ASVS 7.3.2).
        assertThat(AccessPassConfig.defaults().sessionMaxLifetime()).isZero();
    }

    @Test
    void registerMaxPerAddressHasABoundedRangeAndADefault() {
        assertThat(AccessPassConfig.defaults().registerMaxPerAddress()).isEqualTo(20);
        assertThat(AccessPassConfig.builder().set("register-max-per-address", "0").build().registerMaxPerAddress())
                .isZero();
        assertThatThrownBy(() -> AccessPassConfig.builder().set("register-max-per-address", "-1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("register-max-per-address:");
    }

    @Test
    void theThrottleAndBreachedPasswordKeysHaveTheContractsDefaultsAndBounds() {
        AccessPassConfig defaults = AccessPassConfig.defaults();
        assertThat(defaults.loginMaxAttempts()).isEqualTo(5);
        assertThat(defaults.loginAddressMaxAttempts()).isEqualTo(100);
        assertThat(defaults.loginIpv6Prefix()).isEqualTo(64);
        assertThat(defaults.breachedPasswordCheck()).isFalse();
        assertThat(defaults.breachedPasswordApiUrl()).hasToString("https://api.pwnedpasswords.com/range");

        AccessPassConfig set = AccessPassConfig.builder().set("login-address-max-attempts", "1000")
                .set("login-address-ipv6-prefix", "56").set("breached-password-check", "ON")
                .set("breached-password-api-url", "https://hibp.example/range").build();
        assertThat(set.loginAddressMaxAttempts()).isEqualTo(1000);
        assertThat(set.loginIpv6Prefix()).isEqualTo(56);
        assertThat(set.breachedPasswordCheck()).isTrue();
        assertThat(set.breachedPasswordApiUrl()).hasToString("https://hibp.example/range");

        assertThatThrownBy(() -> AccessPassConfig.builder().set("login-address-max-attempts", "0"))
                .hasMessage("login-address-max-attempts: 0 is outside 1..100000");
        assertThatThrownBy(() -> AccessPassConfig.builder().set("login-address-ipv6-prefix", "16"))
                .hasMessage("login-address-ipv6-prefix: 16 is outside 32..128");
        assertThatThrownBy(() -> AccessPassConfig.builder().set("breached-password-check", "maybe"))
                .hasMessage("breached-password-check: \"maybe\" is not on or off");
        assertThatThrownBy(() -> AccessPassConfig.builder().set("breached-password-api-url", "http://hibp.example/range"))
                .hasMessageStartingWith("breached-password-api-url: must use https");
    }
}
