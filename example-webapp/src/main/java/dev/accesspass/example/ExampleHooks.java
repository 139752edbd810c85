package dev.accesspass.example;

import dev.accesspass.AuthHooks;
import dev.accesspass.RegisterEvent;
import dev.accesspass.User;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The example's hooks (API.md §6): usernames listed in {@code EXAMPLE_ADMINS} (comma-separated) get the
 * {@code admin} role at registration, through the public Java API; token responses greet the user.
 */
public class ExampleHooks implements AuthHooks {
    private final Set<String> admins;

    public ExampleHooks() {
        this(System.getenv().getOrDefault("EXAMPLE_ADMINS", ""));
    }

    ExampleHooks(String adminList) {
        this.admins = Arrays.stream(adminList.split(","))
                .map(String::trim)
                .filter(name -> !name.isEmpty())
                .map(name -> name.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void afterRegister(RegisterEvent event) {
        if (admins.contains(event.user().username().toLowerCase(Locale.ROOT))) {
            event.accessPass().grantRole(event.user().id(), "admin");
        }
    }

    @Override
    public Map<String, Object> loginResponse(User user) {
        return Map.of("greeting", "Hello, " + user.username());
    }
}
