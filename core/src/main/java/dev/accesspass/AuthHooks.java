package dev.accesspass;

import dev.accesspass.event.AccountDeletedEvent;
import dev.accesspass.event.ConfirmationEvent;
import dev.accesspass.event.LoginEvent;
import dev.accesspass.event.LogoutEvent;
import dev.accesspass.event.OAuthLoginEvent;
import dev.accesspass.event.PasswordChangeEvent;
import dev.accesspass.event.PasswordResetEvent;
import dev.accesspass.event.RegisterEvent;
import dev.accesspass.event.RegistrationForm;
import dev.accesspass.event.SecurityEvent;
import dev.accesspass.mail.MailTemplates;
import java.util.Map;

/**
 * Customises AccessPass's steps (API.md §4). Every method has a no-op default, so an application overrides only
 * what it needs and new hooks break no one.
 *
 * <p>Chosen by code first ({@link AccessPass.Builder#hooks}), then the {@code hooks} setting (a class name with a
 * public no-argument constructor), then {@link java.util.ServiceLoader} (more than one candidate is an error).
 *
 * <p>A failing {@code validate…} hook fails the request. A failing {@code after…} or {@code on…} hook is logged
 * with its name and the response still goes out. Hooks run on request threads and must be thread-safe.
 */
public interface AuthHooks {

    /** Called once when AccessPass starts, before any request; keep the reference to use the Java API later. */
    default void attach(AccessPass accessPass) {
    }

    /** Adds field errors to a registration; runs after the built-in rules, which it cannot relax. */
    default void validateRegistration(RegistrationForm form, FieldErrors errors) {
    }

    default void afterRegister(RegisterEvent event) {
    }

    default void afterLogin(LoginEvent event) {
    }

    /**
     * Extra top-level fields for every token response of this user (AccessPass's {@code login_return}). The
     * standard fields ({@code access_token}, {@code user}, …) cannot be replaced.
     */
    default Map<String, Object> loginResponse(User user) {
        return Map.of();
    }

    default void afterLogout(LogoutEvent event) {
    }

    default void afterAccountDeleted(AccountDeletedEvent event) {
    }

    /**
     * A user logged in through an OAuth provider, after {@link #afterLogin}: tells whether the user was created or
     * the identity linked by this login, with the provider's profile.
     */
    default void afterOAuthLogin(OAuthLoginEvent event) {
    }

    /** After an email address was confirmed through its emailed link ({@code /confirm}). */
    default void afterConfirmation(ConfirmationEvent event) {
    }

    /** After a password reset with an emailed token ({@code /password/reset}); every session is revoked by then. */
    default void afterPasswordReset(PasswordResetEvent event) {
    }

    /** After a signed-in password change ({@code /password/change}); every other session is revoked by then. */
    default void afterPasswordChange(PasswordChangeEvent event) {
    }

    /**
     * The email templates to use, called once at start. {@code configured} is what was given to
     * {@link AccessPass.Builder#mailTemplates} or else {@link MailTemplates#defaults()}; return it unchanged, or a
     * {@link MailTemplates} that overrides some messages. Methods a new implementation does not override give the
     * built-in texts; forward them to {@code configured} to keep its texts instead.
     */
    default MailTemplates mailTemplates(MailTemplates configured) {
        return configured;
    }

    /** Every security event, after it was logged. */
    default void onSecurityEvent(SecurityEvent event) {
    }
}
