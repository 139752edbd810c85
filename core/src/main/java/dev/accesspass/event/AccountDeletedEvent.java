package dev.accesspass.event;

import dev.accesspass.User;

/** A user and everything that belonged to it were deleted. {@code user} is the last view of it. */
public record AccountDeletedEvent(User user) {
}
