package dev.accesspass.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A newcomer who starts the example with a bad setting gets one line naming the key and the reason, and a process
 * that exits non-zero: not a stack trace and a process that keeps running without answering (the demo OAuth
 * provider's non-daemon thread used to keep the JVM alive). Runs the app's real {@code main} in a child JVM.
 */
class StartupFailureTest {
    @TempDir
    Path dir;

    private record Outcome(int exitCode, List<String> stderr, String stdout) {
    }

    private Outcome run(Map<String, String> env) throws Exception {
        File out = dir.resolve("out.txt").toFile();
        File err = dir.resolve("err.txt").toFile();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // The app's own logging set-up, not the tests' logback-test.xml that is on this classpath too.
                "-Dlogback.configurationFile=" + Path.of(ExampleApp.class.getResource("/logback.xml").toURI()),
                "-cp", System.getProperty("java.class.path"), ExampleApp.class.getName())
                .redirectOutput(out).redirectError(err);
        builder.environment().keySet().removeIf(name -> name.startsWith("ACCESSPASS_") || name.startsWith("EXAMPLE_"));
        builder.environment().put("PORT", "0");
        builder.environment().putAll(env);
        Process process = builder.start();
        boolean exited = process.waitFor(90, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        assertThat(exited).as("the app must exit by itself after a failed start").isTrue();
        return new Outcome(process.exitValue(), Files.readAllLines(err.toPath(), StandardCharsets.UTF_8),
                Files.readString(out.toPath(), StandardCharsets.UTF_8));
    }

    private static void assertOneLine(Outcome outcome, String key) {
        assertThat(outcome.exitCode()).isNotZero();
        assertThat(outcome.stderr()).hasSize(1);
        assertThat(outcome.stderr().get(0)).startsWith("accesspass-example: cannot start: " + key + ":");
        // No stack trace anywhere, and the reason is said once.
        String all = String.join("\n", outcome.stderr()) + outcome.stdout();
        assertThat(all).doesNotContain("\tat ").doesNotContain("Exception in thread");
    }

    @Test
    void aBadValueNamesTheKeyAndExits() throws Exception {
        Outcome outcome = run(Map.of("ACCESSPASS_LOGIN_MAX_ATTEMPTS", "1000"));
        assertOneLine(outcome, "login-max-attempts");
    }

    @Test
    void anUnknownKeyNamesTheKeyAndExits() throws Exception {
        Outcome outcome = run(Map.of("ACCESSPASS_LOGIN_MAX_ATTEMPS", "5"));
        assertOneLine(outcome, "ACCESSPASS_LOGIN_MAX_ATTEMPS");
    }

    @Test
    void anUnreachableDatabaseNamesTheKeyAndExits() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Outcome outcome = run(Map.of("ACCESSPASS_STORE", "jdbc",
                "ACCESSPASS_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + closedPort + "/accesspass",
                "ACCESSPASS_JDBC_USER", "nobody", "ACCESSPASS_JDBC_PASSWORD", "not-a-real-secret-42"));
        assertOneLine(outcome, "jdbc-url");
        assertThat(outcome.stderr().get(0)).doesNotContain("not-a-real-secret-42");
    }

    @Test
    void aBadPortNamesIt() throws Exception {
        Outcome outcome = run(Map.of("PORT", "eighty"));
        assertOneLine(outcome, "PORT");
    }

}
