package dev.accesspass.store;

/** What a one-time token may be used for. A token of one purpose is never accepted for another (SR-04). */
public enum TokenPurpose {
    CONFIRM_EMAIL,
    RESET_PASSWORD,
    OAUTH_STATE,
    /** An email change: bound to its user, the new address in the payload (API.md §7). */
    EMAIL_CHANGE,
    /**
     * The {@code mfa_token} of a login whose first factor was right (API.md §8): bound to its user, the login's
     * method and credential epoch in the payload; 300 s.
     */
    MFA_LOGIN,
    /**
     * A passkey registration ceremony (API.md §10): bound to its user; the challenge in the payload; 300 s. Each
     * ceremony kind is its own purpose, so a challenge of one kind never finishes another.
     */
    PASSKEY_REGISTRATION,
    /** A usernameless passkey login ceremony: no user; the challenge in the payload. */
    PASSKEY_LOGIN,
    /** A passkey as the second factor of a login: bound to its user and (in the payload) to its {@code mfa_token}. */
    PASSKEY_MFA,
    /** A passkey re-authentication of a session: bound to its user and (in the payload) to the session. */
    PASSKEY_REAUTH
}
