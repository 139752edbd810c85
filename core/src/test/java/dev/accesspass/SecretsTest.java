package dev.accesspass;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SecretsTest {
    private static final Pattern TOKEN = Pattern.compile("^[A-Za-z0-9_-]{43}$");

    @Test
    void sr01_tokensAreDistinct43CharBase64urlOf32RandomBytes() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String token = Secrets.newToken();
            assertThat(TOKEN.matcher(token).matches()).as("token shape: %s", token).isTrue();
            assertThat(Base64.getUrlDecoder().decode(token)).hasSize(32);
            assertThat(seen.add(token)).as("token %d is new", i).isTrue();
        }
    }

    @Test
    void sr15_sealedPairOpensWithItsParentToken() {
        String parent = Secrets.newToken();
        String access = Secrets.newToken();
        String refresh = Secrets.newToken();

        byte[] sealed = Secrets.seal(parent, access, refresh);

        assertThat(Secrets.unseal(parent, sealed)).hasValueSatisfying(pair ->
                assertThat(pair).containsExactly(access, refresh));
    }

    @Test
    void sr02_sealedPairContainsNoPlaintextToken() {
        String parent = Secrets.newToken();
        String access = Secrets.newToken();
        String refresh = Secrets.newToken();

        String sealed = new String(Secrets.seal(parent, access, refresh), java.nio.charset.StandardCharsets.ISO_8859_1);

        assertThat(sealed).doesNotContain(access).doesNotContain(refresh).doesNotContain(parent);
    }

    @Test
    void sr15_sealingTwiceGivesDifferentBytes() {
        String parent = Secrets.newToken();
        String access = Secrets.newToken();
        String refresh = Secrets.newToken();

        // A fresh nonce each time: AES-GCM must never reuse one under the same key.
        assertThat(Secrets.seal(parent, access, refresh)).isNotEqualTo(Secrets.seal(parent, access, refresh));
    }

    @Test
    void sr15_anotherParentTokenCannotOpenTheSealedPair() {
        byte[] sealed = Secrets.seal(Secrets.newToken(), Secrets.newToken(), Secrets.newToken());

        assertThat(Secrets.unseal(Secrets.newToken(), sealed)).isEmpty();
    }

    @Test
    void sr15_tamperedSealedPairDoesNotOpen() {
        String parent = Secrets.newToken();
        byte[] sealed = Secrets.seal(parent, Secrets.newToken(), Secrets.newToken());

        for (int index : new int[] {0, 11, 12, sealed.length / 2, sealed.length - 1}) {
            byte[] tampered = sealed.clone();
            tampered[index] ^= 0x01;
            assertThat(Secrets.unseal(parent, tampered)).as("bit flipped at %d", index).isEmpty();
        }
        byte[] truncated = java.util.Arrays.copyOf(sealed, sealed.length - 1);
        assertThat(Secrets.unseal(parent, truncated)).isEmpty();
        assertThat(Secrets.unseal(parent, new byte[12])).isEmpty();
        assertThat(Secrets.unseal(parent, null)).isEmpty();
    }
}
