package dev.accesspass.event;

import dev.accesspass.SessionId;
import dev.accesspass.UserId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A structured security event for audit logs and metrics (SR-67). Never carries a token, password or hash.
 *
 * @param user      the user concerned, or {@code null} when unknown (a failed login for a name that does not exist)
 * @param session   the session concerned, or {@code null}
 * @param details   extra fields, e.g. {@code identifier} for a failed login
 */
public record SecurityEvent(Type type, Instant at, UserId user, SessionId session, String clientAddress,
                            Map<String, String> details) {
    public SecurityEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        details = Map.copyOf(details);
    }

    /** The kinds of event, with their stable names for logs. */
    public enum Type {
        USER_REGISTERED("user_registered"),
        LOGIN_SUCCEEDED("login_succeeded"),
        LOGIN_FAILED("login_failed"),
        LOGIN_THROTTLED("login_throttled"),
        REFRESH_REUSE_DETECTED("refresh_reuse_detected"),
        SESSION_REVOKED("session_revoked"),
        ALL_SESSIONS_REVOKED("all_sessions_revoked"),
        PASSWORD_CHANGED("password_changed"),
        PASSWORD_RESET("password_reset"),
        EMAIL_CONFIRMED("email_confirmed"),
        OAUTH_LINKED("oauth_linked"),
        OAUTH_UNLINKED("oauth_unlinked"),
        EMAIL_CHANGE_REQUESTED("email_change_requested"),
        EMAIL_CHANGED("email_changed"),
        ROLE_CHANGED("role_changed"),
        ACCOUNT_DELETED("account_deleted"),
        /** The breached-password range API could not be asked; the password was accepted (fail open). */
        BREACHED_PASSWORD_CHECK_UNAVAILABLE("breached_password_check_unavailable"),
        /** A right first factor of a user with TOTP: an {@code mfa_token} was issued. */
        MFA_REQUIRED("mfa_required"),
        /** A wrong, replayed or malformed second-factor code. */
        MFA_FAILED("mfa_failed"),
        MFA_ENABLED("mfa_enabled"),
        MFA_DISABLED("mfa_disabled"),
        RECOVERY_CODE_USED("recovery_code_used"),
        RECOVERY_CODES_REGENERATED("recovery_codes_regenerated"),
        /** {@code /reauth} raised a session's {@code auth_time}. */
        REAUTHENTICATED("reauthenticated"),
        PASSKEY_ADDED("passkey_added"),
        PASSKEY_REMOVED("passkey_removed"),
        /** A passkey registration or assertion refused; {@code reason} names the failed check (never the client). */
        PASSKEY_FAILED("passkey_failed"),
        /**
         * An assertion whose signature counter did not increase: the authenticator may have been cloned. The
         * assertion was refused.
         */
        PASSKEY_COUNTER_MISMATCH("passkey_counter_mismatch");

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }
}
