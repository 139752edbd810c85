package dev.accesspass.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

/** {@link RequiredTool}'s decision: run, skip visibly, or fail in CI. */
class RequiredToolConditionTest {
    private static final String PATH = "/nonexistent-dir:/bin:/usr/bin";

    @Test
    void presentToolsRun() {
        ConditionEvaluationResult result = RequiredToolCondition.decide(new String[] {"sh", "/bin/sh"}, "apt-get x",
                Map.of("PATH", PATH, "CI", "true"));
        assertThat(result.isDisabled()).isFalse();
    }

    @Test
    void aMissingToolSkipsWithTheInstallCommandOutsideCi() {
        for (Map<String, String> environment : List.of(Map.of("PATH", PATH), Map.of("PATH", PATH, "CI", "false"))) {
            ConditionEvaluationResult result = RequiredToolCondition.decide(
                    new String[] {"sh", "no-such-tool-accesspass"}, "apt-get install no-such-tool", environment);
            assertThat(result.isDisabled()).isTrue();
            assertThat(result.getReason()).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("no-such-tool-accesspass").contains("apt-get install no-such-tool")
                    .doesNotContain("sh,"));
        }
    }

    @Test
    void aMissingToolFailsInCi() {
        assertThatThrownBy(() -> RequiredToolCondition.decide(new String[] {"/usr/bin/no-such-tool-accesspass"},
                "apt-get install no-such-tool", Map.of("PATH", PATH, "CI", "true")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("CI=true")
                .hasMessageContaining("/usr/bin/no-such-tool-accesspass")
                .hasMessageContaining("apt-get install no-such-tool");
    }

    @Test
    void locateFindsOnPathOrByAbsolutePathOnly() throws IOException {
        Path plainFile = Files.createTempFile("accesspass-not-a-tool", ".txt"); // rw------- : not executable
        Path directory = plainFile.getParent();
        assertThat(RequiredToolCondition.locate("sh", PATH)).hasValueSatisfying(path -> assertThat(path)
                .isIn(Path.of("/bin/sh"), Path.of("/usr/bin/sh")));
        assertThat(RequiredToolCondition.locate("sh", null)).isEmpty();
        assertThat(RequiredToolCondition.locate("/bin/sh", null)).contains(Path.of("/bin/sh"));
        try {
            assertThat(RequiredToolCondition.locate(plainFile.toString(), PATH)).as("not executable").isEmpty();
            assertThat(RequiredToolCondition.locate(directory.toString(), PATH)).as("a directory").isEmpty();
            assertThat(RequiredToolCondition.locate(plainFile.getFileName().toString(), directory.toString()))
                    .as("not executable, on the path").isEmpty();
        } finally {
            Files.delete(plainFile);
        }
    }
}
