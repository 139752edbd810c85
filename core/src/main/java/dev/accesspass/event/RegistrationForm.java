package dev.accesspass.event;

/** What a registration submitted, for {@link dev.accesspass.AuthHooks#validateRegistration}; the password is not included. */
public record RegistrationForm(String username, String email) {
}
