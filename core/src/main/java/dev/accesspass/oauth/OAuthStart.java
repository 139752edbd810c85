package dev.accesspass.oauth;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The start of an OAuth login: where to send the browser, and the browser-binding value to set as a cookie
 * ({@code __Host-} prefixed, {@code Secure}, {@code HttpOnly}, {@code SameSite=Lax}, {@code Path=/}) for
 * {@code bindingMaxAge}. Immutable.
 */
public record OAuthStart(URI authorizationUrl, String binding, Duration bindingMaxAge) {
    public OAuthStart {
        Objects.requireNonNull(authorizationUrl, "authorizationUrl");
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(bindingMaxAge, "bindingMaxAge");
    }

    @Override
    public String toString() {
        return "OAuthStart[…]";
    }
}
