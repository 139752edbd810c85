package dev.accesspass;

/** A user was registered. {@code accessPass} lets the hook grant roles or look things up. */
public record RegisterEvent(User user, String clientAddress, AccessPass accessPass) {
}
