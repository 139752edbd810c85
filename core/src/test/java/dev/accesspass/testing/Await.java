package dev.accesspass.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polls until something holds or a deadline passes, for what happens on another thread (a mail queue, a database
 * notification). The deadline is a generous upper bound for a loaded CI machine, not a performance target: the
 * benchmarks measure how fast things really are. Polling stops as soon as the condition holds, so a generous
 * bound costs nothing when the code is fast.
 *
 * <pre>{@code
 * Await.until("the session is revoked on instance B", () -> b.get("/api/hello", access).status() == 401);
 * }</pre>
 */
public final class Await {
    /** The default bound. */
    public static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final long PAUSE_MILLIS = 5;

    private Await() {
    }

    /** Waits (at most {@link #DEADLINE}) until {@code condition} is true; fails naming {@code what} otherwise. */
    public static void until(String what, BooleanSupplier condition) {
        until(DEADLINE, what, condition);
    }

    /** Waits at most {@code deadline} until {@code condition} is true; fails naming {@code what} otherwise. */
    public static void until(Duration deadline, String what, BooleanSupplier condition) {
        until(deadline, what, () -> condition.getAsBoolean(), Boolean::booleanValue);
    }

    /**
     * Polls {@code probe} until its value satisfies {@code done} (at most {@code deadline}) and returns that value;
     * fails naming {@code what} and the last value seen otherwise.
     */
    public static <T> T until(Duration deadline, String what, Supplier<T> probe, Predicate<? super T> done) {
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        while (true) {
            T value = probe.get();
            if (done.test(value)) {
                return value;
            }
            if (System.nanoTime() - end > 0) {
                throw new AssertionError(what + ": not so within " + deadline + " (last seen: " + value + ")");
            }
            pause();
        }
    }

    /** Like {@link #until(Duration, String, Supplier, Predicate)} with the default bound. */
    public static <T> T until(String what, Supplier<T> probe, Predicate<? super T> done) {
        return until(DEADLINE, what, probe, done);
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
