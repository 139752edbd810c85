package dev.accesspass.store;

/** What a one-time token may be used for. A token of one purpose is never accepted for another (SR-04). */
public enum TokenPurpose {
    CONFIRM_EMAIL,
    RESET_PASSWORD,
    OAUTH_STATE,
    /** An email change: bound to its user, the new address in the payload (API.md §7). */
    EMAIL_CHANGE
}
