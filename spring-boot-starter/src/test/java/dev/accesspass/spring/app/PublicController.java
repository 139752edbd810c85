package dev.accesspass.spring.app;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** No annotation: anyone. */
@RestController
public class PublicController {
    @GetMapping("/public/hello")
    public Map<String, String> hello() {
        return Map.of("hello", "world");
    }
}
