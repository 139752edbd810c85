package dev.accesspass.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

class PasswordHasherTest {

    private static final Pattern PHC = Pattern.compile(
            "^\\$argon2id\\$v=19\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)$");

    /** One hasher for the class: creating one costs a hash (the SR-33 dummy). */
    private static final Argon2idHasher HASHER = new Argon2idHasher(Argon2Parameters.owaspDefault());
    private static final Argon2idHasher WEAK = Argon2idHasher.withoutFloorForTests(4096, 1, 1);

    private ListAppender<ILoggingEvent> logs;
    private Logger logger;

    @BeforeEach
    void captureLogs() {
        logger = (Logger) LoggerFactory.getLogger(Argon2idHasher.class);
        logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        logger.detachAppender(logs);
    }

    private List<ILoggingEvent> errors() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
    }

    // ---- SR-19 ----

    @Test
    void sr19_hashIsPhcArgon2idAtOwaspFloor() {
        String hash = HASHER.hash("correct horse battery staple");

        Matcher m = PHC.matcher(hash);
        assertThat(m.matches()).as(hash).isTrue();
        int memory = Integer.parseInt(m.group(1));
        int iterations = Integer.parseInt(m.group(2));
        assertThat(memory >= 19456 && iterations >= 2 || memory >= 47104 && iterations >= 1).isTrue();
        assertThat(Integer.parseInt(m.group(3))).isGreaterThanOrEqualTo(1);
        assertThat(Base64.getDecoder().decode(m.group(4))).hasSize(16);
        assertThat(Base64.getDecoder().decode(m.group(5))).hasSize(32);
        assertThat(hash).doesNotContain("correct horse");
    }

    @Test
    void sr19_factoryUsesGivenParameters() {
        PasswordHasher hasher = PasswordHasher.argon2id(new Argon2Parameters(47104, 1, 1));
        String hash = hasher.hash("pw");
        assertThat(hash).startsWith("$argon2id$v=19$m=47104,t=1,p=1$");
        assertThat(hasher.verify("pw", hash)).isTrue();
    }

    @Test
    void sr19_twoHashesOfOnePasswordDiffer() {
        assertThat(HASHER.hash("same password")).isNotEqualTo(HASHER.hash("same password"));
    }

    @Test
    void sr19_verifyAcceptsCorrectAndRejectsWrong() {
        String hash = HASHER.hash("s3cret passphrase");
        assertThat(HASHER.verify("s3cret passphrase", hash)).isTrue();
        assertThat(HASHER.verify("s3cret passphrasE", hash)).isFalse();
        assertThat(HASHER.verify("", hash)).isFalse();
        assertThat(errors()).isEmpty();
    }

    @Test
    void sr19_verifiesReferenceImplementationVector() {
        // phc-winner-argon2 src/test.c: password "password", salt "somesalt", t=2, m=65536, p=1, v=19.
        String reference = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
        assertThat(HASHER.verify("password", reference)).isTrue();
        assertThat(HASHER.verify("passwore", reference)).isFalse();
        // 8-byte salt: stronger cost, but not the current format.
        assertThat(HASHER.needsRehash(reference)).isTrue();
    }

    @Test
    void sr19_nullPasswordIsAProgrammingError() {
        assertThatThrownBy(() -> HASHER.hash(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> HASHER.verify(null, "x")).isInstanceOf(NullPointerException.class);
    }

    // ---- SR-26 ----

    @Test
    void sr26_nfcAndNfdSpellingsVerifyAgainstEachOther() {
        String nfc = Normalizer.normalize("Café au lait 42", Normalizer.Form.NFC);
        String nfd = Normalizer.normalize("Café au lait 42", Normalizer.Form.NFD);
        assertThat(nfc).isNotEqualTo(nfd);

        assertThat(HASHER.verify(nfd, HASHER.hash(nfc))).isTrue();
        assertThat(HASHER.verify(nfc, HASHER.hash(nfd))).isTrue();
    }

    @Test
    void sr26_trailingSpaceIsNotTrimmed() {
        String hash = HASHER.hash("Café au lait 42");
        assertThat(HASHER.verify("Café au lait 42 ", hash)).isFalse();
        assertThat(HASHER.verify(" Café au lait 42", hash)).isFalse();
    }

    @Test
    void sr26_caseIsNotFolded() {
        assertThat(HASHER.verify("PASSWORD-one", HASHER.hash("password-one"))).isFalse();
    }

    @Test
    void sr26_passwordWithNulWorksAndIsNotTruncatedAtIt() {
        String withNul = "abc\u0000def";
        String hash = HASHER.hash(withNul);
        assertThat(HASHER.verify(withNul, hash)).isTrue();
        assertThat(HASHER.verify("abc", hash)).isFalse();
        assertThat(HASHER.verify("abc\u0000", hash)).isFalse();
    }

    @Test
    void sr26_longPasswordIsHashedWhole() {
        String sixtyFour = "a".repeat(64);
        String hash = HASHER.hash(sixtyFour);
        assertThat(HASHER.verify(sixtyFour, hash)).isTrue();
        assertThat(HASHER.verify("a".repeat(63), hash)).isFalse();
    }

    @Test
    void sr26_unpairedSurrogateIsRefusedNotReplaced() {
        // String.getBytes would turn the lone surrogate into '?', making these two passwords equal.
        assertThatThrownBy(() -> HASHER.hash("a\uD800")).isInstanceOf(IllegalArgumentException.class);
        assertThat(HASHER.verify("a\uD800", HASHER.hash("a?"))).isFalse();
    }

    // ---- bcrypt import + SR-20 ----

    @ParameterizedTest
    @ValueSource(strings = {"2a", "2b", "2y"})
    void sr20_verifiesImportedBcrypt(String version) {
        byte[] salt = new byte[16];
        new java.security.SecureRandom().nextBytes(salt);
        String bcrypt = OpenBSDBCrypt.generate(version, "legacy pässword".getBytes(StandardCharsets.UTF_8), salt, 4);
        assertThat(bcrypt).startsWith("$" + version + "$04$");

        assertThat(HASHER.verify("legacy pässword", bcrypt)).isTrue();
        assertThat(HASHER.verify("legacy password", bcrypt)).isFalse();
        assertThat(HASHER.needsRehash(bcrypt)).isTrue();
        assertThat(errors()).isEmpty();
    }

    @Test
    void sr21_bcryptCostAboveCeilingIsRejectedWithoutWork() {
        String bcrypt = OpenBSDBCrypt.generate("2b", "pw".getBytes(StandardCharsets.UTF_8), new byte[16], 4);
        String expensive = "$2b$31$" + bcrypt.substring(7);
        long before = HASHER.computations();

        assertThat(HASHER.verify("pw", expensive)).isFalse();
        assertThat(HASHER.computations()).isEqualTo(before);
        assertThat(errors()).hasSize(1);
    }

    @Test
    void sr20_weakArgon2idNeedsRehash() {
        String weak = WEAK.hash("pw");
        assertThat(weak).startsWith("$argon2id$v=19$m=4096,t=1,p=1$");
        assertThat(HASHER.verify("pw", weak)).isTrue();
        assertThat(HASHER.needsRehash(weak)).isTrue();
    }

    @Test
    void sr20_currentHashDoesNotNeedRehash() {
        assertThat(HASHER.needsRehash(HASHER.hash("pw"))).isFalse();
    }

    @Test
    void sr20_eachWeakerParameterOrOtherFormatNeedsRehash() {
        String current = HASHER.hash("pw");
        String tail = current.substring(current.indexOf("$", "$argon2id$v=19$".length()));
        assertThat(HASHER.needsRehash("$argon2id$v=19$m=19455,t=2,p=1" + tail)).isTrue();
        assertThat(HASHER.needsRehash("$argon2id$v=19$m=19456,t=1,p=1" + tail)).isTrue();
        assertThat(HASHER.needsRehash("$argon2i$v=19$m=19456,t=2,p=1" + tail)).isTrue();
        assertThat(HASHER.needsRehash("$argon2d$v=19$m=19456,t=2,p=1" + tail)).isTrue();
        assertThat(HASHER.needsRehash("$argon2id$v=16$m=19456,t=2,p=1" + tail)).isTrue();
        // Stronger stored parameters are kept.
        assertThat(HASHER.needsRehash("$argon2id$v=19$m=65536,t=3,p=2" + tail)).isFalse();
        // A different output length (16 bytes) is not the current format.
        String shortOut = tail.substring(0, tail.lastIndexOf('$') + 1) + Base64.getEncoder().withoutPadding()
                .encodeToString(new byte[16]);
        assertThat(HASHER.needsRehash("$argon2id$v=19$m=19456,t=2,p=1" + shortOut)).isTrue();
        assertThat(HASHER.needsRehash(null)).isTrue();
        assertThat(HASHER.needsRehash("garbage")).isTrue();
    }

    @Test
    void sr20_argon2iStoredHashStillVerifies() {
        // The parser reads the variant; a hash computed as argon2id must fail when relabelled argon2i.
        String current = HASHER.hash("pw");
        String relabelled = "$argon2i$" + current.substring("$argon2id$".length());
        assertThat(HASHER.verify("pw", relabelled)).isFalse();
        assertThat(errors()).isEmpty();
    }

    // ---- SR-21 ----

    @ParameterizedTest
    @ValueSource(strings = {"m=4194304,t=2,p=1", "m=19456,t=1000,p=1", "m=19456,t=2,p=1000",
            "m=99999999999999999999,t=2,p=1", "m=2147483648,t=2,p=1"})
    void sr21_parametersAboveCeilingAreRejectedBeforeAllocation(String params) {
        String current = HASHER.hash("pw");
        String tail = current.substring(current.indexOf("$", "$argon2id$v=19$".length()));
        String hostile = "$argon2id$v=19$" + params + tail;
        long before = HASHER.computations();

        assertThat(HASHER.verify("pw", hostile)).isFalse();

        assertThat(HASHER.computations()).as("no Argon2 work attempted").isEqualTo(before);
        assertThat(errors()).hasSize(1);
        String message = errors().get(0).getFormattedMessage();
        assertThat(message).contains("ceiling").doesNotContain(tail.substring(1, 10));
    }

    // ---- malformed / unknown ----

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"$argon2id$garbage", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$",
            "$argon2id$v=19$m=19456,t=2,p=1$!!!!$aGFzaGhhc2g", "$argon2id$v=19$m=+19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
            "$argon2id$v=19$t=2,m=19456,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", "$argon2id$v=18$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
            "$argon2id$v=19$m=7,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", "$argon2id$v=19$m=19456,t=0,p=1$c2FsdHNhbHQ$aGFzaA",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaGhhc2g", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ=$aGFzaA",
            "$argon2id$v=19$m=19456,t=2,p=1,x=1$c2FsdHNhbHQ$aGFzaA", "$argon2xx$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
            "$2b$10$tooshort", "$2b$xx$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456",
            "$2b$03$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6",
            "$2x$04$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6",
            "$pbkdf2-sha256$29000$c2FsdA$aGFzaA", "plaintext-password", "$", "$$$$$"})
    void sr21_malformedOrUnknownHashReturnsFalseWithOneErrorLine(String stored) {
        assertThat(HASHER.verify("plaintext-password", stored)).isFalse();

        assertThat(errors()).hasSize(1);
        String message = errors().get(0).getFormattedMessage();
        assertThat(message).doesNotContain("plaintext-password").doesNotContain("c2FsdHNhbHQ")
                .doesNotContain("CZJXs39");
    }

    // ---- SR-33 ----

    @Test
    void sr33_verifyDummyDoesOneFullComputationWithCurrentParameters() {
        assertThat(HASHER.needsRehash(HASHER.dummyHash())).as("dummy uses current parameters").isFalse();
        long before = HASHER.computations();

        HASHER.verifyDummy("any password");

        assertThat(HASHER.computations() - before).isEqualTo(1);
        assertThat(errors()).isEmpty();
    }

    @Test
    void sr33_realVerifyCostsTheSameNumberOfComputations() {
        String hash = HASHER.hash("pw");
        long before = HASHER.computations();
        HASHER.verify("wrong", hash);
        assertThat(HASHER.computations() - before).isEqualTo(1);
    }
}
