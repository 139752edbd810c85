package dev.accesspass.password;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.accesspass.AccessPassException;
import dev.accesspass.ErrorCode;

/**
 * The one place where password hashing runs (SR-22). Every {@code hash}, {@code verify} and {@code verifyDummy}
 * call is handed to a fixed set of worker threads through a bounded queue, so a burst of logins can neither starve
 * the request threads of CPU nor exhaust the heap: peak hashing memory is at most {@code threads × memoryKiB}.
 *
 * <p>A caller is turned away with {@link ErrorCode#SERVER_BUSY} (503 with {@code Retry-After: 1}) when the queue is
 * already full at submission, or when its work is still waiting in the queue after {@code maxWait}. Once a worker
 * has started the work, the caller waits for it to finish.
 *
 * <p>Fair sharing. Work submitted for a client (its address, {@link #run(String, Callable)}) counts against that
 * client's share: at most {@code perClientLimit} of its tasks are queued or running at once, and the next one is
 * refused with {@link ErrorCode#SERVER_BUSY} at once. So one address flooding registrations or logins fills its own
 * share, not the whole queue, and everyone else's work still gets a worker within a few hash times. Work without a
 * client (the Java API) is not counted per client.
 *
 * <p>Usage: {@code boolean ok = pool.run(clientAddress, () -> hasher.verify(password, stored));}
 *
 * <p>Thread-safety: safe for concurrent use by any number of threads. Create one per application and close it on
 * shutdown. Worker threads are daemons named {@code accesspass-hash-N}.
 */
public final class HashingPool implements AutoCloseable {

    /** Default queue capacity: a short burst queues, a flood is refused quickly instead of piling up. */
    static final int DEFAULT_QUEUE_CAPACITY = 64;
    /** Default longest time a task may sit in the queue before its caller gets SERVER_BUSY. */
    static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(2);

    // Task states: a caller that gives up and a worker that starts race for the same task, and exactly one may win.
    private static final int QUEUED = 0;
    private static final int STARTED = 1;
    private static final int ABANDONED = 2;

    /** Marks worker threads of a pool, so that work submitted from inside a task runs inline instead of deadlocking. */
    private static final ThreadLocal<HashingPool> CURRENT = new ThreadLocal<>();

    private final ThreadPoolExecutor executor;
    private final long maxWaitNanos;
    private final int perClientLimit;
    /** Tasks queued or running per client; an entry exists only while its count is above zero. */
    private final ConcurrentHashMap<String, Integer> perClient = new ConcurrentHashMap<>();

    /**
     * A pool with one worker per available processor, a queue of 64 and a two-second
     * maximum queue wait.
     */
    public HashingPool() {
        this(Runtime.getRuntime().availableProcessors(), DEFAULT_QUEUE_CAPACITY, DEFAULT_MAX_WAIT);
    }

    /**
     * Creates and starts a pool.
     *
     * @param threads       number of worker threads, that is, hashes computed at once; at least 1
     * @param queueCapacity how many tasks may wait for a worker; at least 1
     * @param maxWait       longest time a task may wait in the queue before its caller is refused; positive
     * @throws IllegalArgumentException if a number is out of range or {@code maxWait} is not positive
     * @throws NullPointerException     if {@code maxWait} is null
     */
    public HashingPool(int threads, int queueCapacity, Duration maxWait) {
        this(threads, queueCapacity, maxWait, defaultPerClientLimit(threads, queueCapacity));
    }

    /**
     * The per-client share when none is given: the number of workers, but at least a quarter of the queue. With the
     * defaults on two cores that is 16 of 66 places: a second client waits behind at most 16 of the first one's
     * hashes (8 hash times, well inside the queue wait), while a page that fires a dozen requests at once from one
     * address is not refused.
     */
    static int defaultPerClientLimit(int threads, int queueCapacity) {
        return Math.max(threads, Math.max(1, queueCapacity / 4));
    }

    /**
     * Creates and starts a pool with a per-client share.
     *
     * @param perClientLimit how many tasks of one client may be queued or running at once; at least 1
     * @throws IllegalArgumentException if a number is out of range or {@code maxWait} is not positive
     * @see #HashingPool(int, int, Duration)
     */
    public HashingPool(int threads, int queueCapacity, Duration maxWait, int perClientLimit) {
        if (perClientLimit < 1) {
            throw new IllegalArgumentException("perClientLimit must be at least 1, got " + perClientLimit);
        }
        this.perClientLimit = perClientLimit;
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, got " + queueCapacity);
        }
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("maxWait must be positive, got " + maxWait);
        }
        this.maxWaitNanos = maxWait.toNanos();
        AtomicInteger counter = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0L, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity),
                runnable -> {
                    Thread thread = new Thread(() -> {
                        CURRENT.set(this);
                        runnable.run();
                    }, "accesspass-hash-" + counter.incrementAndGet());
                    // Daemon: a forgotten close() must not keep the JVM alive.
                    thread.setDaemon(true);
                    return thread;
                },
                new ThreadPoolExecutor.AbortPolicy());
        // Start the workers now so the first logins after start-up do not pay for thread creation.
        executor.prestartAllCoreThreads();
    }

    /**
     * Runs {@code work} on a worker thread and returns its result.
     *
     * @param work the hashing work; should be a single hash or verify
     * @param <T>  the result type
     * @return what {@code work} returned
     * @throws AccessPassException   {@link ErrorCode#SERVER_BUSY} with a retry delay if the queue is full, the work
     *                               waited longer than {@code maxWait} for a worker, or the calling thread was
     *                               interrupted (its interrupt flag is then set again); {@link ErrorCode#INTERNAL_ERROR}
     *                               if {@code work} threw a checked exception (as the cause)
     * @throws RuntimeException      any unchecked exception {@code work} threw, unwrapped
     * @throws Error                 any error {@code work} threw, unwrapped
     * @throws IllegalStateException if the pool is closed
     * @throws NullPointerException  if {@code work} is null
     */
    public <T> T run(Callable<T> work) {
        return run(null, work);
    }

    /**
     * Runs {@code work} for {@code client} on a worker thread, as {@link #run(Callable)} does, within that client's
     * share of the pool.
     *
     * @param client who the work is for (a client address), or {@code null} for work not counted per client
     * @throws AccessPassException {@link ErrorCode#SERVER_BUSY} also when {@code client} already has
     *                             {@code perClientLimit} tasks queued or running
     */
    public <T> T run(String client, Callable<T> work) {
        Objects.requireNonNull(work, "work");
        if (client == null || CURRENT.get() == this) {
            return runShared(work);
        }
        if (!acquire(client)) {
            // This client already holds its share: refuse it, and only it, before it takes a queue slot.
            throw busy();
        }
        try {
            return runShared(work);
        } finally {
            release(client);
        }
    }

    private boolean acquire(String client) {
        boolean[] acquired = {false};
        perClient.compute(client, (key, count) -> {
            int current = count == null ? 0 : count;
            if (current >= perClientLimit) {
                return count;
            }
            acquired[0] = true;
            return current + 1;
        });
        return acquired[0];
    }

    private void release(String client) {
        perClient.computeIfPresent(client, (key, count) -> count <= 1 ? null : count - 1);
    }

    private <T> T runShared(Callable<T> work) {
        if (CURRENT.get() == this) {
            // Already on one of our workers (e.g. a hook that hashes inside a task): queueing would wait on ourselves.
            return callInline(work);
        }
        AtomicInteger state = new AtomicInteger(QUEUED);
        Future<T> future;
        try {
            future = executor.submit(() -> {
                if (!state.compareAndSet(QUEUED, STARTED)) {
                    return null; // the caller already gave up; do not spend CPU and memory on an unwanted hash
                }
                return work.call();
            });
        } catch (RejectedExecutionException e) {
            if (executor.isShutdown()) {
                throw new IllegalStateException("HashingPool is closed");
            }
            throw busy(); // queue full right now: refuse at once rather than pile up (SR-22)
        }
        try {
            try {
                return future.get(maxWaitNanos, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (state.compareAndSet(QUEUED, ABANDONED)) {
                    // Still queued after maxWait: refuse, and free its queue slot for someone else.
                    executor.remove((Runnable) future);
                    throw busy();
                }
                // Already running. We bound only the queueing, not the computation: the hash's cost is itself
                // bounded (our parameters, and the SR-21 ceiling for stored ones), the worker cannot be interrupted
                // mid-Argon2 so giving up would free nothing, and refusing now would throw away work already paid
                // for and fail a login (or skip a rehash) that is about to succeed. So wait for it to finish.
                return future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (state.compareAndSet(QUEUED, ABANDONED)) {
                executor.remove((Runnable) future);
            }
            throw busy();
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    /**
     * Stops accepting work and lets queued and running work finish in the background. Idempotent.
     */
    @Override
    public void close() {
        executor.shutdown();
    }

    /** Live worker count; for tests. */
    int poolSize() {
        return executor.getPoolSize();
    }

    /** Clients with work queued or running; for tests (the map must not grow with clients that are done). */
    int clientsInFlight() {
        return perClient.size();
    }

    /** Tasks waiting in the queue; for tests. */
    int queued() {
        return executor.getQueue().size();
    }

    private static <T> T callInline(Callable<T> work) {
        try {
            return work.call();
        } catch (Exception e) {
            throw unwrap(e);
        }
    }

    private static RuntimeException unwrap(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new AccessPassException(ErrorCode.INTERNAL_ERROR, "Password hashing failed.", cause);
    }

    private static AccessPassException busy() {
        return AccessPassException.retryLater(ErrorCode.SERVER_BUSY,
                "Password hashing is saturated; retry shortly.", Duration.ofSeconds(1));
    }
}
