package dev.accesspass.spring.app;

import dev.accesspass.password.CountingHasher;
import dev.accesspass.password.PasswordHasher;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** The application of the starter's tests: the controllers of this package, the hooks bean, a cheap hasher. */
@SpringBootApplication
public class TestApplication {
    @Bean
    TestHooks testHooks() {
        return new TestHooks();
    }

    /** Argon2id at OWASP parameters is the default; the tests register many users, so a weak one. */
    @Bean
    PasswordHasher testHasher() {
        return CountingHasher.weak();
    }
}
