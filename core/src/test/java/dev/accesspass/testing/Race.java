package dev.accesspass.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
 * Runs N tasks at once: each thread waits on one start latch, so the calls overlap as much as the machine allows
 * (Caffeine's {@code ConcurrentTestHarness} does the same). Every wait is bounded, so a deadlocked store fails the
 * test instead of hanging the build; the bounds are generous because a loaded 2-core CI machine is slow, not
 * wrong. Owns a fixed pool; close it after the test, or use {@link #race(int, IntFunction)} for one round.
 *
 * <pre>{@code
 * List<Http.Reply> replies = Race.race(16, i -> () -> http.post("/auth/refresh", "refresh_token", refresh));
 * }</pre>
 */
public final class Race implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final int threads;
    private final ExecutorService pool;

    public Race(int threads) {
        this.threads = threads;
        this.pool = Executors.newFixedThreadPool(threads);
    }

    /** One round of {@code threads} racers on a pool of its own, closed before returning. */
    public static <T> List<T> race(int threads, IntFunction<Callable<T>> task) throws Exception {
        try (Race race = new Race(threads)) {
            return race.run(task);
        }
    }

    /** Starts {@code task.apply(i)} for i in 0..threads-1 together and returns their results in that order. */
    public <T> List<T> run(IntFunction<Callable<T>> task) throws Exception {
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            Callable<T> body = task.apply(i);
            futures.add(pool.submit(() -> {
                ready.countDown();
                if (!start.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("start signal never came");
                }
                return body.call();
            }));
        }
        assertThat(ready.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("all racers ready").isTrue();
        start.countDown();
        List<T> results = new ArrayList<>(threads);
        for (Future<T> future : futures) {
            results.add(future.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        return results;
    }

    @Override
    public void close() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).as("racers stopped").isTrue();
    }
}
