package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accesspass.StoreUnavailableException;
import dev.accesspass.testing.Await;
import dev.accesspass.testing.Race;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admission gate in front of our own pool: turns in arrival order, never more callers at the pool than it has
 * connections, a wait bounded like the pool's own.
 */
class PoolGateTest {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();

    @Test
    void waitersGetTheirTurnInTheOrderTheyCame() throws Exception {
        PoolGate gate = new PoolGate(1, Duration.ofSeconds(30));
        gate.enter();
        List<Integer> order = new CopyOnWriteArrayList<>();
        List<Thread> waiters = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int position = i;
            Thread waiter = new Thread(() -> {
                try {
                    gate.enter();
                    order.add(position);
                    gate.leave();
                } catch (SQLTransientConnectionException e) {
                    throw new IllegalStateException(e);
                }
            });
            waiter.start();
            // Queued before the next one starts.
            Await.until("waiter " + i + " parked", () -> waiter.getState() == Thread.State.TIMED_WAITING);
            waiters.add(waiter);
        }
        gate.leave();
        for (Thread waiter : waiters) {
            waiter.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aWaitLongerThanTheTimeoutFailsLikeAPoolTimeout() throws Exception {
        PoolGate gate = new PoolGate(1, Duration.ofMillis(50));
        gate.enter();
        assertThatThrownBy(gate::enter).isInstanceOf(SQLTransientConnectionException.class)
                .hasMessageContaining("50 ms");
        gate.leave();
        gate.enter();
        gate.leave();
    }

    @Test
    void racingCallersNeverHoldMoreConnectionsThanThePoolHas() throws Exception {
        try (Database database = Database.open(POSTGRES.config().set("jdbc-pool-size", "2").build())) {
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            List<Integer> answers = Race.race(12, i -> () -> database.withHandle("sleep", handle -> {
                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                try {
                    return handle.createQuery("SELECT 1 FROM pg_sleep(0.05)").mapTo(Integer.class).one();
                } finally {
                    inside.decrementAndGet();
                }
            }));
            assertThat(answers).hasSize(12).containsOnly(1);
            assertThat(most.get()).isBetween(1, 2);
        }
    }

    @Test
    void sr65_aCallerThatFindsNoTurnWithinTheConnectionTimeoutGetsStoreUnavailable() throws Exception {
        // Two connections (Flyway needs two to migrate), both held.
        try (Database database = Database.open(POSTGRES.config().set("jdbc-pool-size", "2").build())) {
            CountDownLatch holding = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            List<Thread> holders = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Thread holder = new Thread(() -> database.withHandle("hold", handle -> {
                    holding.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                }));
                holder.start();
                holders.add(holder);
            }
            assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
            try {
                assertThatThrownBy(() -> database.withHandle("wait", handle -> 1))
                        .isInstanceOf(StoreUnavailableException.class)
                        .hasCauseInstanceOf(SQLTransientConnectionException.class);
            } finally {
                release.countDown();
                for (Thread holder : holders) {
                    holder.join(30_000);
                }
            }
            int after = database.withHandle("after", handle -> handle.createQuery("SELECT 1").mapTo(Integer.class)
                    .one());
            assertThat(after).isEqualTo(1);
        }
    }
}
