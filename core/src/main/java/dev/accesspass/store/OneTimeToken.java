package dev.accesspass.store;

import dev.accesspass.UserId;
import java.time.Instant;
import java.util.Objects;

/**
 * A single-use emailed or OAuth-state token, kept as its digest.
 *
 * @param user    the user it is bound to, or {@code null} (an OAuth state before login)
 * @param payload purpose-specific data: the address a confirmation was mailed to, the OAuth provider and PKCE
 *                verifier; opaque to the store, never a token of another kind
 */
public record OneTimeToken(TokenHash hash, TokenPurpose purpose, UserId user, Instant expiresAt, String payload) {
    public OneTimeToken {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
