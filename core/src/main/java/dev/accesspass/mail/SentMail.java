package dev.accesspass.mail;

import java.time.Instant;
import java.util.Objects;

/** A message the {@link Mailer#log() log mailer} kept in its outbox, with the time it was handed over. */
public record SentMail(MailMessage message, Instant sentAt) {
    public SentMail {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(sentAt, "sentAt");
    }
}
