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
    MFA_LOGIN
}
