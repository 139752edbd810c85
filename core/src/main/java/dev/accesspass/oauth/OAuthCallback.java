package dev.accesspass.oauth;

import dev.accesspass.ClientContext;

import java.util.Objects;

/**
 * What came back to {@code /oauth/{provider}/callback}. Every field but the provider may be {@code null}. Immutable;
 * {@link #toString()} shows no secret.
 *
 * @param code    the {@code code} query parameter
 * @param state   the {@code state} query parameter
 * @param error   the provider's {@code error} query parameter
 * @param binding the browser-binding cookie's value
 * @param client  who sent the callback; never {@code null} ({@link ClientContext#none()} when unknown)
 */
public record OAuthCallback(String provider, String code, String state, String error, String binding,
                            ClientContext client) {
    public OAuthCallback {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(client, "client");
    }

    /** The client address, or {@code null}. */
    public String clientAddress() {
        return client.address();
    }

    @Override
    public String toString() {
        return "OAuthCallback[provider=" + provider + "]";
    }
}
