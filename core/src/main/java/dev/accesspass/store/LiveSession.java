package dev.accesspass.store;

import dev.accesspass.SessionId;
import dev.accesspass.UserId;
import java.time.Instant;
import java.util.Objects;

/**
 * A live session as {@link TokenStore#listSessions} reports it: no token, no digest, only what a "where am I logged
 * in" screen shows.
 *
 * @param lastUsedAt when the session was last refreshed (or created); it lags real use by up to the access-token
 *                   lifetime, because the per-request token check never writes
 */
public record LiveSession(SessionId id, UserId user, Instant createdAt, Instant lastUsedAt, SessionMetadata metadata) {
    public LiveSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
        Objects.requireNonNull(metadata, "metadata");
    }
}
