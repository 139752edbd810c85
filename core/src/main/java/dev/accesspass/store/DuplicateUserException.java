package dev.accesspass.store;

import dev.accesspass.AccessPassException;
import dev.accesspass.ErrorCode;

/** A store refused a new user because the username or email is taken (also when two registrations race). */
public final class DuplicateUserException extends AccessPassException {
    private static final long serialVersionUID = 1L;

    private DuplicateUserException(ErrorCode code, String detail) {
        super(code, detail);
    }

    public static DuplicateUserException username() {
        return new DuplicateUserException(ErrorCode.USERNAME_TAKEN, "That username is taken.");
    }

    public static DuplicateUserException email() {
        return new DuplicateUserException(ErrorCode.EMAIL_TAKEN, "That email address is already registered.");
    }
}
