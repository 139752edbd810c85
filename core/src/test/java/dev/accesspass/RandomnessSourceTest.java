package dev.accesspass;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SR-01 as a source scan: every secret comes from the one {@code new SecureRandom()} in {@link Secrets}, so no main
 * source may reach for a weaker or blocking generator. Comments are stripped first, so javadoc that explains why
 * {@code getInstanceStrong()} is avoided does not trip the scan.
 */
class RandomnessSourceTest {
    private static final Path MAIN_SOURCES = Path.of("src/main/java");

    /** Weak (predictable) or blocking sources of randomness, with why each is banned. */
    private static final Map<String, Pattern> FORBIDDEN = Map.of(
            "java.util.Random", Pattern.compile("\\bjava\\.util\\.Random\\b"),
            "new Random(", Pattern.compile("(?<![A-Za-z0-9_])new\\s+Random\\s*\\("),
            "Math.random", Pattern.compile("\\bMath\\s*\\.\\s*random\\b"),
            "ThreadLocalRandom", Pattern.compile("\\bThreadLocalRandom\\b"),
            "SplittableRandom", Pattern.compile("\\bSplittableRandom\\b"),
            "getInstanceStrong", Pattern.compile("\\bgetInstanceStrong\\b"));
    private static final Pattern RANDOM_UUID = Pattern.compile("\\brandomUUID\\b");
    /** User ids are handles, not secrets: the only place a random UUID is fine. */
    private static final Path UUID_ALLOWED = Path.of("dev/accesspass/store/InMemoryUserStore.java");

    @Test
    void sr01_mainSourcesUseNoWeakOrBlockingRandomness() throws IOException {
        List<Path> sources = javaSources();
        assertThat(sources).as("main sources found under %s", MAIN_SOURCES.toAbsolutePath())
                .anyMatch(path -> path.endsWith("dev/accesspass/Secrets.java"));

        List<String> hits = new ArrayList<>();
        for (Path source : sources) {
            String code = withoutComments(Files.readString(source));
            Path relative = MAIN_SOURCES.relativize(source);
            FORBIDDEN.forEach((name, pattern) -> {
                if (pattern.matcher(code).find()) {
                    hits.add(relative + ": " + name);
                }
            });
            if (RANDOM_UUID.matcher(code).find() && !relative.equals(UUID_ALLOWED)) {
                hits.add(relative + ": UUID.randomUUID (allowed only in " + UUID_ALLOWED + ")");
            }
        }
        assertThat(hits).as("forbidden randomness in main sources").isEmpty();
    }

    @Test
    void sr01_secretsUseOnePlainSecureRandom() throws IOException {
        String secrets = withoutComments(Files.readString(MAIN_SOURCES.resolve("dev/accesspass/Secrets.java")));

        assertThat(Pattern.compile("new\\s+SecureRandom\\s*\\(\\s*\\)").matcher(secrets).results().count())
                .isEqualTo(1);
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

    private static List<Path> javaSources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
            return files.filter(path -> path.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** Drops line and block comments, keeping string and char literals intact (text blocks are strings too). */
    static String withoutComments(String code) {
        StringBuilder out = new StringBuilder(code.length());
        int i = 0;
        while (i < code.length()) {
            char c = code.charAt(i);
            char next = i + 1 < code.length() ? code.charAt(i + 1) : '\0';
            if (c == '/' && next == '/') {
                while (i < code.length() && code.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && next == '*') {
                int end = code.indexOf("*/", i + 2);
                i = end < 0 ? code.length() : end + 2;
                out.append(' ');
            } else if (c == '"' || c == '\'') {
                int start = i++;
                while (i < code.length() && code.charAt(i) != c) {
                    i += code.charAt(i) == '\\' ? 2 : 1;
                }
                i = Math.min(i + 1, code.length());
                out.append(code, start, i);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
