package dev.accesspass.jdbi;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * First come, first served admission to our own connection pool: at most as many callers as the pool has
 * connections ask it for one; the others wait here, parked, in the order they came. Thread-safe.
 *
 * <p>Why: with more request threads than connections (a servlet container runs dozens, the pool has 10), HikariCP's
 * own wait is no queue. A returned connection goes to whichever thread asks first, a newcomer included, while the
 * returning thread spins ({@code Thread.yield}) for as long as anyone waits. On a small machine those spinning
 * threads take the CPU that the waiting threads and the database need, and an unlucky waiter loses again and
 * again: a p99 two hundred times the median (docs/BENCHMARKS-JDBC.md). Behind this gate the pool never has a waiter,
 * and a wait lasts as long as the queue ahead of it.
 */
final class PoolGate {
    private final Semaphore permits;
    private final long timeoutNanos;
    private final String timeoutMessage;

    PoolGate(int connections, Duration timeout) {
        this.permits = new Semaphore(connections, true);
        this.timeoutNanos = timeout.toNanos();
        this.timeoutMessage = "no connection of the pool became free within " + timeout.toMillis() + " ms";
    }

    /**
     * Waits for a turn, as long as the pool itself would wait for a connection.
     *
     * @throws SQLTransientConnectionException when the wait timed out or was interrupted (the interrupt stays set)
     */
    void enter() throws SQLTransientConnectionException {
        try {
            // The timed tryAcquire of a fair semaphore queues behind earlier waiters; the untimed one would not.
            if (permits.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("interrupted while waiting for a connection", e);
        }
        throw new SQLTransientConnectionException(timeoutMessage);
    }

    /** Ends a turn that {@link #enter} began. */
    void leave() {
        permits.release();
    }
}
