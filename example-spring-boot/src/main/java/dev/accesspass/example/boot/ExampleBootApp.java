package dev.accesspass.example.boot;

import jakarta.servlet.Filter;
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

    /** {@code /api/*} and {@code /dev/*} answers carry user data or mail links: never cached. */
    @Bean
    FilterRegistrationBean<Filter> noStore() {
        Filter filter = (request, response, chain) -> {
            ((HttpServletResponse) response).setHeader("Cache-Control", "no-store");
            chain.doFilter(request, response);
        };
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
        registration.addUrlPatterns("/api/*", "/dev/*");
        return registration;
    }

}
