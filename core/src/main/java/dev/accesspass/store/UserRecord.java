package dev.accesspass.store;

import dev.accesspass.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A user as a store keeps it, including the password hash. Never leaves core: what hooks and clients see is
 * {@link dev.accesspass.User}, which has no hash.
 *
 * @param email           the address, or {@code null} for a user created from a provider that did not verify one
 *                        (an unverified address never reserves it)
 * @param passwordHash    a self-describing hash (PHC string or bcrypt), or {@code null} for a user without a password
 * @param credentialEpoch a counter the store advances with every password-hash change and every
 *                        {@link UserStore#advanceCredentialEpoch}; a session opened at an older epoch is dead (SR-71)
 */
public record UserRecord(UserId id, String username, String email, boolean emailConfirmed, String passwordHash,
                         Set<String> roles, Instant createdAt, List<Identity> identities, long credentialEpoch) {
    public UserRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(username, "username");
        roles = Set.copyOf(roles);
        Objects.requireNonNull(createdAt, "createdAt");
        identities = List.copyOf(identities);
    }

    public Optional<String> password() {
        return Optional.ofNullable(passwordHash);
    }

    @Override
    public String toString() {
        // Keeps the hash out of any log line that prints a record.
        return "UserRecord[id=" + id + ", username=" + username + ", roles=" + roles + "]";
    }
}
