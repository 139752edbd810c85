package dev.accesspass.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TokenHashTest {
    private static final String TOKEN = "q0B2nYx8cJc2l3k2d7xQ0q9mJqfV3Zs1m8p1dW2d0bA";

    @Test
    void sr02_hashOfATokenIsItsSha256() throws Exception {
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes(StandardCharsets.US_ASCII));

        TokenHash hash = TokenHash.of(TOKEN);

        assertThat(hash.bytes()).isEqualTo(expected);
        assertThat(hash.hex()).isEqualTo(HexFormat.of().formatHex(expected));
    }

    @Test
    void sr02_hashOfTextBytesIsTheirSha256AsOfTheTokenText() throws Exception {
        byte[] text = ("xx" + TOKEN + "yy").getBytes(StandardCharsets.US_ASCII);
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes(StandardCharsets.US_ASCII));

        TokenHash hash = TokenHash.of(text, 2, TOKEN.length());

        assertThat(hash.bytes()).isEqualTo(expected);
        assertThat(hash).isEqualTo(TokenHash.of(TOKEN));
        assertThat(TokenHash.of(text, 0, TOKEN.length())).isNotEqualTo(hash);
    }

    @Test
    void equalDigestsAreEqualAndHashAlike() {
        TokenHash one = TokenHash.of(TOKEN);
        TokenHash same = TokenHash.of(TOKEN);
        TokenHash other = TokenHash.of(TOKEN + "x");

        assertThat(one).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo(other);
        assertThat(one).isNotEqualTo(TOKEN).isNotEqualTo(null);
    }

    @Test
    void digestsThatDifferOnlyInTheLastByteAreDifferent() {
        byte[] bytes = TokenHash.of(TOKEN).bytes();
        bytes[31] ^= 0x01;

        assertThat(TokenHash.fromBytes(bytes)).isNotEqualTo(TokenHash.of(TOKEN));
    }

    @Test
    void bytesAndHexRoundTrip() {
        TokenHash hash = TokenHash.of(TOKEN);

        assertThat(TokenHash.fromBytes(hash.bytes())).isEqualTo(hash);
        assertThat(TokenHash.fromHex(hash.hex())).isEqualTo(hash);
        assertThat(TokenHash.fromHex(hash.hex().toUpperCase())).isEqualTo(hash);
        assertThat(hash.hex()).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void bytesAreAFreshCopy() {
        TokenHash hash = TokenHash.of(TOKEN);
        byte[] bytes = hash.bytes();
        bytes[0] ^= 0x7f;

        assertThat(hash.bytes()).isNotEqualTo(bytes);
        assertThat(hash).isEqualTo(TokenHash.of(TOKEN));
    }

    @Test
    void wrongLengthIsRejected() {
        assertThatThrownBy(() -> TokenHash.fromBytes(new byte[31])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenHash.fromBytes(new byte[33])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenHash.fromBytes(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenHash.fromHex("abcd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sr66_toStringAndFingerprintNeverShowTheWholeDigest() {
        TokenHash hash = TokenHash.of(TOKEN);
        String hex = hash.hex();

        assertThat(hash.fingerprint()).isEqualTo(hex.substring(0, 8));
        assertThat(hash.toString()).doesNotContain(hex).doesNotContain(hex.substring(8, 16)).contains(hash.fingerprint());
        assertThat(hash.toString()).doesNotContain(TOKEN);
    }

    @Test
    void sr03_digestsThatDifferInAnySingleByteAreDifferent() {
        byte[] base = new byte[TokenHash.LENGTH];
        for (int i = 0; i < TokenHash.LENGTH; i++) {
            byte[] other = base.clone();
            other[i] = 1;
            assertThat(TokenHash.fromBytes(other)).as("differs in byte %d", i).isNotEqualTo(TokenHash.fromBytes(base));
            assertThat(TokenHash.fromBytes(base)).as("differs in byte %d", i).isNotEqualTo(TokenHash.fromBytes(other));
        }
        assertThat(TokenHash.fromBytes(base)).isNotEqualTo("not a digest");
    }

    @Test
    void hashCodesSpreadSoMapsStayFast() {
        java.util.Set<Integer> codes = new java.util.HashSet<>();
        for (int i = 0; i < 100; i++) {
            codes.add(TokenHash.of("token " + i).hashCode());
        }
        assertThat(codes).hasSizeGreaterThan(90);
    }

    @Test
    void sr02_anyTextHashesAsItsUsAsciiBytesWhateverItsLengthOrCharacters() throws Exception {
        // The reused per-thread buffers must give what encoding the text afresh gives: short, long (past the
        // buffer), empty, and non-ASCII text (one '?' per unmappable code point, a surrogate pair included).
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        StringBuilder text = new StringBuilder();
        for (int length = 0; length <= 300; length++) {
            String value = text.toString();
            assertThat(TokenHash.of(value).bytes()).as("length %d", length)
                    .isEqualTo(sha256.digest(value.getBytes(StandardCharsets.US_ASCII)));
            text.append((char) ('a' + length % 26));
        }
        for (String value : new String[] {"caf\u00e9", "\u00ff" + TOKEN, "x\uD83D\uDE00y", "\uD83Dlone", "\u0100"}) {
            assertThat(TokenHash.of(value).bytes()).as(value)
                    .isEqualTo(sha256.digest(value.getBytes(StandardCharsets.US_ASCII)));
        }
        // A long text then a short one on the same thread: nothing of the first is left in the buffer.
        TokenHash.of(TOKEN + TOKEN + TOKEN);
        assertThat(TokenHash.of(TOKEN).bytes()).isEqualTo(sha256.digest(TOKEN.getBytes(StandardCharsets.US_ASCII)));
    }
}
