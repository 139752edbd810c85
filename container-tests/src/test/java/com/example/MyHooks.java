package com.example;

import dev.accesspass.AccessPass;
import dev.accesspass.AuthHooks;
import dev.accesspass.User;
import dev.accesspass.event.RegisterEvent;
import java.util.Map;
import java.util.Set;

/** Named by the filter's "hooks" init-param; every method of AuthHooks is optional. */
public class MyHooks implements AuthHooks {
    private static final Set<String> ADMINS = Set.of("alice");
    private volatile AccessPass accessPass;

    @Override
    public void attach(AccessPass accessPass) {
        this.accessPass = accessPass; // the Java API: roles, sessions, users
    }

    @Override
    public void afterRegister(RegisterEvent event) {
        if (ADMINS.contains(event.user().username())) {
            accessPass.grantRole(event.user().id(), "admin");
        }
    }

    @Override
    public Map<String, Object> loginResponse(User user) {
        return Map.of("greeting", "Welcome, " + user.username());
    }
}
