package dev.accesspass.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.accesspass.spring.app.TestApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A bad {@code accesspass.*} value stops the application at start with the key named (no web server needed). */
class StartupFailureTest {

    /** Starts with {@code arguments} as command-line properties, which win over application.yml. */
    private static Throwable rootOfStart(String... arguments) {
        Throwable thrown = catchThrowable(() -> {
            try (ConfigurableApplicationContext ignored = new SpringApplicationBuilder(TestApplication.class)
                    .web(WebApplicationType.NONE).run(arguments)) {
                // started: the assertion below fails
            }
        });
        assertThat(thrown).as("the start must fail").isNotNull();
        Throwable root = thrown;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    @Test
    void aBadValueFailsTheStartNamingTheKey() {
        Throwable root = rootOfStart("--accesspass.access-token-ttl=-5");
        assertThat(root).isInstanceOf(IllegalArgumentException.class);
        assertThat(root.getMessage()).startsWith("accesspass.access-token-ttl:");
    }

    @Test
    void anUnknownStoreFailsTheStartNamingTheKey() {
        assertThat(rootOfStart("--accesspass.store=mongo").getMessage()).startsWith("accesspass.store:");
    }

    @Test
    void aMisspeltKeyFailsTheStartWithTheNearestKey() {
        Throwable root = rootOfStart("--accesspass.access-token-tll=60");
        assertThat(root.getMessage()).startsWith("accesspass.access-token-tll:").contains("access-token-ttl");
    }

    @Test
    void aSecretIsNeverEchoed() {
        Throwable root = rootOfStart("--accesspass.mailer=smtp", "--accesspass.smtp-password=hunter2-secret");
        assertThat(root.getMessage()).doesNotContain("hunter2-secret");
    }
}
