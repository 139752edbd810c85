package dev.accesspass.example.boot;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * The example webapp's routes as a Spring Boot application: the starter does the wiring, {@code application.yml}
 * holds the settings, {@code PORT}, {@code HOST} and {@code EXAMPLE_ADMINS} come from the environment. Run:
 * {@code java -jar example-spring-boot/target/accesspass-example-spring-boot.jar}.
 */
@SpringBootApplication
public class ExampleBootApp {

    public static void main(String[] args) {
        SpringApplication.run(ExampleBootApp.class, args);
    }

    /** The hooks of API.md §6 as a bean: the starter hands it to AccessPass. */
    @Bean
    ExampleHooks exampleHooks(@Value("${EXAMPLE_ADMINS:}") String admins) {
        return new ExampleHooks(admins);
    }

    /** The servlet example's Content-Security-Policy, which its page (served from {@code static/}) is written for. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /**
     * The example's own response headers, as in the servlet example: the page may not be framed and runs only its
     * own script and styles; {@code /api/*} and {@code /dev/*} answers carry user data or mail links and are never
     * cached. AccessPass's own routes set their headers themselves.
     */
    @Bean
    FilterRegistrationBean<Filter> exampleHeaders() {
        Filter filter = (request, response, chain) -> {
            HttpServletResponse http = (HttpServletResponse) response;
            http.setHeader("Content-Security-Policy", CSP);
            http.setHeader("X-Frame-Options", "DENY");
            http.setHeader("X-Content-Type-Options", "nosniff");
            http.setHeader("Referrer-Policy", "no-referrer");
            String path = ((HttpServletRequest) request).getServletPath();
            if (path.startsWith("/api/") || path.startsWith("/dev/")) {
                http.setHeader("Cache-Control", "no-store");
            }
            chain.doFilter(request, response);
        };
        return new FilterRegistrationBean<>(filter);
    }

}
