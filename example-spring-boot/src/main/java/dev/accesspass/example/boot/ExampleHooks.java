package dev.accesspass.example.boot;

import dev.accesspass.AccessPass;
import dev.accesspass.AuthHooks;
import dev.accesspass.User;
import dev.accesspass.event.RegisterEvent;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The example's hooks (the same as the servlet example's): usernames listed in {@code EXAMPLE_ADMINS}
 * (comma-separated) get the {@code admin} role at registration, through the public Java API; token responses greet
 * the user.
 */
public class ExampleHooks implements AuthHooks {
    private final Set<String> admins;
    /** The instance these hooks serve, kept from {@link #attach}: events carry data only. */
    private volatile AccessPass accessPass;

    public ExampleHooks(String adminList) {
        this.admins = Arrays.stream(adminList.split(","))
                .map(String::trim)
                .filter(name -> !name.isEmpty())
                .map(name -> name.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void attach(AccessPass accessPass) {
        this.accessPass = accessPass;
    }

    @Override
    public void afterRegister(RegisterEvent event) {
        if (admins.contains(event.user().username().toLowerCase(Locale.ROOT))) {
            accessPass.grantRole(event.user().id(), "admin");
        }
    }

    @Override
    public Map<String, Object> loginResponse(User user) {
        return Map.of("greeting", "Hello, " + user.username());
    }
}
