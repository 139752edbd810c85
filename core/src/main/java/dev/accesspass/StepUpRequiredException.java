package dev.accesspass;

import java.time.Duration;
import java.util.Optional;

/**
 * 401 {@code step_up_required} (API.md §9): the session's last authentication is older than the route allows, or
 * the route needs a second factor ({@code aal} 2) the session lacks. The servlet layer answers it with the RFC 9470
 * challenge {@code error="insufficient_user_authentication"} and {@code max_age} or {@code acr_values="mfa"}. The
 * token stays good for every other route.
 */
public final class StepUpRequiredException extends AccessPassException {
    private static final long serialVersionUID = 1L;

    private final transient Duration maxAge;
    private final boolean mfa;

    /** Too old an authentication. */
    public StepUpRequiredException(Duration maxAge) {
        this(java.util.Objects.requireNonNull(maxAge, "maxAge"), false);
    }

    /**
     * @param maxAge the largest age accepted, or null when the age was not the problem
     * @param mfa    whether a second factor is missing
     */
    public StepUpRequiredException(Duration maxAge, boolean mfa) {
        super(ErrorCode.STEP_UP_REQUIRED, mfa ? "Authenticate again with a second factor."
                : "Authenticate again: this needs a more recent login.");
        if (maxAge == null && !mfa) {
            throw new IllegalArgumentException("a step-up needs a max age or a second factor");
        }
        this.maxAge = maxAge;
        this.mfa = mfa;
    }

    /** The largest age of the last authentication the route accepts, if that was what failed. */
    public Optional<Duration> maxAge() {
        return Optional.ofNullable(maxAge);
    }

    /** Whether the route needs a second factor ({@code acr_values="mfa"}). */
    public boolean mfa() {
        return mfa;
    }
}
