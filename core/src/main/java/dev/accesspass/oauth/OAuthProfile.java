package dev.accesspass.oauth;

import java.util.Map;
import java.util.Objects;

/**
 * What a provider told us about the person logging in, normalised across providers.
 *
 * <p>The identity is {@code (provider, subject)}: GitHub's numeric id, OIDC's {@code sub}. Never the email or the login
 * name, which can change hands (SR-49). Immutable.
 *
 * @param provider      the configured provider name, e.g. {@code github}
 * @param subject       the provider's immutable id for the person
 * @param email         the email address the provider reported, or {@code null}
 * @param emailVerified whether the provider says it verified {@code email} (Google/OIDC {@code email_verified};
 *                      GitHub: the primary address is marked verified in {@code /user/emails})
 * @param login         the provider's login or preferred username, or {@code null}; a hint for a new username only
 * @param name          the display name, or {@code null}
 * @param attributes    the flat profile fields the provider returned (scalars only, as text); kept as the session's
 *                      meta and with the linked identity
 */
public record OAuthProfile(String provider, String subject, String email, boolean emailVerified, String login,
                           String name, Map<String, String> attributes) {
    public OAuthProfile {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(subject, "subject");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
