package dev.accesspass;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** SR-67 and issue #10 item 8: what a security event keeps of an identifier as typed. */
class SecurityLogTest {
    @Test
    void sr67_shortIdentifierIsKeptWhole() {
        assertThat(SecurityLog.identifier("alice@example.com")).isEqualTo(Map.of("identifier", "alice@example.com"));
        String exactly = "a".repeat(SecurityLog.IDENTIFIER_PREFIX);
        assertThat(SecurityLog.identifier(exactly)).isEqualTo(Map.of("identifier", exactly));
    }

    @Test
    void sr67_longIdentifierIsCutToABoundedPrefixWithItsLengthAndAFingerprint() {
        String typed = "x".repeat(30) + "my secret password that must not be logged" + "y".repeat(4000);

        Map<String, String> details = SecurityLog.identifier(typed);

        assertThat(details.get("identifier")).isEqualTo("x".repeat(30) + "my\u2026");
        assertThat(details.get("identifier_length")).isEqualTo(Integer.toString(typed.length()));
        assertThat(details.get("identifier_sha256")).matches("[0-9a-f]{8}")
                .isEqualTo(SecurityLog.identifier(typed).get("identifier_sha256"))
                .isNotEqualTo(SecurityLog.identifier(typed + "z").get("identifier_sha256"));
        assertThat(String.join(" ", details.values())).doesNotContain("secret");
    }

    @Test
    void sr67_prefixNeverSplitsASurrogatePair() {
        String typed = "\uD83D\uDE00".repeat(40); // 40 emoji, 80 UTF-16 units
        String kept = SecurityLog.identifier(typed).get("identifier");
        assertThat(kept).isEqualTo("\uD83D\uDE00".repeat(SecurityLog.IDENTIFIER_PREFIX) + "\u2026");
        assertThat(SecurityLog.identifier(typed).get("identifier_length")).isEqualTo("40");
    }
}
