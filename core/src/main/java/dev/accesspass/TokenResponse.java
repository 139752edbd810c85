package dev.accesspass;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A freshly issued (or, inside the refresh grace window, re-delivered) token pair in the RFC 6749 §5.1 shape.
 *
 * @param refreshExpiresIn seconds, or {@code null} when refresh tokens never expire
 * @param extra            top-level fields added by {@link AuthHooks#loginResponse}
 */
public record TokenResponse(String accessToken, long expiresIn, String refreshToken, Long refreshExpiresIn,
                            User user, Map<String, Object> extra) {
    public TokenResponse {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(user, "user");
        extra = Map.copyOf(extra);
    }

    public String tokenType() {
        return "Bearer";
    }

    @Override
    public String toString() {
        return "TokenResponse[user=" + user.id() + ", expiresIn=" + expiresIn + "]";
    }

    /** Hook fields never replace the standard ones. */
    Map<String, Object> extraWithout(Set<String> reserved) {
        Map<String, Object> copy = new LinkedHashMap<>(extra);
        copy.keySet().removeAll(reserved);
        return copy;
    }
}
