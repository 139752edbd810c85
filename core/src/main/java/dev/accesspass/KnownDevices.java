package dev.accesspass;

import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Device cookies (API.md §12, OWASP's "device cookies" against lockout). A successful login gives the browser a
 * random token bound to that user; only its digest is stored, in the token store, so every instance sharing it
 * knows the device. One browser may be known to a few users: the cookie holds up to {@value #MAX_PER_BROWSER}
 * tokens separated by dots, the newest first. Anything else in the cookie (garbage, an expired token, a token of
 * another user, more tokens than the bound) counts as no device at all. Thread-safe.
 *
 * <p>The residual risk: a stolen device cookie gives its thief that device's own guesses
 * ({@code login-max-attempts} per window) on top of the shared counter's, never access, since the password is still
 * checked.
 */
final class KnownDevices {
    /** {@code __Host-}: Secure, Path=/ and no Domain, so no sibling subdomain can plant or read it. */
    static final String COOKIE = "__Host-accesspass-device";
    static final Duration LIFETIME = Duration.ofDays(365);
    static final int MAX_PER_BROWSER = 5;
    /** A value longer than the bound's worth of tokens is not ours. */
    private static final int MAX_VALUE_LENGTH = MAX_PER_BROWSER * (Secrets.TOKEN_LENGTH + 1);

    private final TokenStore tokens;
    private final Clock clock;

    KnownDevices(TokenStore tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    /** Whether the client presents a valid device cookie for {@code user}. */
    boolean isKnown(UserId user, ClientContext client) {
        return deviceOf(user, client).isPresent();
    }

    /** The digest of the client's device token for {@code user}, if it presents a valid one. */
    Optional<TokenHash> deviceOf(UserId user, ClientContext client) {
        if (user == null || client == null) {
            return Optional.empty();
        }
        for (String token : tokensIn(client.deviceCookie())) {
            TokenHash digest = TokenHash.of(token);
            Optional<UserId> owner = tokens.findKnownDevice(digest, clock.instant());
            if (owner.isPresent() && owner.get().equals(user)) {
                return Optional.of(digest);
            }
        }
        return Optional.empty();
    }

    /**
     * After a successful login: the cookie value that makes this browser known to {@code user}, for one more year.
     * A token the browser already holds for the user is renewed; otherwise a new one goes first and the oldest
     * beyond the bound are dropped.
     */
    String remember(UserId user, ClientContext client) {
        List<String> held = tokensIn(client == null ? null : client.deviceCookie());
        List<String> value = new ArrayList<>();
        String mine = null;
        for (String token : held) {
            Optional<UserId> owner = tokens.findKnownDevice(TokenHash.of(token), clock.instant());
            if (owner.isPresent() && owner.get().equals(user)) {
                mine = token;
            } else if (owner.isPresent()) {
                value.add(token);
            }
        }
        if (mine == null) {
            mine = Secrets.newToken();
        }
        tokens.saveKnownDevice(TokenHash.of(mine), user, clock.instant().plus(LIFETIME));
        value.add(0, mine);
        return String.join(".", value.subList(0, Math.min(value.size(), MAX_PER_BROWSER)));
    }

    private static List<String> tokensIn(String cookie) {
        if (cookie == null || cookie.isEmpty() || cookie.length() > MAX_VALUE_LENGTH) {
            return List.of();
        }
        List<String> found = new ArrayList<>();
        for (String part : cookie.split("\\.", MAX_PER_BROWSER + 1)) {
            if (Secrets.isToken(part) && found.size() < MAX_PER_BROWSER && !found.contains(part)) {
                found.add(part);
            }
        }
        return found;
    }
}
