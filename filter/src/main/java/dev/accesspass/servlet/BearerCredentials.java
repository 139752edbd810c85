package dev.accesspass.servlet;

import jakarta.servlet.http.HttpServletRequest;

import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

/**
 * The bearer credential of a request, taken only from its {@code Authorization} header (SR-05, RFC 6750 §2.1).
 *
 * <p>Three outcomes: no {@code Authorization} header ({@link #present()} false, no token); exactly one header of the
 * form {@code Bearer <b64token>} ({@link #token()} holds the token); anything else ({@link #present()} true, no
 * token). "Anything else" is deliberately broad and checked before any store access: several {@code Authorization}
 * headers, another scheme ({@code Basic ...}), a missing token, more than one space after the scheme, leading or
 * trailing whitespace, extra words, characters outside the RFC 6750 b64token set
 * ({@code [A-Za-z0-9._~+/-]+=*}) or a token longer than {@value #MAX_TOKEN_LENGTH} characters. Only the scheme
 * name is case-insensitive (RFC 9110 §11.1).
 *
 * <p>There is intentionally no code path for an {@code access_token} query or form parameter (RFC 6750 §2.2, §2.3
 * and §5.3: tokens in URLs leak into logs and history).
 *
 * <p>Thread-safety: immutable.
 */
final class BearerCredentials {
    /** Longer tokens are refused without a look-up; ours are far shorter, so a longer one is not ours. */
    static final int MAX_TOKEN_LENGTH = 256;

    private static final String SCHEME = "bearer";
    private static final BearerCredentials ABSENT = new BearerCredentials(false, null);
    private static final BearerCredentials INVALID = new BearerCredentials(true, null);

    private final boolean present;
    private final String token;

    private BearerCredentials(boolean present, String token) {
        this.present = present;
        this.token = token;
    }

    /**
     * The credentials of {@code request}, from its {@code Authorization} headers only.
     *
     * <p>Thread-safe. Never throws for client input.
     */
    static BearerCredentials from(HttpServletRequest request) {
        Enumeration<String> headers = request.getHeaders("Authorization");
        return parse(headers == null ? List.of() : Collections.list(headers));
    }

    /**
     * The credentials given by the values of every {@code Authorization} header of a request, in order; a
     * {@code null} or empty list means no header.
     *
     * <p>Thread-safe. Never throws.
     */
    static BearerCredentials parse(List<String> headerValues) {
        if (headerValues == null || headerValues.isEmpty()) {
            return ABSENT;
        }
        if (headerValues.size() != 1) {
            // More than one credential: refusing is the only answer that cannot pick the wrong one.
            return INVALID;
        }
        String value = headerValues.get(0);
        // "Bearer" + exactly one space + at least one token character. Checking the length first bounds all work.
        if (value == null || value.length() < SCHEME.length() + 2
                || value.length() > SCHEME.length() + 1 + MAX_TOKEN_LENGTH
                || !isScheme(value) || value.charAt(SCHEME.length()) != ' ') {
            return INVALID;
        }
        String token = value.substring(SCHEME.length() + 1);
        return isB64Token(token) ? new BearerCredentials(true, token) : INVALID;
    }

    /** Case-insensitive match of the scheme, limited to ASCII so no Unicode case folding can widen it. */
    private static boolean isScheme(String value) {
        for (int i = 0; i < SCHEME.length(); i++) {
            char c = value.charAt(i);
            char lower = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
            if (lower != SCHEME.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** RFC 6750 §2.1: {@code b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
    private static boolean isB64Token(String token) {
        int i = 0;
        while (i < token.length() && isB64Char(token.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < token.length() && token.charAt(i) == '=') {
            i++;
        }
        return i == token.length();
    }

    private static boolean isB64Char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }

    /** True if the request carried an {@code Authorization} header at all, valid or not. */
    boolean present() {
        return present;
    }

    /** The syntactically valid bearer token, or empty when none was presented or the header was invalid. */
    Optional<String> token() {
        return Optional.ofNullable(token);
    }

    /** Never shows the token, so logging an instance cannot leak it (SR-66). */
    @Override
    public String toString() {
        return "BearerCredentials[present=" + present + ", token=" + (token == null ? "none" : "<redacted>") + "]";
    }
}
