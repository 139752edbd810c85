package dev.accesspass.event;

import dev.accesspass.User;

/** A user was registered. */
public record RegisterEvent(User user, String clientAddress) {
}
