package dev.accesspass.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** The condition behind {@link RequiredTool}: run, skip (reported), or fail in CI. */
public final class RequiredToolCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<RequiredTool> required = context.getElement()
                .flatMap(element -> AnnotationSupport.findAnnotation(element, RequiredTool.class));
        if (required.isEmpty()) {
            return ConditionEvaluationResult.enabled("no @RequiredTool here");
        }
        return decide(required.get().value(), required.get().install(), System.getenv());
    }

    /**
     * The decision for {@code tools} in {@code environment} (its {@code PATH} and {@code CI}): enabled when all are
     * found, disabled with the install command when one is missing, and an {@link AssertionError} when one is
     * missing and {@code CI=true}.
     */
    public static ConditionEvaluationResult decide(String[] tools, String install, Map<String, String> environment) {
        List<String> missing = new ArrayList<>();
        for (String tool : tools) {
            if (locate(tool, environment.get("PATH")).isEmpty()) {
                missing.add(tool);
            }
        }
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("found " + String.join(", ", tools));
        }
        String message = "needs " + String.join(", ", missing) + ", which is not installed; to run it: " + install;
        if ("true".equalsIgnoreCase(environment.get("CI"))) {
            throw new AssertionError("CI=true and this test " + message);
        }
        return ConditionEvaluationResult.disabled("skipped: this test " + message);
    }

    private static boolean executable(Path file) {
        return Files.isRegularFile(file) && Files.isExecutable(file);
    }

    /** An executable {@code tool}: the path itself when absolute, else the first match on {@code path}. */
    public static Optional<Path> locate(String tool, String path) {
        Path direct = Path.of(tool);
        if (direct.isAbsolute()) {
            return executable(direct) ? Optional.of(direct) : Optional.empty();
        }
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && executable(Path.of(dir, tool))) {
                return Optional.of(Path.of(dir, tool));
            }
        }
        return Optional.empty();
    }
}
