package dev.accesspass;

import java.time.Duration;
import java.util.Objects;

/**
 * 401 {@code step_up_required} (API.md §9): the session's last authentication is older than the route allows. The
 * servlet layer answers it with the RFC 9470 challenge {@code error="insufficient_user_authentication"} and
 * {@code max_age}. The token stays good for every other route.
 */
public final class StepUpRequiredException extends AccessPassException {
    private static final long serialVersionUID = 1L;

    private final transient Duration maxAge;

    public StepUpRequiredException(Duration maxAge) {
        super(ErrorCode.STEP_UP_REQUIRED, "Authenticate again: this needs a more recent login.");
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    }

    /** The largest age of the last authentication the route accepts. */
    public Duration maxAge() {
        return maxAge;
    }
}
