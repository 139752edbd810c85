package dev.accesspass;

import java.util.List;
import java.util.Objects;

/**
 * 403 {@code mfa_required} (API.md §8): the first factor was right and the user has a second one. The servlet layer
 * adds {@link #mfaToken()} and {@link #methods()} to the problem body as extension members. The token is never
 * part of the message, so a logged exception does not leak it.
 */
public final class MfaRequiredException extends AccessPassException {
    private static final long serialVersionUID = 1L;

    private final transient String mfaToken;
    private final transient List<String> methods;

    MfaRequiredException(String mfaToken, List<String> methods) {
        super(ErrorCode.MFA_REQUIRED, "A second factor is required: send a code to /mfa/verify.");
        this.mfaToken = Objects.requireNonNull(mfaToken, "mfaToken");
        this.methods = List.copyOf(methods);
    }

    /** The single-use token that {@code /mfa/verify} takes with the code. */
    public String mfaToken() {
        return mfaToken;
    }

    /** The second factors the user may answer with, e.g. {@code ["totp","recovery_code"]}. */
    public List<String> methods() {
        return methods;
    }
}
