package dev.accesspass;

import dev.accesspass.event.SecurityEvent;
import dev.accesspass.metrics.AuthMetrics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits security events: one log line on the {@code dev.accesspass.security} logger, then the
 * {@link AuthHooks#onSecurityEvent} hook. User-supplied values are escaped so that CR, LF and other control
 * characters cannot forge log lines (SR-67). Timestamps are UTC instants. Thread-safe.
 */
final class SecurityLog {
    private static final Logger LOG = LoggerFactory.getLogger("dev.accesspass.security");

    private final Clock clock;
    private final HookRunner hooks;
    private final AuthMetrics metrics;

    SecurityLog(Clock clock, HookRunner hooks) {
        this(clock, hooks, AuthMetrics.NOOP);
    }

    SecurityLog(Clock clock, HookRunner hooks, AuthMetrics metrics) {
        this.clock = clock;
        this.hooks = hooks;
        this.metrics = metrics;
    }

    AuthMetrics metrics() {
        return metrics;
    }

    void emit(SecurityEvent.Type type, UserId user, SessionId session, String clientAddress,
              Map<String, String> details) {
        SecurityEvent event = new SecurityEvent(type, clock.instant(), user, session, clientAddress, details);
        if (LOG.isInfoEnabled()) {
            StringBuilder line = new StringBuilder("event=").append(type.wireName())
                    .append(" at=").append(event.at());
            if (user != null) {
                line.append(" user=").append(escape(user.value()));
            }
            if (session != null) {
                line.append(" session=").append(escape(session.value()));
            }
            if (clientAddress != null) {
                line.append(" client=").append(escape(clientAddress));
            }
            new TreeMap<>(details).forEach((key, value) -> line.append(' ').append(key).append('=').append(escape(value)));
            LOG.info(line.toString());
        }
        metrics.securityEvent(event);
        hooks.run("onSecurityEvent", h -> h.onSecurityEvent(event));
    }

    /** Code points of a user-typed identifier that a security event keeps. */
    static final int IDENTIFIER_PREFIX = 32;

    /**
     * The details that name a login identifier as typed (it may be anything up to the body limit, including a
     * password typed into the username field): at most its first {@value #IDENTIFIER_PREFIX} code points, and when
     * it was longer, {@code …} appended, its length and a short SHA-256 fingerprint to correlate repeats. Escaping
     * happens when the line is written.
     */
    static Map<String, String> identifier(String identifier) {
        int codePoints = identifier.codePointCount(0, identifier.length());
        if (codePoints <= IDENTIFIER_PREFIX) {
            return Map.of("identifier", identifier);
        }
        String prefix = identifier.substring(0, identifier.offsetByCodePoints(0, IDENTIFIER_PREFIX));
        return Map.of("identifier", prefix + "\u2026",
                "identifier_length", Integer.toString(codePoints),
                "identifier_sha256", fingerprint(identifier));
    }

    private static String fingerprint(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Quotes a value and escapes backslash, quote and every control character as {@code \\uXXXX}. */
    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
