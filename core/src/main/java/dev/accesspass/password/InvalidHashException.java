package dev.accesspass.password;

/**
 * A stored hash string that cannot be verified: unknown scheme, malformed, or parameters above the SR-21 ceiling.
 *
 * <p>The message is safe to log: it names the scheme prefix and the broken rule, never any part of the salt or
 * hash. Thrown and caught inside this package only, so it skips the stack trace (it is an expected outcome, not a
 * bug). Immutable.
 */
final class InvalidHashException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidHashException(String safeMessage) {
        super(safeMessage, null, false, false);
    }
}
