package dev.accesspass.passkey;

/**
 * A ceremony response that failed a check. The {@link #reason} is for the security log only: the client is always
 * told the same thing, so no answer says which check failed.
 */
public final class PasskeyRefusedException extends RuntimeException {
    private final String reason;

    public PasskeyRefusedException(String reason, Throwable cause) {
        super(reason, cause, false, false);
        this.reason = reason;
    }

    /** Which check failed: {@code origin}, {@code rp_id}, {@code challenge}, {@code signature}, {@code counter}, … */
    public String reason() {
        return reason;
    }
}
