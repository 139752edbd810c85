package dev.accesspass.store;

import dev.accesspass.SessionId;
import dev.accesspass.UserId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a live token pair grants: the session, its user and the expiry of its current tokens.
 *
 * @param credentialEpoch  the session's credential epoch (see {@link NewSession}); core compares it with the user's
 * @param refreshExpiresAt {@code null} when the refresh token never expires
 * @param metadata         what the session recorded when it was opened (API.md §7)
 */
public record SessionGrant(SessionId id, UserId user, long credentialEpoch, Instant createdAt, Map<String, String> meta,
                           Instant accessExpiresAt, Instant refreshExpiresAt, SessionMetadata metadata) {
    /** A grant without metadata (see {@link SessionMetadata#unknown}). */
    public SessionGrant(SessionId id, UserId user, long credentialEpoch, Instant createdAt, Map<String, String> meta,
                        Instant accessExpiresAt, Instant refreshExpiresAt) {
        this(id, user, credentialEpoch, createdAt, meta, accessExpiresAt, refreshExpiresAt, null);
    }

    public SessionGrant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(createdAt, "createdAt");
        meta = meta == null ? Map.of() : Map.copyOf(meta);
        Objects.requireNonNull(accessExpiresAt, "accessExpiresAt");
        metadata = metadata == null ? SessionMetadata.unknown(createdAt) : metadata;
    }
}
