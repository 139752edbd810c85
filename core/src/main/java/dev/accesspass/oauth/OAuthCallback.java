package dev.accesspass.oauth;

import java.util.Objects;

/**
 * What came back to {@code /oauth/{provider}/callback}. Every field but the provider may be {@code null}. Immutable;
 * {@link #toString()} shows no secret.
 *
 * @param code    the {@code code} query parameter
 * @param state   the {@code state} query parameter
 * @param error   the provider's {@code error} query parameter
 * @param binding the browser-binding cookie's value
 */
public record OAuthCallback(String provider, String code, String state, String error, String binding,
                            String clientAddress) {
    public OAuthCallback {
        Objects.requireNonNull(provider, "provider");
    }

    @Override
    public String toString() {
        return "OAuthCallback[provider=" + provider + "]";
    }
}
