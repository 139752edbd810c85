package dev.accesspass.store;

/**
 * An optional capability of a {@link TokenStore} that keeps its grants in memory (the in-memory store): for each live
 * access token, a place where core keeps what it derived from the token's grant, so that a repeated check of an
 * unchanged session reads only the store's entry and the user's cell instead of rebuilding its answer. Core uses it
 * only together with a {@link UserStore} that is {@link UserCells} (whose users are in memory too); stores that keep
 * their data elsewhere (the JDBC and Redis ones) do not implement it and are checked as before.
 *
 * <p>For core's token check only: not a store author's concern. Finding takes no lock; thread-safe.
 */
public interface MemoSlots {

    /**
     * The slot of a live access token: found exactly when {@link TokenStore#findByAccessToken} would return a grant
     * (same rules, at {@code nowMillis}, epoch milliseconds), else null (no {@code Optional}, as this runs on every
     * check; and milliseconds, which the system clock gives without building an {@code Instant}).
     */
    Slot findSlot(TokenHash accessHash, long nowMillis);

    /**
     * Keeps {@code answer}, built from {@code builtFrom} ({@code slot}'s grant) and {@code user} (read from
     * {@code cell}), for {@link Slot#recall} on the slots found after this. The store may decline (the grant changed
     * meanwhile) and may forget it at any time.
     */
    void remember(Slot slot, SessionGrant builtFrom, UserCells.Cell cell, UserRecord user, Object answer);

    /** What the store holds for one live access token, as one check finds it. */
    interface Slot {
        /** What {@link #recall} returns when there is no answer to reuse. */
        Object FORGOTTEN = new Object();

        /** The pair's grant as {@link TokenStore#findByAccessToken} returns it: the same instance while unchanged. */
        SessionGrant grant();

        /**
         * The answer core last {@linkplain MemoSlots#remember remembered} for this token, null included, if it was
         * built from the grant the pair holds now and from the record the user's cell still holds; else
         * {@link #FORGOTTEN}. The answer and what it was built from come from one {@code remember}, never two.
         */
        Object recall();
    }
}
