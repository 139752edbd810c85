package dev.accesspass.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.metrics.AuthMetrics;
import dev.accesspass.micrometer.MicrometerAuthMetrics;
import dev.accesspass.password.CountingHasher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Each bean of the starter backs off for the application's own; the metrics binding follows the registry. */
class AutoConfigurationBackOffTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AccessPassAutoConfiguration.class))
            .withBean(CountingHasher.class, CountingHasher::weak)
            // This module's surefire sets ACCESSPASS_OAUTH_GITHUB_*, and a provider needs base-url.
            .withPropertyValues("accesspass.base-url=http://localhost:8080");

    @Test
    void anAccessPassOfTheApplicationIsUsedAsItIs() {
        AccessPass own = AccessPass.builder(AccessPassConfig.builder().set("access-token-ttl", "42").build())
                .passwordHasher(CountingHasher.weak()).build();
        runner.withBean(AccessPass.class, () -> own).run(context -> {
            assertThat(context).hasSingleBean(AccessPass.class);
            assertThat(context.getBean(AccessPass.class)).isSameAs(own);
        });
        own.close();
    }

    @Test
    void anAccessPassConfigOfTheApplicationReplacesTheProperties() {
        runner.withPropertyValues("accesspass.access-token-ttl=60")
                .withBean(AccessPassConfig.class, () -> AccessPassConfig.builder().set("access-token-ttl", "77").build())
                .run(context -> assertThat(context.getBean(AccessPass.class).config().accessTokenTtl().toSeconds())
                        .isEqualTo(77));
    }

    @Test
    void withoutAMeterRegistryThereIsNoListenerWithOneTheMicrometerBinding() {
        runner.run(context -> assertThat(context.getBean(AuthMetrics.class)).isSameAs(AuthMetrics.NOOP));
        runner.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new).run(context ->
                assertThat(context.getBean(AuthMetrics.class)).isInstanceOf(MicrometerAuthMetrics.class));
        runner.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("management.metrics.enable.accesspass=false")
                .run(context -> assertThat(context.getBean(AuthMetrics.class)).isSameAs(AuthMetrics.NOOP));
    }

    @Test
    void anAuthMetricsOfTheApplicationIsTheOneUsed() {
        AuthMetrics own = new AuthMetrics() { };
        runner.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(AuthMetrics.class, () -> own)
                .run(context -> assertThat(context.getBean(AuthMetrics.class)).isSameAs(own));
    }

    @Test
    void noFilterOrInterceptorOutsideAWebApplication() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(AccessPass.class);
            assertThat(context).doesNotHaveBean("accessPassFilter");
            assertThat(context).doesNotHaveBean(AccessPassHandlerInterceptor.class);
        });
    }
}
