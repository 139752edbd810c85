package dev.accesspass.spring.app;

import dev.accesspass.Authentication;
import dev.accesspass.User;
import dev.accesspass.servlet.Protected;
import dev.accesspass.servlet.Public;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Protected as a whole, with one public method and one that needs a role. */
@RestController
@Protected
@RequestMapping("/api")
public class ApiController {
    @GetMapping("/hello")
    public Map<String, String> hello(User user) {
        return Map.of("hello", user.username());
    }

    @PostMapping("/hello")
    public Map<String, String> postHello(Authentication auth) {
        return Map.of("posted", auth.user().username());
    }

    @Protected(roles = "admin")
    @GetMapping("/admin")
    public Map<String, String> admin(User user) {
        return Map.of("admin", user.username());
    }

    @Public
    @GetMapping("/open")
    public Map<String, String> open(User user) {
        return Map.of("open", user == null ? "anonymous" : user.username());
    }
}
