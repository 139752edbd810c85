package dev.accesspass;

/**
 * The stable, machine-readable error codes of the HTTP contract, each with the status it is answered with.
 * Core decides the code; only the servlet layer turns it into a response.
 */
public enum ErrorCode {
    VALIDATION_FAILED("validation_failed", 400),
    MALFORMED_REQUEST("malformed_request", 400),
    NOT_FOUND("not_found", 404),
    METHOD_NOT_ALLOWED("method_not_allowed", 405),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415),
    PAYLOAD_TOO_LARGE("payload_too_large", 413),
    INVALID_CREDENTIALS("invalid_credentials", 401),
    INVALID_TOKEN("invalid_token", 401),
    INVALID_GRANT("invalid_grant", 401),
    /** {@code /introspect} without valid client credentials; challenged with {@code Basic}, not {@code Bearer}. */
    INVALID_CLIENT("invalid_client", 401),
    EMAIL_NOT_CONFIRMED("email_not_confirmed", 403),
    /** The password (or OAuth login) was right; a second factor must follow at {@code /mfa/verify} (API.md §8). */
    MFA_REQUIRED("mfa_required", 403),
    /** A wrong, expired or replayed TOTP or recovery code in an MFA step. */
    INVALID_CODE("invalid_code", 401),
    /** {@code /mfa/totp/setup} while TOTP is already on. */
    ALREADY_ENABLED("already_enabled", 409),
    INSUFFICIENT_ROLE("insufficient_role", 403),
    USERNAME_TAKEN("username_taken", 409),
    EMAIL_TAKEN("email_taken", 409),
    /** An OAuth login whose verified email belongs to an account with a password: log in and link (API.md §7). */
    ACCOUNT_EXISTS("account_exists", 409),
    /** Linking a provider identity that belongs to another user. */
    IDENTITY_TAKEN("identity_taken", 409),
    /** Removing this identity (or passkey) would leave the user no way to log in. */
    LAST_LOGIN_METHOD("last_login_method", 409),
    /** The route needs a more recent (or stronger) authentication than this session has (API.md §9). */
    STEP_UP_REQUIRED("step_up_required", 401),
    TOO_MANY_ATTEMPTS("too_many_attempts", 429),
    OAUTH_FAILED("oauth_failed", 400),
    UNKNOWN_PROVIDER("unknown_provider", 404),
    STORE_UNAVAILABLE("store_unavailable", 503),
    SERVER_BUSY("server_busy", 503),
    INTERNAL_ERROR("internal_error", 500);

    private final String code;
    private final int status;

    ErrorCode(String code, int status) {
        this.code = code;
        this.status = status;
    }

    /** The wire value, e.g. {@code "invalid_grant"}. */
    public String code() {
        return code;
    }

    /** The HTTP status this code is answered with. */
    public int status() {
        return status;
    }
}
