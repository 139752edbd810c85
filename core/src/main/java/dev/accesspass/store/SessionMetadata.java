package dev.accesspass.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * What a session records about how and from where it was opened (API.md §7), kept by the store for listing and
 * returned with every token check.
 *
 * @param address   the client address as the container saw it, or {@code null} (a session opened from code)
 * @param userAgent the {@code User-Agent} header, cut to {@value #MAX_USER_AGENT} characters with control characters
 *                  removed (by {@link #of}; the constructor only enforces the length, as it runs on every token
 *                  check), or {@code null}
 * @param method    how it was opened: {@code password}, {@code register}, {@code oauth:<provider>}, {@code passkey},
 *                  {@code api}
 * @param amr       RFC 8176 authentication method references of the authentication the session rests on
 * @param authTime  when the user last authenticated in this session, to the second (timestamps of tokens are
 *                  whole seconds, and both stores then keep the same value)
 * @param aal       authenticator assurance level, 1 or 2
 */
public record SessionMetadata(String address, String userAgent, String method, List<String> amr, Instant authTime,
                              int aal) {
    /** The longest {@code User-Agent} kept; real ones are far shorter, a hostile one must not bloat the store. */
    public static final int MAX_USER_AGENT = 256;
    /** The longest address kept (an IPv6 literal with a zone is well below this). */
    public static final int MAX_ADDRESS = 64;

    public SessionMetadata {
        address = cut(address, MAX_ADDRESS);
        userAgent = cut(userAgent, MAX_USER_AGENT);
        Objects.requireNonNull(method, "method");
        amr = amr == null ? List.of() : List.copyOf(amr);
        Objects.requireNonNull(authTime, "authTime");
        authTime = authTime.truncatedTo(ChronoUnit.SECONDS);
    }

    /** The metadata of a session being opened, from client-supplied values: cleaned and bounded. */
    public static SessionMetadata of(String address, String userAgent, String method, List<String> amr,
                                     Instant authTime, int aal) {
        return new SessionMetadata(clean(address, MAX_ADDRESS), clean(userAgent, MAX_USER_AGENT), method, amr,
                authTime, aal);
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : clean(value, max);
    }

    /**
     * What a session made through the Java API without metadata gets, and what sessions created before the stores
     * kept metadata are read as: no address or browser, method {@code api}, authenticated when it was created.
     */
    public static SessionMetadata unknown(Instant createdAt) {
        return new SessionMetadata(null, null, "api", List.of(), createdAt, 1);
    }

    /** Control characters (C0, DEL, C1) and unpaired surrogates removed, then cut to {@code max}; empty is null. */
    static String clean(String value, int max) {
        if (value == null) {
            return null;
        }
        StringBuilder kept = null;
        int length = value.length();
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            boolean control = c < 0x20 || (c >= 0x7F && c <= 0x9F);
            boolean lone = Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < length
                    && Character.isLowSurrogate(value.charAt(i + 1)))
                    && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(value.charAt(i - 1)));
            if (control || lone) {
                if (kept == null) {
                    kept = new StringBuilder(value.substring(0, i));
                }
            } else if (kept != null) {
                kept.append(c);
            }
        }
        String cleaned = kept == null ? value : kept.toString();
        if (cleaned.length() > max) {
            // Never split a surrogate pair at the cut.
            int end = Character.isHighSurrogate(cleaned.charAt(max - 1)) ? max - 1 : max;
            cleaned = cleaned.substring(0, end);
        }
        return cleaned.isEmpty() ? null : cleaned;
    }
}
