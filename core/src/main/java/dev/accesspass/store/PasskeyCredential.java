package dev.accesspass.store;

import dev.accesspass.UserId;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A user's passkey (WebAuthn credential) as the store keeps it.
 *
 * @param id             the credential id, base64url without padding; unique over all users
 * @param user           whose it is
 * @param userHandle     the user's WebAuthn user handle (base64url) it was registered under
 * @param credentialData the attested credential data (AAGUID, id, COSE public key) as core encoded it; opaque to
 *                       the store
 * @param signCount      the last signature counter seen
 * @param backupEligible the BE flag at registration
 * @param backupState    the BS flag last seen
 * @param transports     the transports the browser reported, as hints for later ceremonies
 * @param name           the user's name for it
 * @param lastUsedAt     the last successful assertion, or {@code null}
 */
public record PasskeyCredential(String id, UserId user, String userHandle, byte[] credentialData, long signCount,
                                boolean backupEligible, boolean backupState, Set<String> transports, String name,
                                Instant createdAt, Instant lastUsedAt) {
    public PasskeyCredential {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(userHandle, "userHandle");
        credentialData = credentialData.clone();
        transports = Set.copyOf(transports);
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    @Override
    public byte[] credentialData() {
        return credentialData.clone();
    }

    /** The same credential after an assertion: the new counter and when. */
    public PasskeyCredential used(long newCount, Instant at) {
        return new PasskeyCredential(id, user, userHandle, credentialData, newCount, backupEligible, backupState,
                transports, name, createdAt, at);
    }

    /** The same credential under another name. */
    public PasskeyCredential named(String newName) {
        return new PasskeyCredential(id, user, userHandle, credentialData, signCount, backupEligible, backupState,
                transports, newName, createdAt, lastUsedAt);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PasskeyCredential that && id.equals(that.id) && user.equals(that.user)
                && userHandle.equals(that.userHandle) && java.util.Arrays.equals(credentialData, that.credentialData)
                && signCount == that.signCount && backupEligible == that.backupEligible
                && backupState == that.backupState && transports.equals(that.transports) && name.equals(that.name)
                && createdAt.equals(that.createdAt) && Objects.equals(lastUsedAt, that.lastUsedAt);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "PasskeyCredential[id=" + id + ", user=" + user + ", signCount=" + signCount + ", name=" + name + "]";
    }
}
