package dev.accesspass;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The one rule for the library's own sensitive routes when the user has no password to re-enter (API.md §9): the
 * session's {@code auth_time} must be within {@code reauth-max-age}. Without it, a stolen access token alone could
 * change the email or delete an OAuth-only account. Stateless.
 */
final class StepUp {
    private StepUp() {
    }

    /**
     * @throws StepUpRequiredException when {@code auth} authenticated longer than {@code maxAge} ago
     */
    static void requireRecent(Authentication auth, Duration maxAge, Clock clock) {
        Instant oldestAccepted = clock.instant().minus(maxAge);
        if (auth.authTime().isBefore(oldestAccepted)) {
            throw new StepUpRequiredException(maxAge);
        }
    }
}
