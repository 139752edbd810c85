package dev.accesspass.servlet;

import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.accesspass.servlet.testing.LogCapture;
import dev.accesspass.servlet.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue #10 item 8: a login_failed event keeps a bounded, escaped prefix of the identifier, never all of it (up to 4 KB reached the log before). */
class SecurityLogBoundsTest {
    @Test
    void sr67_hugeIdentifierIsLoggedAsABoundedPrefixWithLengthAndFingerprint() {
        try (TestServer server = TestServer.start();
             LogCapture log = LogCapture.of("dev.accesspass.security", Level.INFO)) {
            // 250 characters: within the 254 any identifier may have, far more than a log line should carry.
            String typed = ("mallory" + "my password typed in the wrong field".repeat(10)).substring(0, 250);

            assertProblem(server.http().login(typed, "whatever"), 401, "invalid_credentials");

            List<String> failed = log.messages().stream().filter(m -> m.startsWith("event=login_failed")).toList();
            assertThat(failed).singleElement().satisfies(line -> {
                assertThat(line.length()).as(line).isLessThan(250);
                assertThat(line).contains("identifier=\"mallorymy password typed in the \u2026\"")
                        .contains("identifier_length=\"" + typed.length() + "\"")
                        .containsPattern("identifier_sha256=\"[0-9a-f]{8}\"")
                        .doesNotContain("wrong field");
            });
        }
    }
}
