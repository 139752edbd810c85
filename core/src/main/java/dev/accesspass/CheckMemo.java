package dev.accesspass;

import dev.accesspass.store.MemoSlots;
import dev.accesspass.store.SessionGrant;
import dev.accesspass.store.UserCells;
import dev.accesspass.store.UserRecord;

/**
 * The answer of a token check for one grant instance and one user record instance, kept in the token pair's
 * {@link MemoSlots.Slot} by {@link Sessions}. Both inputs are immutable values and the answer is a function of them
 * alone (the expiry is the store's, checked on every call), so while the store hands out the same grant and the
 * user's {@link UserCells.Cell} still holds the same record, the answer is the one already built. Immutable.
 */
final class CheckMemo {
    final SessionGrant grant;
    final UserRecord user;
    final UserCells.Cell cell;
    /**
     * The answer, null for a refusal. Not kept as the {@code Optional}: the caller reads what it gets, and a new one
     * is a cheap allocation (often none, after inlining) where the kept one would be one more cache miss.
     */
    final Authentication answer;

    CheckMemo(SessionGrant grant, UserRecord user, UserCells.Cell cell, Authentication answer) {
        this.grant = grant;
        this.user = user;
        this.cell = cell;
        this.answer = answer;
    }

    /** Identity, not equality: a new instance means something changed, and comparing contents would read them. */
    boolean validFor(SessionGrant current) {
        return grant == current && cell.current() == user;
    }
}
