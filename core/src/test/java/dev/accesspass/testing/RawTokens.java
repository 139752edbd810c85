package dev.accesspass.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * SR-02's scan: no stored bytes may hold a token in any form it could be recovered from. The forms of a token are
 * its text (base64url, as sent), the 32 bytes it encodes, those bytes in standard Base64, and in hex.
 */
public final class RawTokens {
    private RawTokens() {
    }

    /** The forms of {@code token} that would give it away, as bytes. */
    public static List<byte[]> forms(String token) {
        byte[] decoded = Base64.getUrlDecoder().decode(token);
        return List.of(token.getBytes(StandardCharsets.US_ASCII),
                decoded,
                Base64.getEncoder().withoutPadding().encodeToString(decoded).getBytes(StandardCharsets.US_ASCII),
                HexFormat.of().formatHex(decoded).getBytes(StandardCharsets.US_ASCII));
    }

    /** Asserts that none of {@code stored} (cells, keys, dumps) contains any form of any of {@code tokens}. */
    public static void assertNoneStored(Collection<byte[]> stored, Collection<String> tokens, String what) {
        assertThat(tokens).as("tokens to look for").isNotEmpty();
        for (String token : tokens) {
            for (byte[] form : forms(token)) {
                assertThat(stored).as("raw token material in %s", what).noneMatch(bytes -> contains(bytes, form));
            }
        }
    }

    /** Whether {@code needle} occurs in {@code haystack}. */
    public static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int start = 0; start + needle.length <= haystack.length; start++) {
            for (int i = 0; i < needle.length; i++) {
                if (haystack[start + i] != needle[i]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
