package dev.accesspass.store;

import dev.accesspass.UserId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A session to create, with its first access and refresh token (as digests). The store assigns its id.
 *
 * @param credentialEpoch  the user's {@link UserRecord#credentialEpoch} as read together with the credential that
 *                         was verified; kept with the session and only ever raised, by
 *                         {@link TokenStore#advanceSessionEpoch} (SR-71)
 * @param endsAt           absolute cap on the session however often it is refreshed, or {@code null} for none;
 *                         the store clamps every later token's expiry to it
 * @param refreshExpiresAt {@code null} when refresh tokens never expire
 * @param meta             flat data kept with the session (e.g. the OAuth profile), returned by token checks
 * @param metadata         how and from where it was opened (API.md §7); its {@code authTime} and the session's
 *                         {@code createdAt} start as the last-used time
 */
public record NewSession(UserId user, long credentialEpoch, Instant createdAt, Instant endsAt,
                         Map<String, String> meta, TokenHash accessHash, Instant accessExpiresAt,
                         TokenHash refreshHash, Instant refreshExpiresAt, SessionMetadata metadata) {
    /** A session without metadata (see {@link SessionMetadata#unknown}). */
    public NewSession(UserId user, long credentialEpoch, Instant createdAt, Instant endsAt, Map<String, String> meta,
                      TokenHash accessHash, Instant accessExpiresAt, TokenHash refreshHash, Instant refreshExpiresAt) {
        this(user, credentialEpoch, createdAt, endsAt, meta, accessHash, accessExpiresAt, refreshHash,
                refreshExpiresAt, null);
    }

    public NewSession {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(createdAt, "createdAt");
        meta = meta == null ? Map.of() : Map.copyOf(meta);
        Objects.requireNonNull(accessHash, "accessHash");
        Objects.requireNonNull(accessExpiresAt, "accessExpiresAt");
        Objects.requireNonNull(refreshHash, "refreshHash");
        metadata = metadata == null ? SessionMetadata.unknown(createdAt) : metadata;
    }
}
