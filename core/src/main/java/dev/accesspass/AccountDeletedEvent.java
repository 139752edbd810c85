package dev.accesspass;

/** A user and everything that belonged to it were deleted. {@code user} is the last view of it. */
public record AccountDeletedEvent(User user) {
}
