package dev.accesspass;

import dev.accesspass.store.UserRecord;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A user as applications, hooks and clients see it: never a password hash or token (API.md §1, user object).
 *
 * @param identities the linked provider identities, as (provider, subject) pairs
 */
public record User(UserId id, String username, String email, boolean emailConfirmed, Set<String> roles,
                   Instant createdAt, List<LinkedIdentity> identities) {
    public User {
        Objects.requireNonNull(id, "id");
        roles = Set.copyOf(roles);
        identities = List.copyOf(identities);
    }

    /** The view of a stored user. */
    public static User of(UserRecord record) {
        // On every authenticated request: a plain loop, and no list at all for the usual user without identities.
        List<LinkedIdentity> identities = List.of();
        if (!record.identities().isEmpty()) {
            LinkedIdentity[] linked = new LinkedIdentity[record.identities().size()];
            for (int i = 0; i < linked.length; i++) {
                linked[i] = new LinkedIdentity(record.identities().get(i).provider(), record.identities().get(i).subject());
            }
            identities = List.of(linked);
        }
        return new User(record.id(), record.username(), record.email(), record.emailConfirmed(), record.roles(),
                record.createdAt(), identities);
    }

    /** Roles in a stable order, for responses. */
    public List<String> sortedRoles() {
        return List.copyOf(new TreeSet<>(roles));
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /** A provider identity linked to the user. */
    public record LinkedIdentity(String provider, String subject) {
    }
}
