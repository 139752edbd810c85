package dev.accesspass.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.AccessPassException;
import dev.accesspass.ClientContext;
import dev.accesspass.TokenResponse;
import dev.accesspass.password.CountingHasher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The meters count what a real AccessPass (memory store) does, without any framework. */
class MicrometerAuthMetricsTest {
    private static final String PASSWORD = "correct horse battery";
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AccessPass accessPass = AccessPass.builder(AccessPassConfig.builder()
                    .set("refresh-grace", "0").set("login-max-attempts", "2").build())
            .passwordHasher(CountingHasher.weak())
            .metrics(new MicrometerAuthMetrics(registry))
            .build();

    @AfterEach
    void close() {
        accessPass.close();
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void loginsRefreshesAndTokenChecksAreCountedByOutcome() {
        TokenResponse registered = accessPass.register("alice", "alice@example.com", PASSWORD, PASSWORD,
                ClientContext.of("10.0.0.1"), null).orElseThrow();
        TokenResponse login = accessPass.login("alice", PASSWORD, ClientContext.of("10.0.0.1"));
        assertThatThrownBy(() -> accessPass.login("alice", "wrong password!", ClientContext.of("10.0.0.1")))
                .isInstanceOf(AccessPassException.class);

        assertThat(count("accesspass.logins", "outcome", "success")).isEqualTo(1);
        assertThat(count("accesspass.logins", "outcome", "failure")).isEqualTo(1);

        assertThat(accessPass.authenticate(login.accessToken())).isPresent();
        assertThat(accessPass.authenticate("not-a-token")).isEmpty();
        assertThat(accessPass.authenticate(registered.accessToken() .replace(registered.accessToken().charAt(0),
                registered.accessToken().charAt(0) == 'A' ? 'B' : 'A'))).isEmpty();
        assertThat(count("accesspass.token.checks", "outcome", "valid")).isEqualTo(1);
        assertThat(count("accesspass.token.checks", "outcome", "invalid")).isEqualTo(2);

        TokenResponse rotated = accessPass.refresh(login.refreshToken());
        assertThat(rotated.refreshToken()).isNotEqualTo(login.refreshToken());
        assertThatThrownBy(() -> accessPass.refresh("garbage")).isInstanceOf(AccessPassException.class);
        // refresh-grace 0: the rotated-out token coming back is reuse, counted once as such.
        assertThatThrownBy(() -> accessPass.refresh(login.refreshToken())).isInstanceOf(AccessPassException.class);
        assertThat(count("accesspass.refreshes", "outcome", "rotated")).isEqualTo(1);
        assertThat(count("accesspass.refreshes", "outcome", "invalid")).isEqualTo(1);
        assertThat(count("accesspass.refreshes", "outcome", "reuse_detected")).isEqualTo(1);
        assertThat(count("accesspass.security.events", "type", "refresh_reuse_detected")).isEqualTo(1);
    }

    @Test
    void throttlingHashingAndStoreCallsAreMeasured() {
        accessPass.register("bob", "bob@example.com", PASSWORD, PASSWORD, ClientContext.of("10.0.0.2"), null);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> accessPass.login("bob", "wrong password!", ClientContext.of("10.0.0.2")))
                    .isInstanceOf(AccessPassException.class);
        }
        assertThat(count("accesspass.throttled")).isGreaterThanOrEqualTo(1);
        assertThat(registry.get("accesspass.password.hashing").tags("operation", "hash").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("accesspass.password.hashing").tags("operation", "verify").timer().count())
                .isGreaterThanOrEqualTo(2);
        assertThat(registry.get("accesspass.store.calls").tags("operation", "createSession", "outcome", "ok")
                .timer().count()).isEqualTo(1);
    }

    @Test
    void theSessionGaugeFollowsTheSessionsTheMemoryStoreHolds() {
        double before = registry.get("accesspass.sessions").gauge().value();
        TokenResponse carol = accessPass.register("carol", "carol@example.com", PASSWORD, PASSWORD,
                ClientContext.of("10.0.0.3"), null).orElseThrow();
        accessPass.login("carol", PASSWORD, ClientContext.of("10.0.0.3"));
        assertThat(registry.get("accesspass.sessions").gauge().value()).isEqualTo(before + 2);

        accessPass.logout(accessPass.authenticate(carol.accessToken()).orElseThrow());
        assertThat(registry.get("accesspass.sessions").gauge().value()).as("a logout removes its session at once")
                .isEqualTo(before + 1);
    }
}
