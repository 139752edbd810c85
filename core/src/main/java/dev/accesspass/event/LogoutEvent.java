package dev.accesspass.event;

import dev.accesspass.SessionId;
import dev.accesspass.User;

/**
 * A user logged out.
 *
 * @param allSessions true for {@code /logout-all}; {@code sessionId} is then the session that asked
 */
public record LogoutEvent(User user, SessionId sessionId, boolean allSessions) {
}
