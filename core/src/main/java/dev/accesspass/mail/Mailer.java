package dev.accesspass.mail;

import dev.accesspass.AccessPassConfig;
import java.util.List;
import java.util.Optional;

/**
 * Delivers one email. AccessPass never calls a mailer on a request thread: messages go through a bounded queue
 * and a small executor, with retries and back-off when {@link #send} throws a retryable failure, so a slow or dead
 * mail server never slows a response or turns it into an error (SR-34, SR-70).
 *
 * <p>Built-ins come from the static factories: {@link #log()} (the default, for development) and
 * {@link #smtp(AccessPassConfig)}. Implementations must be thread-safe: a few sender threads may call
 * {@link #send} at once.
 */
public interface Mailer extends AutoCloseable {

    /**
     * Delivers a message, blocking until the server accepted it or failed. The recipient is one bare address that
     * AccessPass has already validated; implementations must still not build headers from it by concatenation.
     *
     * @throws MailDeliveryException when delivery failed; {@link MailDeliveryException#retryable()} says whether
     *                               another attempt may help. Any other runtime exception counts as retryable.
     */
    void send(MailMessage message) throws MailDeliveryException;

    /**
     * The development mailer: logs every message (recipient, subject and text, so links with their tokens) and
     * keeps the last {@value LogMailer#CAPACITY} in memory, readable through {@link dev.accesspass.AccessPass#outbox()}.
     * Never use it in production: it writes tokens to the log by design (SR-66), and AccessPass logs a WARN at start
     * while it is active.
     */
    static Mailer log() {
        return new LogMailer();
    }

    /**
     * Jakarta Mail over SMTP (Eclipse Angus Mail) with {@code smtp-host}, {@code smtp-port}, {@code smtp-user},
     * {@code smtp-password}, {@code smtp-starttls} and {@code mail-from}. Connect, read and write timeouts are set,
     * so a dead server can never hold a sender thread forever.
     *
     * @throws IllegalArgumentException naming {@code smtp-host} when it is not set
     */
    static Mailer smtp(AccessPassConfig config) {
        return new SmtpMailer(config);
    }

    /**
     * The messages this mailer kept, oldest first, if it keeps any: the {@link #log()} mailer does, for the example
     * app's {@code /dev/outbox}. Empty for every other mailer.
     */
    default Optional<List<SentMail>> outbox() {
        return Optional.empty();
    }

    /** Releases connections or threads. The built-ins hold none. */
    @Override
    default void close() {
    }
}
