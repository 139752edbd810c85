package dev.accesspass.servlet;

import dev.accesspass.User;
import java.security.Principal;
import java.util.Objects;

/**
 * The principal of a request authenticated by a bearer token: {@link #getName()} is the username, and the full
 * {@link User} is one cast away.
 */
public record UserPrincipal(User user) implements Principal {
    public UserPrincipal {
        Objects.requireNonNull(user, "user");
    }

    @Override
    public String getName() {
        return user.username();
    }
}
