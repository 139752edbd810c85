package dev.accesspass.mail;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development mailer: logs each message at INFO and keeps the last {@value #CAPACITY} in a bounded outbox.
 * Its log lines contain links with tokens by design (SR-66); AccessPass warns at start while it is active.
 * Thread-safe.
 */
final class LogMailer implements Mailer {
    static final int CAPACITY = 50;
    private static final Logger LOG = LoggerFactory.getLogger(LogMailer.class);

    private final Clock clock = Clock.systemUTC();
    private final Deque<SentMail> outbox = new ArrayDeque<>();

    @Override
    public void send(MailMessage message) {
        LOG.info("[log mailer] to={} subject=\"{}\"\n{}", message.to(), message.subject(), message.text());
        synchronized (outbox) {
            if (outbox.size() == CAPACITY) {
                outbox.removeFirst();
            }
            outbox.addLast(new SentMail(message, clock.instant()));
        }
    }

    @Override
    public Optional<List<SentMail>> outbox() {
        synchronized (outbox) {
            return Optional.of(List.copyOf(outbox));
        }
    }
}
