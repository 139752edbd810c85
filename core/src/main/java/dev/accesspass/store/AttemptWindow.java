package dev.accesspass.store;

import java.time.Instant;

/**
 * Failed login attempts counted for one key in its current fixed window.
 *
 * @param windowEndsAt when the count goes back to zero; meaningless when {@code failures} is 0
 */
public record AttemptWindow(int failures, Instant windowEndsAt) {
    public static AttemptWindow none(Instant now) {
        return new AttemptWindow(0, now);
    }
}
