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

    @GetMapping("/public/hello")
    public Map<String, String> publicHello() {
        return Map.of("hello", "world");
    }
}
