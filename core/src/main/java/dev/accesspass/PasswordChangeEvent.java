package dev.accesspass;

import dev.accesspass.store.SessionId;

/**
 * A signed-in user changed their password. Every other session of the user was revoked before this event.
 *
 * @param sessionId the session that made the change; it stays signed in
 */
public record PasswordChangeEvent(User user, SessionId sessionId, String clientAddress, AccessPass accessPass) {
}
