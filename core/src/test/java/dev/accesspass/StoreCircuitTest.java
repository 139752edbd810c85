package dev.accesspass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accesspass.store.DuplicateUserException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** SR-65: the store health circuit shared by every request. */
class StoreCircuitTest {
    private final StoreCircuit circuit = new StoreCircuit();
    private final AtomicInteger storeCalls = new AtomicInteger();

    private String down() {
        storeCalls.incrementAndGet();
        throw new StoreUnavailableException("down", null);
    }

    private String up() {
        storeCalls.incrementAndGet();
        return "ok";
    }

    @Test
    void sr65_aFailureOpensTheCircuitAndAProbeThatReachesTheStoreClosesIt() {
        assertThat(circuit.call("find", this::up)).isEqualTo("ok");
        assertThat(circuit.isOpen()).isFalse();
        assertThatThrownBy(() -> circuit.call("find", this::down)).isInstanceOf(StoreUnavailableException.class);
        assertThat(circuit.isOpen()).isTrue();
        // One call at a time probes: sequential calls each reach the store.
        assertThatThrownBy(() -> circuit.call("find", this::down)).isInstanceOf(StoreUnavailableException.class);
        assertThat(circuit.isOpen()).isTrue();
        assertThat(circuit.call("find", this::up)).isEqualTo("ok");
        assertThat(circuit.isOpen()).isFalse();
        assertThat(storeCalls).hasValue(4);
    }

    @Test
    void sr65_whileOneCallProbesEveryOtherCallFailsAtOnceWithoutTouchingTheStore() throws Exception {
        assertThatThrownBy(() -> circuit.call("find", this::down)).isInstanceOf(StoreUnavailableException.class);
        CountDownLatch probing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> probe = CompletableFuture.supplyAsync(() -> circuit.call("find", () -> {
            probing.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return up();
        }));
        assertThat(probing.await(10, TimeUnit.SECONDS)).isTrue();
        int before = storeCalls.get();
        for (int i = 0; i < 100; i++) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> circuit.call("find", this::up)).isInstanceOf(StoreUnavailableException.class)
                    .satisfies(e -> assertThat(((AccessPassException) e).code())
                            .isEqualTo(ErrorCode.STORE_UNAVAILABLE));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1000);
        }
        assertThat(storeCalls.get()).isEqualTo(before);
        release.countDown();
        assertThat(probe.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(circuit.isOpen()).isFalse();
        assertThat(circuit.call("find", this::up)).isEqualTo("ok");
    }

    @Test
    void sr65_aRefusalFromTheStoreCountsAsReachable() {
        assertThatThrownBy(() -> circuit.call("find", this::down)).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> circuit.call("create", () -> {
            throw DuplicateUserException.username();
        })).isInstanceOf(DuplicateUserException.class);
        assertThat(circuit.isOpen()).isFalse();
    }
}
