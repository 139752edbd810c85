package dev.accesspass;

import dev.accesspass.store.MemoSlots;
import dev.accesspass.store.SessionGrant;
import dev.accesspass.store.UserCells;
import dev.accesspass.store.UserRecord;
import java.util.Optional;

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
    final Optional<Authentication> answer;

    CheckMemo(SessionGrant grant, UserRecord user, UserCells.Cell cell, Optional<Authentication> answer) {
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
