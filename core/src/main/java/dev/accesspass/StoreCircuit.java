package dev.accesspass;

import dev.accesspass.metrics.AuthMetrics;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of the stores, shared by every request of one {@link AccessPass} (SR-65): after a store failure the
 * circuit is open, and a store call fails at once with {@link StoreUnavailableException} instead of waiting out the
 * pool's connection timeout (2 s for the JDBC store) on every request. So protected and auth routes answer 503 at
 * once, and a token on a public route goes anonymous at once.
 *
 * <p>Notes for maintainers. While open, exactly one call at a time goes through to the store as the probe (a
 * compare-and-set on {@link #probing}); whichever request makes it pays the wait, every other request fails fast. A
 * probe that reaches the store closes the circuit, so recovery takes as long as the store's own reconnect plus at
 * most one call. Any answer from the store counts as reachable, a refusal such as {@code DuplicateUserException}
 * included; only {@link StoreUnavailableException} opens the circuit. The in-memory stores never throw it, so for
 * them the circuit costs one volatile read per call. One line is logged when the stores become unavailable and one
 * when they recover, never one per request.
 *
 * <p>Thread-safe.
 */
final class StoreCircuit {
    private static final Logger LOG = LoggerFactory.getLogger(StoreCircuit.class);

    private volatile boolean open;
    private final AtomicBoolean probing = new AtomicBoolean();
    private final AuthMetrics metrics;
    /** Without a metrics listener no clock is read. */
    private final boolean timed;

    StoreCircuit() {
        this(AuthMetrics.NOOP);
    }

    StoreCircuit(AuthMetrics metrics) {
        this.metrics = metrics;
        this.timed = metrics != AuthMetrics.NOOP;
    }

    /** Whether the circuit is open (the last store call failed and no probe has succeeded since). */
    boolean isOpen() {
        return open;
    }

    /**
     * Runs one store call through the circuit.
     *
     * @throws StoreUnavailableException at once while the circuit is open and another call is probing, or when the
     *                                   store call itself fails
     */
    <T> T call(String operation, Supplier<T> storeCall) {
        if (!timed) {
            return guarded(operation, storeCall);
        }
        long start = System.nanoTime();
        boolean failed = true;
        try {
            T result = guarded(operation, storeCall);
            failed = false;
            return result;
        } finally {
            metrics.storeCalled(operation, System.nanoTime() - start, failed);
        }
    }

    private <T> T guarded(String operation, Supplier<T> storeCall) {
        if (!open) {
            try {
                return storeCall.get();
            } catch (StoreUnavailableException e) {
                trip(operation);
                throw e;
            }
        }
        if (!probing.compareAndSet(false, true)) {
            throw new StoreUnavailableException("The store is unavailable; retry shortly.", null);
        }
        try {
            T result = storeCall.get();
            recover();
            return result;
        } catch (StoreUnavailableException e) {
            throw e; // still down: the circuit stays open
        } catch (RuntimeException e) {
            recover(); // the store answered, if only with a refusal
            throw e;
        } finally {
            probing.set(false);
        }
    }

    /**
     * For the per-request token check: whether a store call may go straight to the store. When true the caller calls
     * the store directly and reports a {@link StoreUnavailableException} with {@link #failed}; when false it goes
     * through {@link #call}. Same behaviour as {@link #call}, without a capturing lambda behind a call site that
     * every store method shares (which the JIT cannot inline, so each check paid an allocation and a virtual call).
     */
    boolean closed() {
        return !open;
    }

    /** A direct store call (see {@link #closed}) failed: the circuit opens. */
    void failed(String operation) {
        trip(operation);
    }

    void run(String operation, Runnable storeCall) {
        call(operation, () -> {
            storeCall.run();
            return null;
        });
    }

    private void trip(String operation) {
        if (!open) {
            synchronized (this) {
                if (!open) {
                    open = true;
                    LOG.warn("store unavailable ({} failed); failing fast until a probe reaches it again",
                            operation);
                }
            }
        }
    }

    private void recover() {
        if (open) {
            synchronized (this) {
                if (open) {
                    open = false;
                    LOG.info("store reachable again; circuit closed");
                }
            }
        }
    }
}
