package dev.accesspass.jdbi;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in one line when the database becomes unavailable, so that AccessPass is answering 503
 * {@code store_unavailable}, and in one line when it is back; thread-safe. The pool's own log (HikariCP) has the
 * stack traces; these two lines are what an operator greps for. Outages that start within
 * {@link #QUIET_PERIOD} of the last reported one (a flapping network) are not reported again, nor is their end.
 */
final class Availability {
    private static final Logger LOG = LoggerFactory.getLogger(Availability.class);
    static final Duration QUIET_PERIOD = Duration.ofMinutes(1);

    private final LongSupplier nanoTime;
    private final AtomicBoolean down = new AtomicBoolean();
    private volatile boolean reported;
    private volatile long downSince;
    private volatile long lastReport;
    private volatile boolean everReported;

    Availability() {
        this(System::nanoTime);
    }

    Availability(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** A database call failed. */
    void failed(String action, Exception cause) {
        if (!down.compareAndSet(false, true)) {
            return;
        }
        long now = nanoTime.getAsLong();
        downSince = now;
        reported = !everReported || now - lastReport >= QUIET_PERIOD.toNanos();
        if (reported) {
            everReported = true;
            lastReport = now;
            LOG.warn("AccessPass store: the database is unavailable (could not {}: {}); auth and protected routes "
                    + "answer 503 store_unavailable until it is back", action, rootMessage(cause));
        }
    }

    /** A database call succeeded: one volatile read when all is well. */
    void succeeded() {
        if (down.get() && down.compareAndSet(true, false) && reported) {
            long seconds = Duration.ofNanos(nanoTime.getAsLong() - downSince).toSeconds();
            LOG.info("AccessPass store: the database is reachable again after {} s; serving normally", seconds);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // The class name only: a driver message can carry the host or, in principle, credentials (SR-66).
        return root.getClass().getSimpleName();
    }
}
