package dev.accesspass.mail;

/**
 * The texts of the messages AccessPass sends. Every method has a built-in default (plain text plus a small
 * HTML part), so an application overrides only the messages it wants to change:
 *
 * <pre>{@code
 * AccessPass.builder(config).mailTemplates(new MailTemplates() {
 *     public MailContent confirmEmail(MailContext c) {
 *         return new MailContent("Welcome to Acme", "Confirm: " + c.link(),
 *                 "<p>Hi " + MailTemplates.escapeHtml(c.user().username()) + "</p>");
 *     }
 * });
 * }</pre>
 *
 * <p>Hooks can do the same through {@link dev.accesspass.AuthHooks#mailTemplates}. Templates run on AccessPass's
 * sender threads and must be thread-safe. One that throws is logged, and the built-in text is sent instead.
 * Subjects should not contain user data; any CR or LF in them is replaced (SR-40). Escape every user value put into
 * HTML with {@link #escapeHtml(String)}.
 */
public interface MailTemplates {

    /** The built-in texts. */
    static MailTemplates defaults() {
        return DefaultTemplates.INSTANCE;
    }

    /** The message with the email-confirmation link (sent at registration and by {@code /confirm/resend}). */
    default MailContent confirmEmail(MailContext context) {
        return DefaultTemplates.confirmEmail(context);
    }

    /** The message with the password-reset link ({@code /password/forgot}). */
    default MailContent resetPassword(MailContext context) {
        return DefaultTemplates.resetPassword(context);
    }

    /** The message that tells the account's username ({@code /username/forgot}); it has no link. */
    default MailContent forgotUsername(MailContext context) {
        return DefaultTemplates.forgotUsername(context);
    }

    /**
     * The notice after a password reset or change (SR-12): no link, no token, no password. Tells the owner what to
     * do if it was not them.
     */
    default MailContent passwordChanged(MailContext context) {
        return DefaultTemplates.passwordChanged(context);
    }

    /**
     * The notice to the owner of an address that someone used to register again while {@code require-confirmed-email}
     * is on (the registration itself was answered as if it were new, so it reveals nothing): no link, no token.
     */
    default MailContent registrationAttempted(MailContext context) {
        return DefaultTemplates.registrationAttempted(context);
    }

    /**
     * The message with the link that confirms an email change ({@code POST /email/change}); it goes to the NEW
     * address, {@link MailContext#detail()}. The user's {@code email} is still the old one.
     */
    default MailContent confirmEmailChange(MailContext context) {
        return DefaultTemplates.confirmEmailChange(context);
    }

    /**
     * The notice to the CURRENT address that someone asked to move the account to {@link MailContext#detail()}:
     * nothing changes unless the link sent there is used. No link, no token.
     */
    default MailContent emailChangeRequested(MailContext context) {
        return DefaultTemplates.emailChangeRequested(context);
    }

    /**
     * A security notice (with {@code notify-security-changes}, or {@code notify-new-device} for a new device): what
     * happened ({@link MailContext#event()}: {@code email_changed} — sent to the old address —,
     * {@code identity_linked}, {@code identity_unlinked}, {@code new_device_login}, and later MFA and passkey
     * events), when, from which address and browser, and what to do if it was not the user. No link, no token.
     * Password changes and resets keep their own {@link #passwordChanged} message.
     */
    default MailContent securityNotice(MailContext context) {
        return DefaultTemplates.securityNotice(context);
    }

    /**
     * Escapes a value for HTML text and attribute values: {@code & < > " '}. Use it for every user value an HTML
     * template inserts. {@code null} becomes the empty string.
     */
    static String escapeHtml(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
