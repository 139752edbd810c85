package dev.accesspass.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Runs N tasks at once: each thread waits on one start latch, so the calls overlap as much as the machine allows.
 * Every wait is bounded, so a deadlocked store fails the test instead of hanging the build. Owns a fixed pool; close
 * it after the test.
 */
final class Race implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 20;

    private final int threads;
    private final ExecutorService pool;

    Race(int threads) {
        this.threads = threads;
        this.pool = Executors.newFixedThreadPool(threads);
    }

    /** Starts {@code task.apply(i)} for i in 0..threads-1 together and returns their results in that order. */
    <T> List<T> run(IntFunction<Callable<T>> task) throws Exception {
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            Callable<T> body = task.apply(i);
            futures.add(pool.submit(() -> {
                ready.countDown();
                if (!start.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("start signal never came");
                }
                return body.call();
            }));
        }
        assertThat(ready.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("all racers ready").isTrue();
        start.countDown();
        List<T> results = new ArrayList<>(threads);
        for (Future<T> future : futures) {
            results.add(future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
        return results;
    }

    @Override
    public void close() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("racers stopped").isTrue();
    }
}
