package dev.accesspass.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accesspass.testing.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.accesspass.AccessPassException;
import dev.accesspass.ErrorCode;

class HashingPoolTest {

    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    @Test
    void sr22_fullQueueRefusesExtraCallersWithServerBusyAndRetryAfter() throws Exception {
        try (HashingPool pool = new HashingPool(1, 1, Duration.ofSeconds(30))) {
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            // Caller 1 occupies the only worker.
            Future<String> first = callers.submit(() -> pool.run(() -> {
                running.countDown();
                release.await();
                return "first";
            }));
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            // Caller 2 takes the only queue slot.
            Future<String> second = callers.submit(() -> pool.run(() -> "second"));
            awaitQueued(pool, 1);

            // Callers 3..5 find the queue full and are refused at once.
            List<Future<String>> extra = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                extra.add(callers.submit(() -> pool.run(() -> "extra")));
            }
            for (Future<String> f : extra) {
                assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
                        .cause()
                        .isInstanceOfSatisfying(AccessPassException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.SERVER_BUSY);
                            assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
                            assertThat(e.getMessage()).isEqualTo("Password hashing is saturated; retry shortly.");
                        });
            }

            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
            assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("second");
        }
    }

    @Test
    void sr22_workWaitingTooLongInQueueIsRefusedAndNeverRuns() throws Exception {
        try (HashingPool pool = new HashingPool(1, 4, Duration.ofMillis(100))) {
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            callers.submit(() -> pool.run(() -> {
                running.countDown();
                release.await();
                return null;
            }));
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

            AtomicInteger ranQueued = new AtomicInteger();
            assertThatThrownBy(() -> pool.run(ranQueued::incrementAndGet))
                    .isInstanceOfSatisfying(AccessPassException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVER_BUSY));

            release.countDown();
            // The pool still works, and the abandoned work was skipped rather than computed for nobody.
            assertThat(pool.run(() -> "after")).isEqualTo("after");
            assertThat(ranQueued).hasValue(0);
        }
    }

    @Test
    void sr22_startedWorkIsAwaitedPastMaxWait() {
        // maxWait bounds queueing only; a computation that has started is awaited to completion. maxWait is generous
        // (an idle worker picks the task up in microseconds, but a loaded CI machine may take far longer than the
        // 50 ms this once used), and the work runs until maxWait has clearly passed since the call began.
        Duration maxWait = Duration.ofSeconds(1);
        try (HashingPool pool = new HashingPool(1, 1, maxWait)) {
            long began = System.nanoTime();
            String result = pool.run(() -> {
                while (System.nanoTime() - began < maxWait.plusMillis(300).toNanos()) {
                    Thread.sleep(20);
                }
                return "done";
            });
            assertThat(result).isEqualTo("done");
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThan(maxWait);
        }
    }

    @Test
    void sr22_resultsAndUncheckedExceptionsPropagateUnwrapped() {
        try (HashingPool pool = new HashingPool(2, 4, Duration.ofSeconds(2))) {
            assertThat(pool.run(() -> 42)).isEqualTo(42);
            IllegalStateException boom = new IllegalStateException("boom");
            assertThatThrownBy(() -> pool.run(() -> {
                throw boom;
            })).isSameAs(boom);
            assertThatThrownBy(() -> pool.run(() -> {
                throw new IOException("io");
            })).isInstanceOfSatisfying(AccessPassException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
                assertThat(e).hasCauseInstanceOf(IOException.class);
            });
        }
    }

    @Test
    void sr22_workersAreNamedDaemonsAndCountIsFixed() {
        try (HashingPool pool = new HashingPool(2, 4, Duration.ofSeconds(2))) {
            Thread worker = pool.run(Thread::currentThread);
            assertThat(worker.getName()).matches("accesspass-hash-\\d+");
            assertThat(worker.isDaemon()).isTrue();
            assertThat(pool.poolSize()).isEqualTo(2);
        }
    }

    @Test
    void sr22_nestedRunFromAWorkerDoesNotDeadlock() {
        try (HashingPool pool = new HashingPool(1, 1, Duration.ofSeconds(2))) {
            assertThat(pool.run(() -> pool.run(() -> "inner"))).isEqualTo("inner");
        }
    }

    @Test
    void sr22_interruptedCallerGetsServerBusyAndKeepsItsInterruptFlag() throws Exception {
        try (HashingPool pool = new HashingPool(1, 1, Duration.ofSeconds(30))) {
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            callers.submit(() -> pool.run(() -> {
                running.countDown();
                release.await();
                return null;
            }));
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> flag = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    pool.run(() -> "queued");
                } catch (Throwable t) {
                    thrown.set(t);
                }
                flag.set(Thread.currentThread().isInterrupted());
            });
            caller.start();
            awaitQueued(pool, 1);
            caller.interrupt();
            caller.join(10_000);

            assertThat(thrown.get()).isInstanceOfSatisfying(AccessPassException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVER_BUSY));
            assertThat(flag.get()).isTrue();
            release.countDown();
        }
    }

    @Test
    void sr22_closedPoolRefusesWork() {
        HashingPool pool = new HashingPool(1, 1, Duration.ofSeconds(1));
        pool.close();
        assertThatThrownBy(() -> pool.run(() -> 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sr22_rejectsNonsenseConfiguration() {
        assertThatThrownBy(() -> new HashingPool(0, 1, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HashingPool(1, 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HashingPool(1, 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sr22_sr33_hasherRunsThroughThePool() {
        Argon2idHasher hasher = Argon2idHasher.withoutFloorForTests(4096, 1, 1);
        try (HashingPool pool = new HashingPool(2, 8, Duration.ofSeconds(2))) {
            String hash = pool.run(() -> hasher.hash("pw"));
            assertThat(pool.run(() -> hasher.verify("pw", hash))).isTrue();
            long before = hasher.computations();
            pool.run(() -> {
                hasher.verifyDummy("pw");
                return null;
            });
            assertThat(hasher.computations() - before).isEqualTo(1);
        }
    }

    /** Polls (no timing assertion) until the pool's queue holds the expected number of tasks. */
    private static void awaitQueued(HashingPool pool, int expected) {
        Await.until("the queue holds " + expected, () -> pool.queued() >= expected);
    }

    @Test
    void sr22_oneClientFillsOnlyItsShareAndAnotherClientStillGetsAWorker() throws Exception {
        try (HashingPool pool = new HashingPool(2, 64, Duration.ofSeconds(30), 3)) {
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger started = new AtomicInteger();
            List<Future<String>> flood = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                flood.add(callers.submit(() -> pool.run("198.51.100.1", () -> {
                    started.incrementAndGet();
                    release.await();
                    return "flood";
                })));
            }
            // Two run, one waits in the queue: the client's share of 3 is used up.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (started.get() < 2 || pool.queued() < 1) {
                assertThat(System.nanoTime()).as("flood never filled its share").isLessThan(deadline);
                Thread.sleep(5);
            }
            for (int i = 0; i < 20; i++) {
                assertThatThrownBy(() -> pool.run("198.51.100.1", () -> "more"))
                        .isInstanceOfSatisfying(AccessPassException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVER_BUSY));
            }
            assertThat(pool.queued()).as("refused work never took a queue slot").isEqualTo(1);

            // Another address queues behind the flood's share, and gets its worker once one frees up.
            Future<String> other = callers.submit(() -> pool.run("203.0.113.5", () -> "other"));
            awaitQueued(pool, 2);
            release.countDown();
            assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo("other");
            for (Future<String> f : flood) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("flood");
            }
            assertThat(started).hasValue(3);
            assertThat(pool.clientsInFlight()).as("no per-client entry outlives its work").isZero();
            assertThat(pool.run("198.51.100.1", () -> "again")).isEqualTo("again");
        }
    }

    @Test
    void sr22_workWithoutAClientIsNotCountedPerClient() throws Exception {
        try (HashingPool pool = new HashingPool(1, 8, Duration.ofSeconds(30), 1)) {
            assertThat(pool.run(null, () -> "a")).isEqualTo("a");
            assertThat(pool.run(() -> "b")).isEqualTo("b");
            assertThat(pool.clientsInFlight()).isZero();
        }
    }

    @Test
    void perClientLimitMustBePositive() {
        assertThatThrownBy(() -> new HashingPool(1, 1, Duration.ofSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("perClientLimit");
    }
}
