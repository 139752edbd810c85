package dev.accesspass.event;

import dev.accesspass.SessionId;
import dev.accesspass.User;

/**
 * A signed-in user changed their password. Every other session of the user was revoked before this event.
 *
 * @param sessionId the session that made the change; it stays signed in
 */
public record PasswordChangeEvent(User user, SessionId sessionId, String clientAddress) {
}
