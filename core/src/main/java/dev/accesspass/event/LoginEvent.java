package dev.accesspass.event;

import dev.accesspass.AccessPass;
import dev.accesspass.SessionId;
import dev.accesspass.User;

/**
 * A session was opened for a user.
 *
 * @param method {@code "password"}, {@code "oauth"}, {@code "register"} or {@code "api"} (opened through
 *               {@link AccessPass#openSession})
 */
public record LoginEvent(User user, SessionId sessionId, String method, String clientAddress) {
}
