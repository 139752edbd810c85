package dev.accesspass.store;

import java.time.Instant;
import java.util.Objects;

/**
 * The token pair that replaces a refresh token at rotation.
 *
 * @param refreshExpiresAt {@code null} when refresh tokens never expire
 * @param sealedPair       the plaintext successor pair encrypted under a key derived from the presented (parent)
 *                         refresh token; stored with the used parent so that a repeat of the parent inside the
 *                         grace window gets the same pair back, without any plaintext token at rest. Opaque to
 *                         the store.
 */
public record Successor(TokenHash accessHash, Instant accessExpiresAt, TokenHash refreshHash,
                        Instant refreshExpiresAt, byte[] sealedPair) {
    public Successor {
        Objects.requireNonNull(accessHash, "accessHash");
        Objects.requireNonNull(accessExpiresAt, "accessExpiresAt");
        Objects.requireNonNull(refreshHash, "refreshHash");
        Objects.requireNonNull(sealedPair, "sealedPair");
    }
}
