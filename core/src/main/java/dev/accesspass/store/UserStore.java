package dev.accesspass.store;

import dev.accesspass.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Keeps users, their roles and linked identities. Usernames and emails (where a user has one: the email may be
 * {@code null}, and any number of users may have none) are unique regardless of case, by
 * {@link Identifiers#usernameKey} and {@link Identifiers#emailKey}; the store enforces this itself (a unique index,
 * an atomic put), so two racing registrations can never both succeed.
 *
 * <p>All methods are thread-safe and each is atomic. Look-ups return copies; a store that cannot reach its backend
 * throws {@link dev.accesspass.StoreUnavailableException}. {@code UserStoreContract} in the core test-jar is the
 * executable form of this contract.
 */
public interface UserStore extends AutoCloseable {

    /** The default store, lost on restart. */
    static UserStore inMemory() {
        return new InMemoryUserStore();
    }

    /**
     * Creates a user and assigns its id.
     *
     * @throws DuplicateUserException when the username or the email is taken (username checked first)
     */
    UserRecord create(NewUser user);

    Optional<UserRecord> findById(UserId id);

    /** By username, regardless of case. */
    Optional<UserRecord> findByUsername(String username);

    /** By email, regardless of case; empty for {@code null} (a user without an email is never found by one). */
    Optional<UserRecord> findByEmail(String email);

    /** By linked identity. */
    Optional<UserRecord> findByIdentity(String provider, String subject);

    /**
     * Replaces the password hash and, in the same atomic step, advances the user's
     * {@link UserRecord#credentialEpoch credential epoch} by one: a session opened from a password verified before
     * this call can then never be used (SR-71). With {@code expectedHash} non-null this is a compare-and-set (a
     * password change must not overwrite a password changed meanwhile).
     *
     * @param newHash the new hash, or {@code null} to remove the password
     * @return whether the user existed (and, with {@code expectedHash}, still had that hash)
     */
    boolean updatePasswordHash(UserId id, String expectedHash, String newHash);

    /**
     * The transparent re-hash at login: replaces the hash by one of the same password with stronger parameters, as
     * a compare-and-set on {@code expectedHash}, and leaves the credential epoch alone (the password did not change,
     * so the session being opened with it stays good).
     *
     * @return whether the user existed and still had {@code expectedHash}
     */
    boolean rehashPassword(UserId id, String expectedHash, String newHash);

    /**
     * Advances the user's credential epoch by one without touching anything else (logout-all, an OAuth takeover):
     * every session opened at an older epoch, including one being created right now from an earlier password
     * check, is dead from then on (SR-71).
     *
     * @return whether the user existed
     */
    boolean advanceCredentialEpoch(UserId id);

    /** Sets the email-confirmed flag; returns whether the user exists. */
    boolean setEmailConfirmed(UserId id, boolean confirmed);

    /** Atomically adds and removes roles; returns the updated user, or empty if there is none. */
    Optional<UserRecord> updateRoles(UserId id, Set<String> add, Set<String> remove);

    /**
     * Links an identity to a user, replacing the profile if the same (provider, subject) is already linked to this
     * user.
     *
     * @return false if there is no such user or the identity belongs to another user
     */
    boolean linkIdentity(UserId id, Identity identity);

    /**
     * Replaces a user's email and marks it confirmed, atomically: the old address stops finding the user in the same
     * step, and the new one is claimed under the same case-insensitive uniqueness as at creation.
     *
     * @return the updated user, or empty if there is no such user
     * @throws DuplicateUserException {@code email_taken} when another user has the address; nothing changes then
     */
    Optional<UserRecord> changeEmail(UserId id, String newEmail);

    /**
     * Removes the identity of {@code provider} linked to a user, if {@code allowed} accepts the user as it is right
     * before the removal. The test and the removal are one atomic step with respect to every other change of that
     * user, so two removals racing each other cannot together take away the user's last way to log in.
     * {@code allowed} must be quick and side-effect free; it may run more than once.
     */
    IdentityRemoval unlinkIdentity(UserId id, String provider, Predicate<UserRecord> allowed);

    /** The user's TOTP credential, pending or enabled; empty when there is none (or no such user). */
    Optional<SecondFactor> findSecondFactor(UserId id);

    /**
     * Stores a pending (unconfirmed) TOTP secret, replacing a pending one, unless TOTP is already enabled.
     *
     * @return false when there is no such user or TOTP is enabled (nothing changes then)
     */
    boolean savePendingTotp(UserId id, String secret, Instant expiresAt);

    /**
     * Turns a pending setup on, as one atomic step: only if the pending secret is still {@code secret} and has not
     * lapsed at {@code now}; records {@code step} as used and installs {@code recoveryDigests} as the only
     * recovery codes.
     *
     * @return whether it was turned on
     */
    boolean enableTotp(UserId id, String secret, long step, Set<String> recoveryDigests, Instant now);

    /**
     * Uses up one TOTP step: atomically, only if TOTP is enabled and {@code step} is newer than the last used one.
     * Of any number of concurrent calls with one step (on any instance), at most one gets true.
     */
    boolean useTotpStep(UserId id, long step);

    /** Uses up one recovery code by its digest, atomically: of concurrent calls with one digest, at most one wins. */
    boolean useRecoveryCode(UserId id, String digest);

    /** Replaces every recovery code of a user with TOTP enabled; returns false (nothing changed) otherwise. */
    boolean replaceRecoveryCodes(UserId id, Set<String> digests);

    /** Removes the TOTP credential and every recovery code; returns whether there was a credential. */
    boolean deleteSecondFactor(UserId id);

    /**
     * The user's WebAuthn user handle (base64url), made {@code candidate} on the first call for that user; the
     * same handle ever after (a racing first call loses to the one that stored its candidate).
     *
     * @return the handle, or empty when there is no such user
     */
    Optional<String> passkeyUserHandle(UserId id, String candidate);

    /**
     * Adds a passkey.
     *
     * @return false, changing nothing, when there is no such user or the credential id is already known (for any
     *         user): one credential belongs to one user only
     */
    boolean addPasskey(PasskeyCredential passkey);

    /** The user's passkeys, oldest first. */
    List<PasskeyCredential> listPasskeys(UserId id);

    /** A passkey by its credential id, whoever's it is. */
    Optional<PasskeyCredential> findPasskey(String credentialId);

    /**
     * Records an assertion as one compare-and-set: the counter becomes {@code newCount} and {@code last_used_at}
     * {@code usedAt} only if the counter is still {@code expectedCount}. Of concurrent calls with one expected
     * count (on any instance), at most one gets true when {@code newCount} differs from it.
     */
    boolean usePasskey(String credentialId, long expectedCount, long newCount, Instant usedAt);

    /** Renames a passkey of {@code id}; empty when that user has no passkey with that id. */
    Optional<PasskeyCredential> renamePasskey(UserId id, String credentialId, String name);

    /**
     * Removes a passkey of {@code id}. When it is the user's last passkey, only if {@code allowed} accepts the user
     * as it is right before the removal; the test and the removal are atomic with respect to every other change of
     * that user (as in {@link #unlinkIdentity}). {@code allowed} may run more than once.
     *
     * @return {@code REMOVED}; {@code NOT_LINKED} when that user has no such passkey; {@code REFUSED}
     */
    IdentityRemoval removePasskey(UserId id, String credentialId, Predicate<UserRecord> allowed);

    /** Deletes a user with its identities; returns whether it existed. */
    boolean delete(UserId id);

    /** Releases connections. Idempotent. */
    @Override
    default void close() {
    }
}
