package dev.accesspass;

import dev.accesspass.store.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sweeps expired entries out of the token store every {@link #INTERVAL} on one daemon thread. Checks never depend on
 * it: they reject expired entries themselves; the sweep only returns the memory. Closing stops the thread and waits
 * for it.
 */
final class PurgeSchedule implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AccessPass.class);
    /** How often expired tokens are swept. */
    static final Duration INTERVAL = Duration.ofSeconds(60);

    private final TokenStore tokens;
    private final Clock clock;
    private final ScheduledExecutorService executor;

    private PurgeSchedule(TokenStore tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "accesspass-purge");
            thread.setDaemon(true);
            return thread;
        });
    }

    static PurgeSchedule start(TokenStore tokens, Clock clock) {
        PurgeSchedule schedule = new PurgeSchedule(tokens, clock);
        schedule.executor.scheduleWithFixedDelay(schedule::purge, INTERVAL.toSeconds(), INTERVAL.toSeconds(),
                TimeUnit.SECONDS);
        return schedule;
    }

    private void purge() {
        try {
            int purged = tokens.purgeExpired(clock.instant());
            if (purged > 0) {
                LOG.debug("purged {} expired entries", purged);
            }
        } catch (RuntimeException e) {
            // The next run retries; checks reject expired entries on their own, so nothing is let through.
            LOG.warn("purging expired tokens failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            // Wait for the thread to end: a container undeploying the app checks for threads it left behind right
            // after the filter's destroy (Tomcat logs a memory leak otherwise).
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
