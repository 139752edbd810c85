package dev.accesspass.mail;

import dev.accesspass.User;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The values a template may use. Never a password; the only secret is the token inside {@link #link()}.
 *
 * @param user     the account the message is about (its {@code email} is the recipient)
 * @param link     the confirmation or reset link, or {@code null} for messages without one
 * @param validFor how long the link works, or {@code null} for messages without one
 * @param at       when the message was made (for the password-changed notice: when the password changed)
 */
public record MailContext(User user, String link, Duration validFor, Instant at) {
    public MailContext {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(at, "at");
    }
}
