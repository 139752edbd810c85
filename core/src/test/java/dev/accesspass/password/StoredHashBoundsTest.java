package dev.accesspass.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * The exact edges of what a stored hash may be (SR-21: ceilings, Argon2's minimums, field lengths) and what the
 * log may say about one it refuses (SR-66: at most a scheme name). Parsing only: nothing here computes an
 * expensive hash.
 */
class StoredHashBoundsTest {
    private static final String SALT = b64(16);
    private static final String OUT = b64(32);
    private static final Argon2idHasher WEAK = Argon2idHasher.withoutFloorForTests(1024, 1, 1);

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

    @Test
    void sr21_parametersExactlyAtTheCeilingAreAcceptedAndOneAboveIsNot() throws Exception {
        PhcArgon2Hash atCeiling = PhcArgon2Hash.parse(phc("m=1048576,t=20,p=16", SALT, OUT));
        assertThat(atCeiling.memoryKiB).isEqualTo(1_048_576);
        assertThat(atCeiling.iterations).isEqualTo(20);
        assertThat(atCeiling.parallelism).isEqualTo(16);

        for (String above : List.of("m=1048577,t=20,p=16", "m=1048576,t=21,p=16", "m=1048576,t=20,p=17")) {
            assertThatThrownBy(() -> PhcArgon2Hash.parse(phc(above, SALT, OUT)))
                    .as(above).isInstanceOf(InvalidHashException.class).hasMessageContaining("ceiling");
        }
    }

    @Test
    void argon2sOwnMinimumsAreTheFloorOfWhatParses() throws Exception {
        PhcArgon2Hash smallest = PhcArgon2Hash.parse(phc("m=16,t=1,p=2", SALT, OUT));
        assertThat(smallest.memoryKiB).isEqualTo(16);

        for (String below : List.of("m=15,t=1,p=2", "m=16,t=0,p=2", "m=8,t=1,p=0")) {
            assertThatThrownBy(() -> PhcArgon2Hash.parse(phc(below, SALT, OUT)))
                    .as(below).isInstanceOf(InvalidHashException.class).hasMessageContaining("minimums");
        }
    }

    @Test
    void numbersAreParsedDigitByDigit() throws Exception {
        assertThat(PhcArgon2Hash.parse(phc("m=109,t=10,p=1", SALT, OUT)).memoryKiB).isEqualTo(109);
        assertThat(PhcArgon2Hash.parse(phc("m=000000064,t=1,p=1", SALT, OUT)).memoryKiB).isEqualTo(64);
        for (String bad : List.of("m=1/,t=1,p=1", "m=1:,t=1,p=1", "m=,t=1,p=1")) {
            assertThatThrownBy(() -> PhcArgon2Hash.parse(phc(bad, SALT, OUT)))
                    .as(bad).isInstanceOf(InvalidHashException.class).hasMessageContaining("not a number");
        }
        for (String huge : List.of("m=1000000000,t=1,p=1", "m=9999999999,t=1,p=1", "m=0000000000,t=1,p=1")) {
            assertThatThrownBy(() -> PhcArgon2Hash.parse(phc(huge, SALT, OUT)))
                    .as(huge).isInstanceOf(InvalidHashException.class).hasMessageContaining("above the ceiling");
        }
        assertThatThrownBy(() -> PhcArgon2Hash.parse(phc("m=100000000:,t=1,p=1", SALT, OUT)))
                .isInstanceOf(InvalidHashException.class).hasMessageContaining("not a number");
        assertThatThrownBy(() -> PhcArgon2Hash.parse(phc("m=10000000/0,t=1,p=1", SALT, OUT)))
                .isInstanceOf(InvalidHashException.class).hasMessageContaining("not a number");
    }

    @Test
    void saltAndOutputLengthsHaveExactBounds() throws Exception {
        assertThat(PhcArgon2Hash.parse(phc("m=64,t=1,p=1", b64(8), b64(4))).salt).hasSize(8);
        assertThat(PhcArgon2Hash.parse(phc("m=64,t=1,p=1", b64(64), b64(128))).hash).hasSize(128);
        assertThatThrownBy(() -> PhcArgon2Hash.parse(phc("m=64,t=1,p=1", b64(7), OUT)))
                .hasMessageContaining("salt length");
        assertThatThrownBy(() -> PhcArgon2Hash.parse(phc("m=64,t=1,p=1", b64(65), OUT)))
                .hasMessageContaining("salt length");
        assertThatThrownBy(() -> PhcArgon2Hash.parse(phc("m=64,t=1,p=1", SALT, b64(3))))
                .hasMessageContaining("output length");
        assertThatThrownBy(() -> PhcArgon2Hash.parse(phc("m=64,t=1,p=1", SALT, b64(129))))
                .hasMessageContaining("output length");
    }

    @Test
    void theWholeStringIsBoundedBeforeItIsSplit() {
        String start = phc("m=64,t=1,p=1", SALT, OUT);
        String exactly512 = start + "A".repeat(512 - start.length());
        String tooLong = exactly512 + "A";

        assertThatThrownBy(() -> PhcArgon2Hash.parse(exactly512)).isInstanceOf(InvalidHashException.class)
                .message().doesNotContain("longer than");
        assertThatThrownBy(() -> PhcArgon2Hash.parse(tooLong)).hasMessageContaining("longer than 512");
    }

    @Test
    void aHashWithoutVersionFieldIsArgon2Version10() throws Exception {
        PhcArgon2Hash old = PhcArgon2Hash.parse("$argon2id$m=64,t=1,p=1$" + SALT + "$" + OUT);
        assertThat(old.version).isEqualTo(PhcArgon2Hash.VERSION_10);
        assertThatThrownBy(() -> PhcArgon2Hash.parse("$argon2id$m=64,t=1,p=1$" + SALT))
                .isInstanceOf(InvalidHashException.class);
    }

    @Test
    void sr20_aMalformedArgon2StringNeedsRehash() {
        assertThat(WEAK.needsRehash("$argon2id$v=19$m=64,t=1,p=1$" + SALT)).isTrue();
        assertThat(WEAK.needsRehash(WEAK.hash("pw"))).isFalse();
    }

    @Test
    void sr26_anUnpairedSurrogateNeverVerifiesAgainstABcryptHash() {
        String bcrypt = OpenBSDBCrypt.generate("2b", "a?".getBytes(StandardCharsets.UTF_8), new byte[16], 4);
        assertThat(WEAK.verify("a?", bcrypt)).isTrue();

        long before = WEAK.computations();
        assertThat(WEAK.verify("a\uD800", bcrypt)).isFalse();
        assertThat(WEAK.computations()).isEqualTo(before);
    }

    @Test
    void sr21_bcryptJustAboveTheCostCeilingIsRefusedWithoutWork() {
        String bcrypt = OpenBSDBCrypt.generate("2b", "pw".getBytes(StandardCharsets.UTF_8), new byte[16], 4);
        long before = WEAK.computations();

        assertThat(WEAK.verify("pw", "$2b$17$" + bcrypt.substring(7))).isFalse();

        assertThat(WEAK.computations()).isEqualTo(before);
        assertThat(errors()).singleElement().satisfies(e -> assertThat(e.getFormattedMessage()).contains("ceiling"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "$scrypt$ln=16,r=8,p=1$c2FsdA$aGFzaA | '$scrypt$'",
            "$pbkdf2-sha256$29000$c2FsdA | '$pbkdf2-sha256$'",
            "$a$rest | '$a$'",
            "$z09-$rest | '$z09-$'",
            "$abcdefghijklmnopqrst$rest | '$abcdefghijklmnopqrst$'",
            "$abcdefghijklmnopqrstu$rest | '(none)'",
            "$Secret$rest | '(none)'",
            "$sec ret$rest | '(none)'",
            "$s`cret$rest | '(none)'",
            "${cret$rest | '(none)'",
            "$/cret$rest | '(none)'",
            "$:cret$rest | '(none)'",
            "$s,cret$rest | '(none)'",
            "$$rest | '(none)'",
            "$nodollar | '(none)'",
            "plaintext-password | '(none)'"})
    void sr66_theLogNamesAtMostTheSchemeOfAnUnknownHash(String stored, String named) {
        assertThat(WEAK.verify("pw", stored)).isFalse();

        assertThat(errors()).singleElement().satisfies(e -> {
            assertThat(e.getFormattedMessage()).contains("scheme prefix " + named);
            assertThat(e.getFormattedMessage()).doesNotContain("rest").doesNotContain("c2FsdA")
                    .doesNotContain("plaintext");
        });
    }

    private List<ILoggingEvent> errors() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
    }

    private static String phc(String params, String salt, String out) {
        return "$argon2id$v=19$" + params + "$" + salt + "$" + out;
    }

    private static String b64(int bytes) {
        return Base64.getEncoder().withoutPadding().encodeToString(new byte[bytes]);
    }
}
