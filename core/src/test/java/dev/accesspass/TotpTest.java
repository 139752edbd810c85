package dev.accesspass;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 6238 Appendix B vectors, the ±1 step window, the code shapes refused, and RFC 4648 base32. */
class TotpTest {
    private static final byte[] SHA1_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHA256_SEED = "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHA512_SEED =
            "1234567890123456789012345678901234567890123456789012345678901234".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest(name = "T={0} {2}")
    @CsvSource({
            "59, 94287082, HmacSHA1", "59, 46119246, HmacSHA256", "59, 90693936, HmacSHA512",
            "1111111109, 07081804, HmacSHA1", "1111111109, 68084774, HmacSHA256", "1111111109, 25091201, HmacSHA512",
            "1111111111, 14050471, HmacSHA1", "1111111111, 67062674, HmacSHA256", "1111111111, 99943326, HmacSHA512",
            "1234567890, 89005924, HmacSHA1", "1234567890, 91819424, HmacSHA256", "1234567890, 93441116, HmacSHA512",
            "2000000000, 69279037, HmacSHA1", "2000000000, 90698825, HmacSHA256", "2000000000, 38618901, HmacSHA512",
            "20000000000, 65353130, HmacSHA1", "20000000000, 77737706, HmacSHA256", "20000000000, 47863826, HmacSHA512"})
    void rfc6238AppendixBVectors(long time, String expected, String algorithm) {
        byte[] seed = switch (algorithm) {
            case "HmacSHA1" -> SHA1_SEED;
            case "HmacSHA256" -> SHA256_SEED;
            default -> SHA512_SEED;
        };
        assertThat(Totp.code(seed, Totp.step(Instant.ofEpochSecond(time)), 8, algorithm)).isEqualTo(expected);
    }

    @Test
    void theSixDigitCodeIsTheLastSixOfTheVector() {
        assertThat(Totp.code(SHA1_SEED, Totp.step(Instant.ofEpochSecond(59)))).isEqualTo("287082");
    }

    @Test
    void aCodeMatchesItsStepAndOneEitherSideButNotTwoAway() {
        Instant now = Instant.ofEpochSecond(1_111_111_111L);
        long current = Totp.step(now);
        for (long offset = -1; offset <= 1; offset++) {
            String code = Totp.code(SHA1_SEED, current + offset);
            assertThat(Totp.match(SHA1_SEED, code, now)).isEqualTo(OptionalLong.of(current + offset));
        }
        assertThat(Totp.match(SHA1_SEED, Totp.code(SHA1_SEED, current - 2), now)).isEmpty();
        assertThat(Totp.match(SHA1_SEED, Totp.code(SHA1_SEED, current + 2), now)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "12345", "1234567", "١٢٣٤٥٦", "12 456", "12345a", "+12345", "１２３４５６"})
    void onlySixAsciiDigitsAreWellFormed(String code) {
        assertThat(Totp.isWellFormed(code)).isFalse();
        assertThat(Totp.match(SHA1_SEED, code, Instant.EPOCH)).isEmpty();
    }

    @Test
    void base32FollowsRfc4648Section10() {
        String[][] vectors = {{"", ""}, {"f", "MY"}, {"fo", "MZXQ"}, {"foo", "MZXW6"}, {"foob", "MZXW6YQ"},
                {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI"}};
        for (String[] vector : vectors) {
            assertThat(Base32.encode(vector[0].getBytes(StandardCharsets.US_ASCII))).isEqualTo(vector[1]);
            assertThat(new String(Base32.decode(vector[1]), StandardCharsets.US_ASCII)).isEqualTo(vector[0]);
        }
        assertThat(new String(Base32.decode("mzxw6ytboi======"), StandardCharsets.US_ASCII)).isEqualTo("foobar");
        assertThatThrownBy(() -> Base32.decode("MZ1W")).isInstanceOf(IllegalArgumentException.class);
        byte[] secret = new byte[Totp.SECRET_BYTES];
        assertThat(Base32.encode(secret)).hasSize(32);
    }

    @Test
    void theOtpauthUriFollowsTheKeyUriFormat() {
        assertThat(SecondFactors.otpauthUri("Example Co", "alice", "JBSWY3DPEHPK3PXP")).isEqualTo(
                "otpauth://totp/Example%20Co:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Co"
                        + "&algorithm=SHA1&digits=6&period=30");
    }

    @Test
    void recoveryCodesAreTenDistinctSixtyBitCodesComparedIgnoringCaseSpacesAndDashes() {
        var codes = SecondFactors.newRecoveryCodes();
        assertThat(codes).hasSize(10).doesNotHaveDuplicates()
                .allMatch(code -> code.matches("[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}"));
        assertThat(SecondFactors.normalise(" AbCd-EfGh - ijkl ")).isEqualTo("abcdefghijkl");
    }

    @Test
    void aSealedSecretOpensOnlyForItsUserUnderItsKey() {
        byte[] key = new byte[32];
        key[0] = 7;
        SecretSeal seal = new SecretSeal(key);
        UserId alice = new UserId("alice");
        String sealed = seal.seal(SHA1_SEED, alice);
        assertThat(sealed).startsWith("gcm:").doesNotContain(Base32.encode(SHA1_SEED));
        assertThat(seal.open(sealed, alice)).isEqualTo(SHA1_SEED);
        assertThatThrownBy(() -> seal.open(sealed, new UserId("bob"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SecretSeal(new byte[32]).open(sealed, alice))
                .isInstanceOf(IllegalStateException.class);
        SecretSeal none = new SecretSeal(null);
        assertThat(none.open(none.seal(SHA1_SEED, alice), alice)).isEqualTo(SHA1_SEED);
    }
}
