package dev.accesspass.mail;

import dev.accesspass.User;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The values a template may use. Never a password; the only secret is the token inside {@link #link()}.
 *
 * @param user          the account the message is about (for most messages its {@code email} is the recipient)
 * @param link          the confirmation or reset link, or {@code null} for messages without one
 * @param validFor      how long the link works, or {@code null} for messages without one
 * @param at            when the message was made (for a notice: when the change happened)
 * @param event         for {@link MailTemplates#securityNotice}: what happened, e.g. {@code email_changed},
 *                      {@code identity_unlinked}, {@code new_device_login} (see that method); otherwise {@code null}
 * @param clientAddress the address the change came from, or {@code null} when unknown
 * @param userAgent     the browser it came from (the {@code User-Agent}, trimmed), or {@code null}
 * @param detail        the event's one variable: the new address of an email change, the provider of an identity,
 *                      or {@code null}
 */
public record MailContext(User user, String link, Duration validFor, Instant at, String event, String clientAddress,
                          String userAgent, String detail) {
    public MailContext(User user, String link, Duration validFor, Instant at) {
        this(user, link, validFor, at, null, null, null, null);
    }

    public MailContext {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(at, "at");
    }
}
