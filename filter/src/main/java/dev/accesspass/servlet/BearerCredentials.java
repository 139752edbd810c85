package dev.accesspass.servlet;

import jakarta.servlet.http.HttpServletRequest;

import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

/**
 * The bearer credential of a request, taken only from its {@code Authorization} header (SR-05, RFC 6750 §2.1).
 *
 * <p>Three outcomes, checked before any store access:
 * <ul>
 *   <li>no bearer credential ({@link #present()} false, no token): no {@code Authorization} header, an empty one,
 *       or one of another scheme ({@code Basic …}, {@code Negotiate …}). The 401 challenge then carries no
 *       {@code error} attribute (RFC 6750 §3.1: the client sent no bearer token to be wrong about);</li>
 *   <li>a valid shape: exactly one header {@code Bearer <b64token>} ({@link #token()} holds the token);</li>
 *   <li>a bad bearer credential ({@link #present()} true, no token): several {@code Authorization} headers of which
 *       one is Bearer, a missing token, more than one space after the scheme, leading or trailing whitespace, extra
 *       words, characters outside the RFC 6750 b64token set ({@code [A-Za-z0-9._~+/-]+=*}) or a token longer than
 *       {@value #MAX_TOKEN_LENGTH} characters.</li>
 * </ul>
 * Only the scheme name is case-insensitive (RFC 9110 §11.1). Whether a well-shaped token is one of ours (43
 * base64url characters) is core's one check, {@code AccessPass.authenticate}.
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
            return headerValues.stream().anyMatch(BearerCredentials::hasBearerScheme) ? INVALID : ABSENT;
        }
        String value = headerValues.get(0);
        if (!hasBearerScheme(value)) {
            return ABSENT;
        }
        // "Bearer" + exactly one space + at least one token character. Checking the length first bounds all work.
        if (value == null || value.length() < SCHEME.length() + 2
                || value.length() > SCHEME.length() + 1 + MAX_TOKEN_LENGTH
                || !isScheme(value) || value.charAt(SCHEME.length()) != ' ') {
            return INVALID;
        }
        String token = value.substring(SCHEME.length() + 1);
        return isB64Token(token) ? new BearerCredentials(true, token) : INVALID;
    }

    /**
     * Whether the header names the Bearer scheme at all: its first word (after any leading white space, up to the
     * first space or tab) is {@code Bearer} in any case. Bounded: looks at most at the first few characters.
     */
    private static boolean hasBearerScheme(String value) {
        if (value == null) {
            return false;
        }
        int start = 0;
        while (start < value.length() && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
            start++;
        }
        int end = start + SCHEME.length();
        if (end > value.length() || !isScheme(value, start)) {
            return false;
        }
        return end == value.length() || value.charAt(end) == ' ' || value.charAt(end) == '\t';
    }

    private static boolean isScheme(String value) {
        return isScheme(value, 0);
    }

    /** Case-insensitive match of the scheme, limited to ASCII so no Unicode case folding can widen it. */
    private static boolean isScheme(String value, int offset) {
        for (int i = 0; i < SCHEME.length(); i++) {
            char c = value.charAt(offset + i);
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

    /** True if the request presented a Bearer credential, well-formed or not; false for none or another scheme. */
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
