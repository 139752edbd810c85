package dev.accesspass;

import static dev.accesspass.testing.SourceTree.withoutComments;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.testing.SourceTree;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * SR-01 as a source scan of every shipped module: every secret comes from the one {@code new SecureRandom()} in
 * {@link Secrets}, so no main source may reach for a weaker or blocking generator. Comments are stripped first, so
 * javadoc that explains why {@code getInstanceStrong()} is avoided does not trip the scan.
 */
class RandomnessSourceTest {
    /** Modules of the build that are not scanned, with why. Every other module with main sources is. */
    private static final Map<String, String> NOT_SHIPPED = Map.of(
            "benchmarks", "not shipped: seeds benchmark data with a fixed SplittableRandom on purpose");

    /** Weak (predictable) or blocking sources of randomness, with why each is banned. */
    private static final Map<String, Pattern> FORBIDDEN = Map.of(
            "java.util.Random", Pattern.compile("\\bjava\\.util\\.Random\\b"),
            "new Random(", Pattern.compile("(?<![A-Za-z0-9_])new\\s+Random\\s*\\("),
            "Math.random", Pattern.compile("\\bMath\\s*\\.\\s*random\\b"),
            "ThreadLocalRandom", Pattern.compile("\\bThreadLocalRandom\\b"),
            "SplittableRandom", Pattern.compile("\\bSplittableRandom\\b"),
            "getInstanceStrong", Pattern.compile("\\bgetInstanceStrong\\b"));
    private static final Pattern RANDOM_UUID = Pattern.compile("\\brandomUUID\\b");
    /**
     * The only places a random UUID is fine: identifiers that are handles, never secrets (SR-01 names UUIDs as not
     * good enough for tokens). A request never proves anything by knowing one.
     */
    private static final Map<String, String> UUID_ALLOWED = Map.of(
            "core/src/main/java/dev/accesspass/store/InMemoryUserStore.java", "user ids",
            "jdbi-store/src/main/java/dev/accesspass/jdbi/JdbiUserStore.java", "user ids",
            "jdbi-store/src/main/java/dev/accesspass/jdbi/JdbiTokenStore.java",
            "session ids (opaque handles, API.md: a session is found by its token digests)",
            "redis-store/src/main/java/dev/accesspass/redis/RedisSessions.java",
            "session ids (opaque handles, as in the JDBC store)",
            "filter/src/main/java/dev/accesspass/servlet/AccessPassFilter.java",
            "the correlation id of a logged unexpected failure");

    @Test
    void sr01_mainSourcesOfEveryModuleUseNoWeakOrBlockingRandomness() {
        Map<String, List<Path>> modules = SourceTree.mainSources();
        assertThat(modules.keySet()).as("modules with main sources")
                .contains("core", "filter", "jdbi-store", "example-webapp").containsAll(NOT_SHIPPED.keySet());
        assertThat(modules.get("core")).anyMatch(path -> path.endsWith("dev/accesspass/Secrets.java"));

        List<String> hits = new ArrayList<>();
        int scanned = 0;
        for (Map.Entry<String, List<Path>> module : modules.entrySet()) {
            if (NOT_SHIPPED.containsKey(module.getKey())) {
                continue;
            }
            for (Path source : module.getValue()) {
                hits.addAll(hits(SourceTree.relative(source), SourceTree.read(source)));
                scanned++;
            }
        }
        assertThat(scanned).as("main sources scanned").isGreaterThan(50);
        assertThat(hits).as("forbidden randomness in main sources").isEmpty();
    }

    @Test
    void sr01_secretsUseOnePlainSecureRandom() {
        String secrets = withoutComments(SourceTree.read(
                SourceTree.root().resolve("core/src/main/java/dev/accesspass/Secrets.java")));

        assertThat(Pattern.compile("new\\s+SecureRandom\\s*\\(\\s*\\)").matcher(secrets).results().count())
                .isEqualTo(1);
    }

    @Test
    void scannerCatchesEachForbiddenFormInAnyModule() {
        String file = "filter/src/main/java/dev/accesspass/servlet/Sample.java";
        assertThat(hits(file, "import java.util.Random;")).hasSize(1);
        assertThat(hits(file, "long x = new Random(42).nextLong();")).hasSize(1);
        assertThat(hits(file, "double d = Math . random();")).hasSize(1);
        assertThat(hits(file, "int i = ThreadLocalRandom.current().nextInt();")).hasSize(1);
        assertThat(hits(file, "var r = new SplittableRandom();")).hasSize(1);
        assertThat(hits(file, "var r = SecureRandom.getInstanceStrong();")).hasSize(1);
        assertThat(hits(file, "String token = UUID.randomUUID().toString();")).hasSize(1);
        assertThat(hits("jdbi-store/src/main/java/dev/accesspass/jdbi/Tokens.java", "UUID.randomUUID()")).hasSize(1);
        // Allowed only where listed, and only randomUUID.
        assertThat(hits("jdbi-store/src/main/java/dev/accesspass/jdbi/JdbiUserStore.java", "UUID.randomUUID()"))
                .isEmpty();
        assertThat(hits("jdbi-store/src/main/java/dev/accesspass/jdbi/JdbiUserStore.java", "new Random()"))
                .hasSize(1);
    }

    @Test
    void scanFindsForbiddenCallsButIgnoresComments() {
        String code = """
                /** Not {@code getInstanceStrong()}, and no Math.random. */
                class Sample {
                    // new Random() would be bad
                    String s = "http://example/*not a comment*/";
                    long pick() { return new Random(42).nextLong(); }
                }
                """;
        String stripped = withoutComments(code);

        assertThat(FORBIDDEN.get("new Random(").matcher(stripped).find()).isTrue();
        assertThat(FORBIDDEN.get("getInstanceStrong").matcher(stripped).find()).isFalse();
        assertThat(FORBIDDEN.get("Math.random").matcher(stripped).find()).isFalse();
        assertThat(stripped).contains("\"http://example/*not a comment*/\"");
        assertThat(FORBIDDEN.get("new Random(").matcher("new SecureRandom()").find()).isFalse();
        assertThat(FORBIDDEN.get("java.util.Random").matcher("import java.util.RandomAccess;").find()).isFalse();
    }

    /** The forbidden uses in one source, named by its path relative to the build root. */
    private static List<String> hits(String relative, String source) {
        String code = withoutComments(source);
        List<String> hits = new ArrayList<>();
        FORBIDDEN.forEach((name, pattern) -> {
            if (pattern.matcher(code).find()) {
                hits.add(relative + ": " + name);
            }
        });
        if (RANDOM_UUID.matcher(code).find() && !UUID_ALLOWED.containsKey(relative)) {
            hits.add(relative + ": UUID.randomUUID (allowed only for the handles in " + UUID_ALLOWED + ")");
        }
        return hits;
    }
}
