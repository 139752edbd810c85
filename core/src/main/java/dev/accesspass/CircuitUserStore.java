package dev.accesspass;

import dev.accesspass.store.Identity;
import dev.accesspass.store.IdentityRemoval;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.PasskeyCredential;
import dev.accesspass.store.SecondFactor;
import dev.accesspass.store.UserCells;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A {@link UserStore} behind the {@link StoreCircuit}: every method of the SPI goes through it (a new SPI method must
 * be added here too). Thread-safe as the store it wraps.
 */
final class CircuitUserStore implements UserStore {
    private final UserStore store;
    private final StoreCircuit circuit;

    CircuitUserStore(UserStore store, StoreCircuit circuit) {
        this.store = store;
        this.circuit = circuit;
    }

    /** The store behind the circuit, for {@link CircuitTokenStore#readsUsersOf}. */
    UserStore store() {
        return store;
    }

    /** The wrapped store's {@link UserCells} behind this circuit, as {@link #findById}; null without. */
    UserCells userCells() {
        if (!(store instanceof UserCells cells)) {
            return null;
        }
        return id -> {
            if (circuit.closed()) {
                try {
                    return cells.cell(id);
                } catch (StoreUnavailableException e) {
                    circuit.failed("findById");
                    throw e;
                }
            }
            return circuit.call("findById", () -> cells.cell(id));
        };
    }

    @Override
    public UserRecord create(NewUser user) {
        return circuit.call("create", () -> store.create(user));
    }

    @Override
    public Optional<UserRecord> findById(UserId id) {
        if (circuit.closed()) {
            // Read on every token check: straight to the store while the circuit is closed (see StoreCircuit.closed).
            try {
                return store.findById(id);
            } catch (StoreUnavailableException e) {
                circuit.failed("findById");
                throw e;
            }
        }
        return circuit.call("findById", () -> store.findById(id));
    }

    @Override
    public Optional<UserRecord> findByUsername(String username) {
        return circuit.call("findByUsername", () -> store.findByUsername(username));
    }

    @Override
    public Optional<UserRecord> findByEmail(String email) {
        return circuit.call("findByEmail", () -> store.findByEmail(email));
    }

    @Override
    public Optional<UserRecord> findByIdentity(String provider, String subject) {
        return circuit.call("findByIdentity", () -> store.findByIdentity(provider, subject));
    }

    @Override
    public boolean updatePasswordHash(UserId id, String expectedHash, String newHash) {
        return circuit.call("updatePasswordHash", () -> store.updatePasswordHash(id, expectedHash, newHash));
    }

    @Override
    public boolean rehashPassword(UserId id, String expectedHash, String newHash) {
        return circuit.call("rehashPassword", () -> store.rehashPassword(id, expectedHash, newHash));
    }

    @Override
    public boolean advanceCredentialEpoch(UserId id) {
        return circuit.call("advanceCredentialEpoch", () -> store.advanceCredentialEpoch(id));
    }

    @Override
    public boolean setEmailConfirmed(UserId id, boolean confirmed) {
        return circuit.call("setEmailConfirmed", () -> store.setEmailConfirmed(id, confirmed));
    }

    @Override
    public Optional<UserRecord> updateRoles(UserId id, Set<String> add, Set<String> remove) {
        return circuit.call("updateRoles", () -> store.updateRoles(id, add, remove));
    }

    @Override
    public boolean linkIdentity(UserId id, Identity identity) {
        return circuit.call("linkIdentity", () -> store.linkIdentity(id, identity));
    }

    @Override
    public Optional<UserRecord> changeEmail(UserId id, String newEmail) {
        return circuit.call("changeEmail", () -> store.changeEmail(id, newEmail));
    }

    @Override
    public IdentityRemoval unlinkIdentity(UserId id, String provider, Predicate<UserRecord> allowed) {
        return circuit.call("unlinkIdentity", () -> store.unlinkIdentity(id, provider, allowed));
    }

    @Override
    public Optional<SecondFactor> findSecondFactor(UserId id) {
        return circuit.call("findSecondFactor", () -> store.findSecondFactor(id));
    }

    @Override
    public boolean savePendingTotp(UserId id, String secret, Instant expiresAt) {
        return circuit.call("savePendingTotp", () -> store.savePendingTotp(id, secret, expiresAt));
    }

    @Override
    public boolean enableTotp(UserId id, String secret, long step, Set<String> recoveryDigests, Instant now) {
        return circuit.call("enableTotp", () -> store.enableTotp(id, secret, step, recoveryDigests, now));
    }

    @Override
    public boolean useTotpStep(UserId id, long step) {
        return circuit.call("useTotpStep", () -> store.useTotpStep(id, step));
    }

    @Override
    public boolean useRecoveryCode(UserId id, String digest) {
        return circuit.call("useRecoveryCode", () -> store.useRecoveryCode(id, digest));
    }

    @Override
    public boolean replaceRecoveryCodes(UserId id, Set<String> digests) {
        return circuit.call("replaceRecoveryCodes", () -> store.replaceRecoveryCodes(id, digests));
    }

    @Override
    public boolean deleteSecondFactor(UserId id) {
        return circuit.call("deleteSecondFactor", () -> store.deleteSecondFactor(id));
    }

    @Override
    public Optional<String> passkeyUserHandle(UserId id, String candidate) {
        return circuit.call("passkeyUserHandle", () -> store.passkeyUserHandle(id, candidate));
    }

    @Override
    public boolean addPasskey(PasskeyCredential passkey) {
        return circuit.call("addPasskey", () -> store.addPasskey(passkey));
    }

    @Override
    public List<PasskeyCredential> listPasskeys(UserId id) {
        return circuit.call("listPasskeys", () -> store.listPasskeys(id));
    }

    @Override
    public Optional<PasskeyCredential> findPasskey(String credentialId) {
        return circuit.call("findPasskey", () -> store.findPasskey(credentialId));
    }

    @Override
    public boolean usePasskey(String credentialId, long expectedCount, long newCount, Instant usedAt) {
        return circuit.call("usePasskey", () -> store.usePasskey(credentialId, expectedCount, newCount, usedAt));
    }

    @Override
    public Optional<PasskeyCredential> renamePasskey(UserId id, String credentialId, String name) {
        return circuit.call("renamePasskey", () -> store.renamePasskey(id, credentialId, name));
    }

    @Override
    public IdentityRemoval removePasskey(UserId id, String credentialId, Predicate<UserRecord> allowed) {
        return circuit.call("removePasskey", () -> store.removePasskey(id, credentialId, allowed));
    }

    @Override
    public boolean delete(UserId id) {
        return circuit.call("delete", () -> store.delete(id));
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return store.toString();
    }
}
