package dev.accesspass;

import java.util.Objects;

/** A user's stable, opaque id, assigned by the {@link dev.accesspass.store.UserStore}. */
public record UserId(String value) {
    public UserId {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return value;
    }
}
