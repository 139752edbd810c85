package dev.accesspass;

import dev.accesspass.mail.MailDeliveryException;
import dev.accesspass.mail.MailMessage;
import dev.accesspass.mail.Mailer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs mail work off the request threads: a few daemon threads, a bounded number of pending jobs, retries with
 * back-off for retryable failures, a WARN for each failed attempt and an ERROR for each message that finally fails
 * (SR-34, SR-70). Log lines name the kind of message and a masked recipient, never the body: it may hold a token.
 *
 * <p>Notes for maintainers. Not only the sending runs here: the email routes hand over the whole job (the user
 * look-up, the rate caps, the token, the rendering), so a request for an unknown account and one for a known
 * account do the same work on the request thread and take the same time (SR-34). When the queue is full a job is
 * dropped with a WARN; the response is the same either way. {@link #close()} stops taking jobs, cancels retries
 * that are still waiting for their back-off, lets running and queued jobs finish for at most the drain time, and
 * then gives up on the rest, logging how many. Thread-safe.
 */
final class MailQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MailQueue.class);
    static final int THREADS = 2;
    static final int MAX_PENDING = 1_000;
    /** Waits before the 2nd, 3rd and 4th attempt; after the 4th failure the message is given up. */
    static final List<Duration> BACKOFF = List.of(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(30));
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    private final Mailer mailer;
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicInteger pending = new AtomicInteger();

    MailQueue(Mailer mailer) {
        this.mailer = mailer;
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = new ScheduledThreadPoolExecutor(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "accesspass-mail-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        // At close, retries still waiting for their back-off are dropped (and logged), not waited for.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
    }

    Mailer mailer() {
        return mailer;
    }

    /**
     * Runs a job soon on a mail thread. Never blocks and never throws: when the queue is full or closed the job is
     * dropped and logged, so the caller's response cannot depend on it.
     *
     * @param description for log lines; no token, password or address
     */
    void submit(String description, Runnable job) {
        schedule(description, () -> {
            try {
                job.run();
            } catch (RuntimeException e) {
                LOG.error("mail job {} failed", description, e);
            }
        }, Duration.ZERO);
    }

    /** Sends a message, now or after back-off; call it from a job. Never throws. */
    void send(MailMessage message) {
        attempt(message, 1);
    }

    private void attempt(MailMessage message, int number) {
        try {
            mailer.send(message);
            return;
        } catch (MailDeliveryException e) {
            if (!e.retryable() || number > BACKOFF.size()) {
                giveUp(message, number, e);
                return;
            }
            LOG.warn("mail {} to {}: attempt {} failed, retrying in {}: {}", message.kind(), masked(message.to()),
                    number, BACKOFF.get(number - 1), e.getMessage());
        } catch (RuntimeException e) {
            if (number > BACKOFF.size()) {
                giveUp(message, number, e);
                return;
            }
            LOG.warn("mail {} to {}: attempt {} failed, retrying in {}: {}", message.kind(), masked(message.to()),
                    number, BACKOFF.get(number - 1), e.toString());
        }
        schedule("retry of " + message.kind(), () -> attempt(message, number + 1), BACKOFF.get(number - 1));
    }

    private void schedule(String description, Runnable task, Duration delay) {
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            LOG.warn("mail queue full ({} pending); dropped {}", MAX_PENDING, description);
            return;
        }
        try {
            executor.schedule(() -> {
                try {
                    task.run();
                } finally {
                    pending.decrementAndGet();
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            pending.decrementAndGet();
            LOG.warn("mail queue closed; dropped {}", description);
        }
    }

    private static void giveUp(MailMessage message, int attempts, Exception cause) {
        // The exception text, not the message bodies: those hold links with tokens.
        LOG.error("mail {} to {} failed after {} attempt(s), giving up: {}", message.kind(), masked(message.to()),
                attempts, cause.toString());
    }

    /** {@code a…@example.com}: enough to tell users apart in a log, not a full address. */
    static String masked(String address) {
        int at = address.indexOf('@');
        return at <= 0 ? "…" : address.charAt(0) + "…" + address.substring(at);
    }

    /** How many jobs and retries are queued or running. */
    int pending() {
        return pending.get();
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("mail queue did not drain within {}; dropping {} job(s)", DRAIN_TIMEOUT,
                        executor.shutdownNow().size());
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        int dropped = pending.get();
        if (dropped > 0) {
            LOG.warn("mail queue closed with {} message(s) or retries undelivered", dropped);
        }
    }
}
