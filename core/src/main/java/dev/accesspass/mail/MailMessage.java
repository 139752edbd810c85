package dev.accesspass.mail;

import java.util.Objects;

/**
 * One message to deliver. Immutable.
 *
 * @param to      one bare email address, validated by AccessPass before any message is built
 * @param subject one line; CR, LF and other control characters are replaced by spaces (SR-40)
 * @param text    the plain-text body
 * @param html    the HTML alternative, or {@code null}
 * @param kind    which template made it: {@code confirm_email}, {@code reset_password}, {@code forgot_username} or
 *                {@code password_changed}; for logs and tests
 */
public record MailMessage(String to, String subject, String text, String html, String kind) {
    public MailMessage {
        Objects.requireNonNull(to, "to");
        subject = oneLine(Objects.requireNonNull(subject, "subject"));
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(kind, "kind");
    }

    /** A message to {@code to} with rendered content. */
    public static MailMessage of(String to, MailContent content, String kind) {
        return new MailMessage(to, content.subject(), content.text(), content.html(), kind);
    }

    static String oneLine(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
        }
        return out.toString();
    }

    /** Without the bodies: they may hold a link with a token. */
    @Override
    public String toString() {
        return "MailMessage[kind=" + kind + ", subject=" + subject + "]";
    }
}
