package dev.accesspass.event;

import dev.accesspass.User;

/** A user confirmed their email address; {@code user} already shows it confirmed. */
public record ConfirmationEvent(User user) {
}
