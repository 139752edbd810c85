package dev.accesspass.spring.security;

import dev.accesspass.spring.AccessPassAutoConfiguration;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

/**
 * The Spring Security bridge, when Spring Security's web module is on the class path: registers
 * {@link SecurityContextBridgeFilter} right after the AccessPass filter, so ahead of {@code springSecurityFilterChain}.
 */
@AutoConfiguration(after = AccessPassAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RequestAttributeSecurityContextRepository.class)
public class AccessPassSecurityAutoConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "accessPassSecurityBridge")
    FilterRegistrationBean<SecurityContextBridgeFilter> accessPassSecurityBridge() {
        FilterRegistrationBean<SecurityContextBridgeFilter> registration =
                new FilterRegistrationBean<>(new SecurityContextBridgeFilter());
        registration.setName("accessPassSecurityBridge");
        registration.setOrder(AccessPassAutoConfiguration.FILTER_ORDER + 1);
        registration.setDispatcherTypes(EnumSet.allOf(DispatcherType.class));
        registration.addUrlPatterns("/*");
        return registration;
    }
}
