package dev.accesspass.spring;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.AuthHooks;
import dev.accesspass.mail.Mailer;
import dev.accesspass.metrics.AuthMetrics;
import dev.accesspass.micrometer.MicrometerAuthMetrics;
import dev.accesspass.oauth.OAuthUserResolver;
import dev.accesspass.password.PasswordHasher;
import dev.accesspass.servlet.AccessPassFilter;
import dev.accesspass.servlet.HandlerGuard;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * AccessPass in a Spring Boot application: the {@link AccessPass} bean configured from {@code accesspass.*}, the
 * filter ahead of the application's filters for every dispatcher type, {@code @Protected}/{@code @Public} on
 * controllers, Micrometer metrics, an Actuator health indicator, and (in {@code dev.accesspass.spring.security}) the
 * Spring Security bridge. Each bean backs off when the application defines its own.
 *
 * <p>From the context it takes, when present: an {@link AuthHooks} bean, an {@link OAuthUserResolver}, a
 * {@link Mailer}, a {@link PasswordHasher}, an {@link AuthMetrics} (else the Micrometer binding on the context's {@code MeterRegistry}), and
 * with {@code accesspass.store=jdbc} and no {@code accesspass.jdbc-url} the application's own {@link DataSource}
 * instead of a second pool.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(AccessPass.class)
public class AccessPassAutoConfiguration {
    /**
     * Ahead of the application's filters and of Spring Security's chain ({@code -100}), behind only the filters Boot
     * itself puts first (character encoding, observation), so every application filter sees the authenticated
     * request.
     */
    public static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    @Bean
    @ConditionalOnMissingBean
    public AccessPassConfig accessPassConfig(Environment environment) {
        return SpringEnvironmentConfig.read(environment);
    }

    @Bean
    @ConditionalOnMissingBean
    public AccessPass accessPass(AccessPassConfig config, ObjectProvider<AuthHooks> hooks,
                                 ObjectProvider<OAuthUserResolver> resolver, ObjectProvider<Mailer> mailer,
                                 ObjectProvider<AuthMetrics> metrics, ObjectProvider<PasswordHasher> hasher,
                                 ObjectProvider<ApplicationDataSourceStores> applicationStores) {
        AccessPass.Builder builder = AccessPass.builder(config);
        hooks.ifUnique(builder::hooks);
        resolver.ifUnique(builder::oauthUserResolver);
        mailer.ifUnique(builder::mailer);
        metrics.ifUnique(builder::metrics);
        hasher.ifUnique(builder::passwordHasher);
        applicationStores.ifAvailable(stores -> stores.stores()
                .ifPresent(opened -> builder.stores(opened.tokens(), opened.users())));
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            // Core names the key as in API.md; the application spells it under accesspass.
            throw new IllegalArgumentException("accesspass." + e.getMessage());
        }
    }

    /** The jdbc stores on the application's {@code DataSource}, when that is what the configuration asks for. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "dev.accesspass.jdbi.JdbiStoreProvider")
    static class ApplicationDataSourceConfiguration {
        @Bean
        ApplicationDataSourceStores accessPassApplicationDataSourceStores(AccessPassConfig config,
                                                                         ObjectProvider<DataSource> dataSource) {
            return ApplicationDataSourceStores.open(config, dataSource);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({MeterRegistry.class, MicrometerAuthMetrics.class})
    static class MetricsConfiguration {
        /**
         * The Micrometer binding on the context's registry. Boot's own switch
         * {@code management.metrics.enable.accesspass=false} turns it off completely: no listener, no clock reads.
         */
        @Bean
        @ConditionalOnMissingBean
        AuthMetrics accessPassMetrics(ObjectProvider<MeterRegistry> registry, Environment environment) {
            MeterRegistry found = registry.getIfUnique();
            boolean enabled = environment.getProperty("management.metrics.enable.accesspass", Boolean.class, true);
            return found == null || !enabled ? AuthMetrics.NOOP : new MicrometerAuthMetrics(found);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(AccessPassFilter.class)
    static class FilterConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "accessPassFilter")
        FilterRegistrationBean<AccessPassFilter> accessPassFilter(AccessPass accessPass) {
            // The bean owns the AccessPass, not the filter: the context closes it.
            FilterRegistrationBean<AccessPassFilter> registration =
                    new FilterRegistrationBean<>(new AccessPassFilter(accessPass));
            registration.setName("accessPassFilter");
            registration.setOrder(FILTER_ORDER);
            registration.setDispatcherTypes(EnumSet.allOf(DispatcherType.class));
            registration.addUrlPatterns("/*");
            return registration;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(WebMvcConfigurer.class)
    static class WebMvcConfiguration {
        @Bean
        @ConditionalOnMissingBean
        AccessPassHandlerInterceptor accessPassHandlerInterceptor(AccessPass accessPass) {
            return new AccessPassHandlerInterceptor(new HandlerGuard(accessPass));
        }

        @Bean
        WebMvcConfigurer accessPassWebMvcConfigurer(AccessPassHandlerInterceptor interceptor) {
            return new WebMvcConfigurer() {
                @Override
                public void addInterceptors(InterceptorRegistry registry) {
                    registry.addInterceptor(interceptor).order(Ordered.HIGHEST_PRECEDENCE);
                }

                @Override
                public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                    resolvers.add(new AccessPassArgumentResolver());
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class HealthConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "accessPassHealthIndicator")
        HealthIndicator accessPassHealthIndicator(AccessPass accessPass) {
            return new AccessPassHealthIndicator(accessPass);
        }
    }
}
