package dev.accesspass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accesspass.event.SecurityEvent;
import dev.accesspass.metrics.AuthMetrics;
import dev.accesspass.password.CountingHasher;
import dev.accesspass.store.UserStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What the metrics listener is told, from the services that do the work. */
class AuthMetricsSpecTest {
    private static final String PASSWORD = "correct horse battery";

    /** Records every call as one line. */
    static final class Recording implements AuthMetrics {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void tokenChecked(TokenCheck outcome) {
            calls.add("token:" + outcome);
        }

        @Override
        public void refreshed(Refresh outcome) {
            calls.add("refresh:" + outcome);
        }

        @Override
        public void securityEvent(SecurityEvent event) {
            calls.add("event:" + event.type().wireName());
        }

        @Override
        public void passwordHashed(String operation, long nanos) {
            assertThat(nanos).isNotNegative();
            calls.add("hash:" + operation);
        }

        @Override
        public void storeCalled(String operation, long nanos, boolean failed) {
            calls.add("store:" + operation + (failed ? ":failed" : ""));
        }
    }

    @Test
    void theListenerHearsChecksRefreshesEventsHashingAndStoreCalls() {
        Recording metrics = new Recording();
        FlakyTokenStore tokens = new FlakyTokenStore();
        try (AccessPass accessPass = AccessPass.builder(AccessPassConfig.defaults())
                .stores(tokens, UserStore.inMemory()).passwordHasher(CountingHasher.weak()).metrics(metrics).build()) {
            TokenResponse registered = accessPass.register("alice", "alice@example.com", PASSWORD, PASSWORD,
                    ClientContext.of("10.0.0.1"), null).orElseThrow();
            assertThat(metrics.calls).contains("hash:hash", "store:createSession", "event:user_registered");

            metrics.calls.clear();
            accessPass.authenticate(registered.accessToken());
            accessPass.authenticate("short");
            // The per-request reads are counted by outcome, not timed. (The registration's mail job may still be
            // running on the mail queue and calling the store: only the check's own calls are asserted.)
            assertThat(metrics.calls.stream().filter(call -> call.startsWith("token:")))
                    .containsExactly("token:VALID", "token:INVALID");
            assertThat(metrics.calls).doesNotContain("store:findByAccessToken", "store:findById");

            metrics.calls.clear();
            accessPass.refresh(registered.refreshToken());
            assertThat(metrics.calls).contains("store:rotate", "refresh:ROTATED");

            metrics.calls.clear();
            tokens.failCreateSession = true;
            assertThatThrownBy(() -> accessPass.login("alice", PASSWORD, ClientContext.of("10.0.0.1")))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThat(metrics.calls).contains("hash:verify", "store:createSession:failed");
        }
    }

    @Test
    void withoutAListenerNothingChanges() {
        try (AccessPass accessPass = AccessPass.builder(AccessPassConfig.defaults())
                .passwordHasher(CountingHasher.weak()).build()) {
            TokenResponse registered = accessPass.register("bob", "bob@example.com", PASSWORD, PASSWORD,
                    ClientContext.of("10.0.0.1"), null).orElseThrow();
            assertThat(accessPass.authenticate(registered.accessToken())).isPresent();
            assertThat(accessPass.pendingMails()).isBetween(0, 1);
        }
    }
}
