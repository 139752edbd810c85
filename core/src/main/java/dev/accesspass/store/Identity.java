package dev.accesspass.store;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A login identity at an external provider, keyed by provider name and the provider's immutable subject (never by
 * email or login name). {@code profile} holds the flat profile fields the provider returned.
 */
public record Identity(String provider, String subject, Map<String, String> profile, Instant linkedAt) {
    public Identity {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(subject, "subject");
        profile = profile == null ? Map.of() : Map.copyOf(profile);
        Objects.requireNonNull(linkedAt, "linkedAt");
    }
}
