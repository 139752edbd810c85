package dev.accesspass.event;

import dev.accesspass.User;

/**
 * A user set a new password with an emailed reset token. Every session of the user was revoked before this event.
 *
 * @param clientAddress the address the reset came from, or {@code null} when called from code
 */
public record PasswordResetEvent(User user, String clientAddress) {
}
