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
}
