package dev.accesspass.servlet.testing;

import java.util.function.Predicate;
import dev.accesspass.store.IdentityRemoval;
import dev.accesspass.UserId;
import dev.accesspass.store.Identity;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.PasskeyCredential;
import dev.accesspass.store.SecondFactor;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link UserStore} decorator that counts calls per method and throws
 * {@link dev.accesspass.StoreUnavailableException} on demand (see {@link StoreFaults}). Delegates every method.
 * Thread-safe if the delegate is.
 */
public final class InstrumentedUserStore implements UserStore {
    private final UserStore delegate;
    private final StoreFaults faults = new StoreFaults();

    public InstrumentedUserStore(UserStore delegate) {
        this.delegate = delegate;
    }

    /** Around a fresh in-memory store. */
    public static InstrumentedUserStore inMemory() {
        return new InstrumentedUserStore(UserStore.inMemory());
    }

    public StoreFaults faults() {
        return faults;
    }

    @Override
    public UserRecord create(NewUser user) {
        return faults.call("create", () -> delegate.create(user));
    }

    @Override
    public Optional<UserRecord> findById(UserId id) {
        return faults.call("findById", () -> delegate.findById(id));
    }

    @Override
    public Optional<UserRecord> findByUsername(String username) {
        return faults.call("findByUsername", () -> delegate.findByUsername(username));
    }

    @Override
    public Optional<UserRecord> findByEmail(String email) {
        return faults.call("findByEmail", () -> delegate.findByEmail(email));
    }

    @Override
    public Optional<UserRecord> findByIdentity(String provider, String subject) {
        return faults.call("findByIdentity", () -> delegate.findByIdentity(provider, subject));
    }

    @Override
    public boolean updatePasswordHash(UserId id, String expectedHash, String newHash) {
        return faults.call("updatePasswordHash", () -> delegate.updatePasswordHash(id, expectedHash, newHash));
    }

    @Override
    public boolean rehashPassword(UserId id, String expectedHash, String newHash) {
        return faults.call("rehashPassword", () -> delegate.rehashPassword(id, expectedHash, newHash));
    }

    @Override
    public boolean advanceCredentialEpoch(UserId id) {
        return faults.call("advanceCredentialEpoch", () -> delegate.advanceCredentialEpoch(id));
    }

    @Override
    public boolean setEmailConfirmed(UserId id, boolean confirmed) {
        return faults.call("setEmailConfirmed", () -> delegate.setEmailConfirmed(id, confirmed));
    }

    @Override
    public Optional<UserRecord> updateRoles(UserId id, Set<String> add, Set<String> remove) {
        return faults.call("updateRoles", () -> delegate.updateRoles(id, add, remove));
    }

    @Override
    public Optional<UserRecord> changeEmail(UserId id, String newEmail) {
        return faults.call("changeEmail", () -> delegate.changeEmail(id, newEmail));
    }

    @Override
    public IdentityRemoval unlinkIdentity(UserId id, String provider, Predicate<UserRecord> allowed) {
        return faults.call("unlinkIdentity", () -> delegate.unlinkIdentity(id, provider, allowed));
    }

    @Override
    public boolean linkIdentity(UserId id, Identity identity) {
        return faults.call("linkIdentity", () -> delegate.linkIdentity(id, identity));
    }

    @Override
    public Optional<SecondFactor> findSecondFactor(UserId id) {
        return faults.call("findSecondFactor", () -> delegate.findSecondFactor(id));
    }

    @Override
    public boolean savePendingTotp(UserId id, String secret, Instant expiresAt) {
        return faults.call("savePendingTotp", () -> delegate.savePendingTotp(id, secret, expiresAt));
    }

    @Override
    public boolean enableTotp(UserId id, String secret, long step, Set<String> recoveryDigests, Instant now) {
        return faults.call("enableTotp", () -> delegate.enableTotp(id, secret, step, recoveryDigests, now));
    }

    @Override
    public boolean useTotpStep(UserId id, long step) {
        return faults.call("useTotpStep", () -> delegate.useTotpStep(id, step));
    }

    @Override
    public boolean useRecoveryCode(UserId id, String digest) {
        return faults.call("useRecoveryCode", () -> delegate.useRecoveryCode(id, digest));
    }

    @Override
    public boolean replaceRecoveryCodes(UserId id, Set<String> digests) {
        return faults.call("replaceRecoveryCodes", () -> delegate.replaceRecoveryCodes(id, digests));
    }

    @Override
    public boolean deleteSecondFactor(UserId id) {
        return faults.call("deleteSecondFactor", () -> delegate.deleteSecondFactor(id));
    }

    @Override
    public Optional<String> passkeyUserHandle(UserId id, String candidate) {
        return faults.call("passkeyUserHandle", () -> delegate.passkeyUserHandle(id, candidate));
    }

    @Override
    public boolean addPasskey(PasskeyCredential passkey) {
        return faults.call("addPasskey", () -> delegate.addPasskey(passkey));
    }

    @Override
    public List<PasskeyCredential> listPasskeys(UserId id) {
        return faults.call("listPasskeys", () -> delegate.listPasskeys(id));
    }

    @Override
    public Optional<PasskeyCredential> findPasskey(String credentialId) {
        return faults.call("findPasskey", () -> delegate.findPasskey(credentialId));
    }

    @Override
    public boolean usePasskey(String credentialId, long expectedCount, long newCount, Instant usedAt) {
        return faults.call("usePasskey", () -> delegate.usePasskey(credentialId, expectedCount, newCount, usedAt));
    }

    @Override
    public Optional<PasskeyCredential> renamePasskey(UserId id, String credentialId, String name) {
        return faults.call("renamePasskey", () -> delegate.renamePasskey(id, credentialId, name));
    }

    @Override
    public IdentityRemoval removePasskey(UserId id, String credentialId, Predicate<UserRecord> allowed) {
        return faults.call("removePasskey", () -> delegate.removePasskey(id, credentialId, allowed));
    }

    @Override
    public boolean delete(UserId id) {
        return faults.call("delete", () -> delegate.delete(id));
    }

    @Override
    public void close() {
        delegate.close();
    }
}
