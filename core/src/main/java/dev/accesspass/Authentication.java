package dev.accesspass;

import dev.accesspass.store.SessionGrant;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A validated access token: the user as of this request (roles read fresh from the store) and its session.
 *
 * @param meta data kept with the session, e.g. the OAuth profile
 */
public record Authentication(User user, SessionId sessionId, Instant sessionCreatedAt, Instant expiresAt,
                             Map<String, String> meta) {
    public Authentication {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(sessionId, "sessionId");
        meta = Map.copyOf(meta);
    }

    static Authentication of(User user, SessionGrant grant) {
        return new Authentication(user, grant.id(), grant.createdAt(), grant.accessExpiresAt(), grant.meta());
    }

    /** Whole seconds left, never negative (SR-06). */
    public long expiresIn(Instant now) {
        return Math.max(0, Duration.between(now, expiresAt).toSeconds());
    }
}
