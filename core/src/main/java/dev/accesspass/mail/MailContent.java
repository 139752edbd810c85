package dev.accesspass.mail;

import java.util.Objects;

/**
 * What a template renders: a subject, a plain-text body and an optional HTML body. The recipient is never part of
 * it; AccessPass sets that from the account, so no template can redirect a message.
 *
 * @param subject one line; CR, LF and other control characters are replaced by spaces (SR-40)
 * @param text    the plain-text body, always sent
 * @param html    the HTML alternative, or {@code null} for a text-only message. Insert user values with
 *                {@link MailTemplates#escapeHtml(String)}.
 */
public record MailContent(String subject, String text, String html) {
    public MailContent {
        subject = MailMessage.oneLine(Objects.requireNonNull(subject, "subject"));
        Objects.requireNonNull(text, "text");
    }
}
