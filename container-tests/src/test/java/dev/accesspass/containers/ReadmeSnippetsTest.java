package dev.accesspass.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's quick start is these files, to the character: every fenced block preceded by
 * {@code <!-- snippet: <path> -->} must equal that file of the repository, and the quick start's files must all be
 * quoted. {@link TomcatQuickStartTest} compiles and runs them; this keeps the README from drifting from them. The
 * README's dependency versions must be this build's version.
 */
class ReadmeSnippetsTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Pattern SNIPPET = Pattern.compile(
            "<!-- snippet: (\\S+) -->\\n```[a-z]*\\n(.*?)```\\n", Pattern.DOTALL);
    private static final List<String> QUICK_START = List.of(
            "container-tests/src/test/resources/quickstart/pom.xml",
            "container-tests/src/test/resources/quickstart/WEB-INF/web.xml",
            "container-tests/src/test/java/com/example/HelloServlet.java",
            "container-tests/src/test/java/com/example/MyHooks.java");

    @Test
    void everyQuotedFileIsQuotedExactly() throws IOException {
        Map<String, String> quoted = snippets();
        assertThat(quoted.keySet()).containsAll(QUICK_START);
        for (Map.Entry<String, String> snippet : quoted.entrySet()) {
            String file = Files.readString(ROOT.resolve(snippet.getKey()), StandardCharsets.UTF_8);
            assertThat(snippet.getValue()).as("README block for %s", snippet.getKey()).isEqualTo(file);
        }
    }

    @Test
    void theReadmeDependsOnThisBuildsVersion() throws IOException {
        String readme = readme();
        String version = System.getProperty("project.version");
        assertThat(version).as("surefire passes project.version").isNotBlank();
        Matcher dependency = Pattern.compile(
                "<groupId>dev\\.accesspass</groupId>\\s*<artifactId>(accesspass-[a-z-]+)</artifactId>\\s*"
                        + "<version>([^<]+)</version>").matcher(readme);
        int found = 0;
        while (dependency.find()) {
            found++;
            assertThat(dependency.group(2)).as(dependency.group(1)).isEqualTo(version);
        }
        assertThat(found).as("dev.accesspass dependency blocks in the README").isGreaterThanOrEqualTo(2);
        assertThat(readme).doesNotContain("../shared");
    }

    private static Map<String, String> snippets() throws IOException {
        Matcher matcher = SNIPPET.matcher(readme());
        Map<String, String> found = new LinkedHashMap<>();
        while (matcher.find()) {
            found.put(matcher.group(1), matcher.group(2));
        }
        return found;
    }

    private static String readme() throws IOException {
        return Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8).replace("\r\n", "\n");
    }
}
