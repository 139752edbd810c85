package dev.accesspass;

import dev.accesspass.event.SecurityEvent;
import java.time.Clock;
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

    SecurityLog(Clock clock, HookRunner hooks) {
        this.clock = clock;
        this.hooks = hooks;
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
        hooks.run("onSecurityEvent", h -> h.onSecurityEvent(event));
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
