package dev.accesspass.mail;

import java.time.Duration;

/** The built-in message texts. Stateless and thread-safe. */
final class DefaultTemplates {
    /** The interface's default methods are the built-in texts, so an empty implementation is the default. */
    static final MailTemplates INSTANCE = new MailTemplates() {
    };

    private DefaultTemplates() {
    }

    static MailContent confirmEmail(MailContext c) {
        String valid = describe(c.validFor());
        String text = "Hello " + c.user().username() + ",\n\n"
                + "please confirm your email address by opening this link:\n\n"
                + c.link() + "\n\n"
                + "The link works once and for " + valid + ". If you did not create an account, ignore this message.\n";
        String html = "<p>Hello " + MailTemplates.escapeHtml(c.user().username()) + ",</p>"
                + "<p>please confirm your email address:</p>"
                + "<p><a href=\"" + MailTemplates.escapeHtml(c.link()) + "\">Confirm my email address</a></p>"
                + "<p>The link works once and for " + valid
                + ". If you did not create an account, ignore this message.</p>";
        return new MailContent("Confirm your email address", text, html);
    }

    static MailContent resetPassword(MailContext c) {
        String valid = describe(c.validFor());
        String text = "Hello " + c.user().username() + ",\n\n"
                + "someone asked to reset the password of your account. To choose a new password, open this link:\n\n"
                + c.link() + "\n\n"
                + "The link works once and for " + valid + ". If you did not ask for this, ignore this message; "
                + "your password stays as it is.\n";
        String html = "<p>Hello " + MailTemplates.escapeHtml(c.user().username()) + ",</p>"
                + "<p>someone asked to reset the password of your account.</p>"
                + "<p><a href=\"" + MailTemplates.escapeHtml(c.link()) + "\">Choose a new password</a></p>"
                + "<p>The link works once and for " + valid + ". If you did not ask for this, ignore this message; "
                + "your password stays as it is.</p>";
        return new MailContent("Reset your password", text, html);
    }

    static MailContent forgotUsername(MailContext c) {
        String text = "Hello,\n\nthe username of the account with this email address is:\n\n"
                + c.user().username() + "\n\nIf you did not ask for this, ignore this message.\n";
        String html = "<p>Hello,</p><p>the username of the account with this email address is:</p>"
                + "<p><strong>" + MailTemplates.escapeHtml(c.user().username()) + "</strong></p>"
                + "<p>If you did not ask for this, ignore this message.</p>";
        return new MailContent("Your username", text, html);
    }

    static MailContent passwordChanged(MailContext c) {
        String text = "Hello " + c.user().username() + ",\n\n"
                + "the password of your account was changed at " + c.at() + " (UTC)" + origin(c, false)
                + ", and every other session was signed out.\n\n"
                + "If this was not you, reset your password at once with \"Forgot password\" and contact support.\n";
        String html = "<p>Hello " + MailTemplates.escapeHtml(c.user().username()) + ",</p>"
                + "<p>the password of your account was changed at " + c.at() + " (UTC)" + origin(c, true)
                + ", and every other session was signed out.</p>"
                + "<p>If this was not you, reset your password at once with &quot;Forgot password&quot; and "
                + "contact support.</p>";
        return new MailContent("Your password was changed", text, html);
    }

    static MailContent registrationAttempted(MailContext c) {
        String text = "Hello " + c.user().username() + ",\n\n"
                + "someone tried to create a new account with this email address at " + c.at() + " (UTC). Your "
                + "account already uses it, so nothing was created and nothing about your account changed.\n\n"
                + "If this was you, log in with your existing account (or use \"Forgot password\").\n";
        String html = "<p>Hello " + MailTemplates.escapeHtml(c.user().username()) + ",</p>"
                + "<p>someone tried to create a new account with this email address at " + c.at() + " (UTC). Your "
                + "account already uses it, so nothing was created and nothing about your account changed.</p>"
                + "<p>If this was you, log in with your existing account (or use &quot;Forgot password&quot;).</p>";
        return new MailContent("Someone tried to register with your email address", text, html);
    }

    static MailContent confirmEmailChange(MailContext c) {
        String valid = describe(c.validFor());
        String text = "Hello " + c.user().username() + ",\n\n"
                + "to make " + c.detail() + " the email address of your account, open this link:\n\n"
                + c.link() + "\n\n"
                + "The link works once and for " + valid + ". If you did not ask for this, ignore this message; "
                + "nothing changes.\n";
        String html = "<p>Hello " + MailTemplates.escapeHtml(c.user().username()) + ",</p>"
                + "<p>to make " + MailTemplates.escapeHtml(c.detail()) + " the email address of your account:</p>"
                + "<p><a href=\"" + MailTemplates.escapeHtml(c.link()) + "\">Confirm the new address</a></p>"
                + "<p>The link works once and for " + valid + ". If you did not ask for this, ignore this message; "
                + "nothing changes.</p>";
        return new MailContent("Confirm your new email address", text, html);
    }

    static MailContent emailChangeRequested(MailContext c) {
        String text = "Hello " + c.user().username() + ",\n\n"
                + "at " + c.at() + " (UTC)" + origin(c, false) + " someone signed in to your account asked to "
                + "change its email address to " + c.detail() + ". Nothing changes unless the link sent to that "
                + "address is used.\n\n"
                + "If this was not you, change your password at once and sign out your other sessions.\n";
        String html = "<p>Hello " + MailTemplates.escapeHtml(c.user().username()) + ",</p>"
                + "<p>at " + c.at() + " (UTC)" + origin(c, true) + " someone signed in to your account asked to "
                + "change its email address to " + MailTemplates.escapeHtml(c.detail()) + ". Nothing changes "
                + "unless the link sent to that address is used.</p>"
                + "<p>If this was not you, change your password at once and sign out your other sessions.</p>";
        return new MailContent("A change of your email address was requested", text, html);
    }

    static MailContent securityNotice(MailContext c) {
        String what = switch (c.event() == null ? "" : c.event()) {
            case "email_changed" -> "the email address of your account was changed to " + c.detail()
                    + "; this address no longer signs in to it";
            case "identity_linked" -> "a " + c.detail() + " login was linked to your account";
            case "identity_unlinked" -> "the " + c.detail() + " login was removed from your account";
            case "new_device_login" -> "your account was signed in to from a browser it has not seen before";
            case "passkey_added" -> "a passkey (" + c.detail() + ") was added to your account";
            case "passkey_removed" -> "a passkey (" + c.detail() + ") was removed from your account";
            default -> "a security setting of your account changed (" + c.event() + ")";
        };
        String subject = switch (c.event() == null ? "" : c.event()) {
            case "email_changed" -> "Your email address was changed";
            case "identity_linked" -> "A login was linked to your account";
            case "identity_unlinked" -> "A login was removed from your account";
            case "new_device_login" -> "New sign-in to your account";
            case "passkey_added" -> "A passkey was added to your account";
            case "passkey_removed" -> "A passkey was removed from your account";
            default -> "A security setting of your account changed";
        };
        String advice = "If this was not you, reset your password at once with \"Forgot password\", sign out "
                + "your other sessions and contact support.";
        String text = "Hello " + c.user().username() + ",\n\n"
                + "at " + c.at() + " (UTC)" + origin(c, false) + ", " + what + ".\n\n" + advice + "\n";
        String html = "<p>Hello " + MailTemplates.escapeHtml(c.user().username()) + ",</p>"
                + "<p>at " + c.at() + " (UTC)" + origin(c, true) + ", " + MailTemplates.escapeHtml(what) + ".</p>"
                + "<p>" + MailTemplates.escapeHtml(advice) + "</p>";
        return new MailContent(subject, text, html);
    }

    /** " from 203.0.113.7 (Firefox …)" for the notices, or "" when neither is known. */
    private static String origin(MailContext c, boolean html) {
        if (c.clientAddress() == null && c.userAgent() == null) {
            return "";
        }
        String where = c.clientAddress() == null ? "an unknown address" : c.clientAddress();
        String browser = c.userAgent() == null ? "" : " (" + c.userAgent() + ")";
        String phrase = " from " + where + browser;
        return html ? MailTemplates.escapeHtml(phrase) : phrase;
    }

    /** "24 hours", "1 hour", "30 minutes". */
    static String describe(Duration duration) {
        if (duration == null) {
            return "a limited time";
        }
        long minutes = Math.max(1, duration.toMinutes());
        if (minutes % 60 == 0) {
            long hours = minutes / 60;
            return hours + (hours == 1 ? " hour" : " hours");
        }
        return minutes + (minutes == 1 ? " minute" : " minutes");
    }
}
