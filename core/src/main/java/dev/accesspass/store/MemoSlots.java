package dev.accesspass.store;

/**
 * An optional capability of a {@link TokenStore} that keeps its grants in memory (the in-memory store): next to each
 * live token pair, a slot where core keeps what it derived from the pair's grant (fields of the pair, which the
 * lookup reads anyway), so that a repeated check of an unchanged session reads only the user's cell besides instead
 * of rebuilding its answer. Core uses it only together with a
 * {@link UserStore} that is {@link UserCells} (whose users are in memory too); stores that keep their data elsewhere
 * (the JDBC and Redis ones) do not implement it and are checked as before.
 *
 * <p>For core's token check only: not a store author's concern. No lock (checks write the memo too); thread-safe.
 */
public interface MemoSlots {

    /**
     * The slot of a live access token: found exactly when {@link TokenStore#findByAccessToken} would return a grant
     * (same rules, at {@code nowMillis}, epoch milliseconds), else null (no {@code Optional}, as this runs on every
     * check; and milliseconds, which the system clock gives without building an {@code Instant}).
     */
    Slot findSlot(TokenHash accessHash, long nowMillis);

    /** One token pair's slot. */
    interface Slot {
        /** What {@link #recall} returns when there is no answer to reuse. */
        Object FORGOTTEN = new Object();

        /** The pair's grant as {@link TokenStore#findByAccessToken} returns it: the same instance while unchanged. */
        SessionGrant grant();

        /**
         * The answer core last {@linkplain #remember remembered} here, null included, if it was built from the grant
         * this pair holds now and from the record the user's cell still holds; else {@link #FORGOTTEN}. The four
         * values are read as they were written together (never half of one write), and the store may forget them at
         * any time.
         */
        Object recall();

        /**
         * Keeps {@code answer}, built from {@code grant} (this pair's) and {@code user} (read from {@code cell}), for
         * {@link #recall}. Skipped while another check writes the same slot: that one keeps its own.
         */
        void remember(SessionGrant grant, UserCells.Cell cell, UserRecord user, Object answer);
    }
}
