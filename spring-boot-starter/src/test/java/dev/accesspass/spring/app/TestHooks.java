package dev.accesspass.spring.app;

import dev.accesspass.AccessPass;
import dev.accesspass.AuthHooks;
import dev.accesspass.User;
import dev.accesspass.event.RegisterEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A user-defined hooks bean: alice becomes admin at registration; token responses greet; registrations noted. */
public class TestHooks implements AuthHooks {
    public final List<String> registered = new CopyOnWriteArrayList<>();
    private volatile AccessPass accessPass;

    @Override
    public void attach(AccessPass accessPass) {
        this.accessPass = accessPass;
    }

    @Override
    public void afterRegister(RegisterEvent event) {
        registered.add(event.user().username());
        if (event.user().username().startsWith("alice")) {
            accessPass.grantRole(event.user().id(), "admin");
        }
    }

    @Override
    public Map<String, Object> loginResponse(User user) {
        return Map.of("greeting", "Hello, " + user.username());
    }
}
