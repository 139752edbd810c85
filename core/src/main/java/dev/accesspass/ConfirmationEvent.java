package dev.accesspass;

/** A user confirmed their email address; {@code user} already shows it confirmed. */
public record ConfirmationEvent(User user, AccessPass accessPass) {
}
