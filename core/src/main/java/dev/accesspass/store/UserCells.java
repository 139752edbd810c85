package dev.accesspass.store;

import dev.accesspass.UserId;

/**
 * An optional capability of a {@link UserStore} that keeps its users in memory (the in-memory store): each user's
 * record is held in one {@link Cell} for the user's whole life, which the store points at the new record in the same
 * atomic step that changes the user, and at nothing when the user is deleted. So whoever holds a cell and a record
 * read from it knows with one read whether that record is still the user's: the memo of core's token check (see
 * {@link MemoSlots}).
 *
 * <p>For core's token check only: not a store author's concern. Thread-safe.
 */
public interface UserCells {

    /** The cell of a user, or null when there is no such user. */
    Cell cell(UserId id);

    /** Where a user's current record is; written by its store only. */
    final class Cell {
        private volatile UserRecord current;

        Cell(UserRecord current) {
            this.current = current;
        }

        /** The user's record as the store has it now, or null once the user was deleted. */
        public UserRecord current() {
            return current;
        }

        void set(UserRecord record) {
            current = record;
        }
    }
}
