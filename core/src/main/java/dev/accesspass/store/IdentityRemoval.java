package dev.accesspass.store;

/** The outcome of {@link UserStore#unlinkIdentity} and {@link UserStore#removePasskey}. */
public enum IdentityRemoval {
    /** The identity was linked to that user and is gone. */
    REMOVED,
    /** No such user, or no identity of that provider (no such passkey) linked to it. */
    NOT_LINKED,
    /** The caller's rule refused: it would leave the user no way to log in. Nothing changed. */
    REFUSED
}
