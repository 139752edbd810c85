package dev.accesspass.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A user to create. The store assigns the id. Username and email must be unique regardless of case, compared
 * through {@link Identifiers#usernameKey} and {@link Identifiers#emailKey}.
 *
 * @param email        the address, or {@code null} (several users may have none)
 * @param passwordHash a self-describing hash, or {@code null} for a user who logs in only through a provider
 */
public record NewUser(String username, String email, boolean emailConfirmed, String passwordHash,
                      Set<String> roles, Instant createdAt) {
    public NewUser {
        Objects.requireNonNull(username, "username");
        roles = Set.copyOf(roles);
        Objects.requireNonNull(createdAt, "createdAt");
    }

    @Override
    public String toString() {
        return "NewUser[username=" + username + "]";
    }
}
