package dev.accesspass;

import dev.accesspass.store.SessionGrant;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A validated access token: the user as of this request (roles read fresh from the store) and its session.
 *
 * @param meta     data kept with the session, e.g. the OAuth profile
 * @param amr      RFC 8176 method references of the authentication the session rests on, e.g. {@code ["pwd"]}
 * @param authTime when the user last authenticated in this session (whole seconds)
 * @param aal      authenticator assurance level, 1 or 2
 */
public record Authentication(User user, SessionId sessionId, Instant sessionCreatedAt, Instant expiresAt,
                             Map<String, String> meta, List<String> amr, Instant authTime, int aal) {
    /** Without authentication facts: {@code amr} empty, authenticated when the session was created, level 1. */
    public Authentication(User user, SessionId sessionId, Instant sessionCreatedAt, Instant expiresAt,
                          Map<String, String> meta) {
        this(user, sessionId, sessionCreatedAt, expiresAt, meta, List.of(), sessionCreatedAt, 1);
    }

    public Authentication {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(sessionId, "sessionId");
        meta = Map.copyOf(meta);
        amr = amr == null ? List.of() : List.copyOf(amr);
        authTime = authTime == null ? sessionCreatedAt : authTime;
    }

    static Authentication of(User user, SessionGrant grant) {
        return new Authentication(user, grant.id(), grant.createdAt(), grant.accessExpiresAt(), grant.meta(),
                grant.metadata().amr(), grant.metadata().authTime(), grant.metadata().aal());
    }

    /** Whole seconds left, never negative (SR-06). */
    public long expiresIn(Instant now) {
        return Math.max(0, Duration.between(now, expiresAt).toSeconds());
    }
}
