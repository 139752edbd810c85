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
 */
public record NewSession(UserId user, long credentialEpoch, Instant createdAt, Instant endsAt,
                         Map<String, String> meta, TokenHash accessHash, Instant accessExpiresAt,
                         TokenHash refreshHash, Instant refreshExpiresAt) {
    public NewSession {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(createdAt, "createdAt");
        meta = meta == null ? Map.of() : Map.copyOf(meta);
        Objects.requireNonNull(accessHash, "accessHash");
        Objects.requireNonNull(accessExpiresAt, "accessExpiresAt");
        Objects.requireNonNull(refreshHash, "refreshHash");
    }
}
