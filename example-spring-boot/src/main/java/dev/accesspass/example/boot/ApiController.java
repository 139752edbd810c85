package dev.accesspass.example.boot;

import dev.accesspass.User;
import dev.accesspass.servlet.Protected;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The example's application routes; the annotations are the same ones the servlet example puts on servlets. */
@RestController
public class ApiController {
    @Protected
    @GetMapping("/api/hello")
    public Map<String, String> hello(User user) {
        return Map.of("hello", user.username());
    }

    @Protected(roles = "admin")
    @GetMapping("/api/admin")
    public Map<String, String> admin(User user) {
        return Map.of("admin", user.username());
    }

    /** Needs a login (or {@code /auth/reauth}) within the last minute: 401 {@code step_up_required} otherwise. */
    @Protected(maxAge = 60)
    @GetMapping("/api/recent")
    public Map<String, String> recent(User user) {
        return Map.of("recent", user.username());
    }

    /** Needs a session opened or raised with a second factor ({@code aal} 2). */
    @Protected(mfa = true)
    @GetMapping("/api/mfa")
    public Map<String, String> mfa(User user) {
        return Map.of("mfa", user.username());
    }

    @GetMapping("/public/hello")
    public Map<String, String> publicHello() {
        return Map.of("hello", "world");
    }
}
