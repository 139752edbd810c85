package dev.accesspass;

import java.util.Objects;

/** A session's id: not a secret (it appears in logs and security events), only a handle. */
public record SessionId(String value) {
    public SessionId {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return value;
    }
}
