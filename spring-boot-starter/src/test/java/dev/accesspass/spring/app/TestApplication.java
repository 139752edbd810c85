package dev.accesspass.spring.app;

import dev.accesspass.password.CountingHasher;
import dev.accesspass.password.PasswordHasher;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

/** The application of the starter's tests: the controllers of this package, the hooks bean, a cheap hasher. */
@SpringBootApplication
public class TestApplication {
    @Bean
    TestHooks testHooks() {
        return new TestHooks();
    }

    /** An application filter (default order): it must see the request AccessPass already authenticated. */
    @Bean
    FilterRegistrationBean<Filter> seenUserFilter() {
        Filter filter = (request, response, chain) -> {
            String user = ((HttpServletRequest) request).getRemoteUser();
            ((HttpServletResponse) response).setHeader("X-Seen-User", user == null ? "-" : user);
            chain.doFilter(request, response);
        };
        return new FilterRegistrationBean<>(filter);
    }

    /** Argon2id at OWASP parameters is the default; the tests register many users, so a weak one. */
    @Bean
    PasswordHasher testHasher() {
        return CountingHasher.weak();
    }
}
