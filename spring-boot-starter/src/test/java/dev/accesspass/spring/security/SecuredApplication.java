package dev.accesspass.spring.security;

import dev.accesspass.User;
import dev.accesspass.password.CountingHasher;
import dev.accesspass.password.PasswordHasher;
import dev.accesspass.spring.app.TestHooks;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A token API secured the Spring Security way: the chain requires authentication under {@code /secure}, method
 * security checks roles; the identity comes from AccessPass through the bridge.
 */
@SpringBootApplication
@EnableMethodSecurity
public class SecuredApplication {
    @Bean
    TestHooks testHooks() {
        return new TestHooks();
    }

    @Bean
    PasswordHasher testHasher() {
        return CountingHasher.weak();
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/secure/**").authenticated()
                        .anyRequest().permitAll())
                .csrf(csrf -> csrf.disable()) // bearer tokens only, no cookies: nothing for CSRF to protect
                .build();
    }

    @RestController
    static class SecureController {
        @GetMapping("/secure/me")
        Map<String, Object> me(@AuthenticationPrincipal User user) {
            var auth = SecurityContextHolder.getContext().getAuthentication();
            return Map.of("principal", user.username(), "name", auth.getName(),
                    "authorities", auth.getAuthorities().stream().map(Object::toString).sorted().toList(),
                    "type", auth.getClass().getSimpleName());
        }

        @PreAuthorize("hasRole('admin')")
        @GetMapping("/secure/admin")
        Map<String, String> admin(@AuthenticationPrincipal User user) {
            return Map.of("admin", user.username());
        }

        @GetMapping("/open/whoami")
        Map<String, String> whoami() {
            var auth = SecurityContextHolder.getContext().getAuthentication();
            return Map.of("name", auth == null ? "none" : auth.getName());
        }
    }
}
