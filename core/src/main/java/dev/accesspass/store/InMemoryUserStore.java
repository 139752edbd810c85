package dev.accesspass.store;

import dev.accesspass.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The default {@link UserStore}, lost on restart. Uniqueness is claimed with {@code putIfAbsent} on key maps before
 * the user becomes visible, so two racing registrations of one name cannot both win; a user whose email claim
 * fails gives its username claim back.
 */
final class InMemoryUserStore implements UserStore, UserCells {
    /**
     * Each user's record in its {@link UserCells.Cell}, one per user for the user's life: every change replaces the
     * record inside one {@code computeIfPresent} of the user's entry ({@link #change}), a deletion empties the cell
     * in the step that removes it, so a cell never shows a record that is not the user's (the token check's memo
     * relies on this).
     */
    private final ConcurrentHashMap<UserId, Cell> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, UserId> byUsername = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, UserId> byEmail = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, UserId> byIdentity = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UserId, String> userHandles = new ConcurrentHashMap<>();
    /** Passkeys by credential id; the id is claimed with {@code putIfAbsent}, so it belongs to one user only. */
    private final ConcurrentHashMap<String, PasskeyCredential> passkeys = new ConcurrentHashMap<>();

    @Override
    public UserRecord create(NewUser user) {
        // User ids are not secrets; a random UUID just keeps them unguessable-ish and unique without coordination.
        UserId id = new UserId(UUID.randomUUID().toString());
        String usernameKey = Identifiers.usernameKey(user.username());
        String emailKey = Identifiers.emailKey(user.email());
        if (byUsername.putIfAbsent(usernameKey, id) != null) {
            throw DuplicateUserException.username();
        }
        // A user without an email reserves no address.
        if (emailKey != null && byEmail.putIfAbsent(emailKey, id) != null) {
            byUsername.remove(usernameKey, id);
            throw DuplicateUserException.email();
        }
        UserRecord created = new UserRecord(id, user.username(), user.email(), user.emailConfirmed(),
                user.passwordHash(), user.roles(), user.createdAt(), List.of(), 0);
        users.put(id, new Cell(created));
        return created;
    }

    @Override
    public Optional<UserRecord> findById(UserId id) {
        Cell cell = users.get(id);
        return cell == null ? Optional.empty() : Optional.ofNullable(cell.current());
    }

    @Override
    public Cell cell(UserId id) {
        return users.get(id);
    }

    /**
     * Changes a user in one atomic step of its entry: the cell holds what {@code change} returns (the same record for
     * no change) before any other change of the user can start. Returns that record, or null without such a user.
     */
    private UserRecord change(UserId id, UnaryOperator<UserRecord> change) {
        UserRecord[] after = {null};
        users.computeIfPresent(id, (key, cell) -> {
            UserRecord next = change.apply(cell.current());
            if (next != cell.current()) {
                cell.set(next);
            }
            after[0] = next;
            return cell;
        });
        return after[0];
    }

    @Override
    public Optional<UserRecord> findByUsername(String username) {
        return lookup(byUsername.get(Identifiers.usernameKey(username)));
    }

    @Override
    public Optional<UserRecord> findByEmail(String email) {
        if (email == null) {
            return Optional.empty();
        }
        String key = Identifiers.emailKey(email);
        // Checked against the record, so an address an email change is giving up never finds the user mid-change.
        return lookup(byEmail.get(key)).filter(user -> key.equals(Identifiers.emailKey(user.email())));
    }

    @Override
    public Optional<UserRecord> findByIdentity(String provider, String subject) {
        return lookup(byIdentity.get(identityKey(provider, subject)));
    }

    private Optional<UserRecord> lookup(UserId id) {
        return id == null ? Optional.empty() : findById(id);
    }

    @Override
    public boolean updatePasswordHash(UserId id, String expectedHash, String newHash) {
        boolean[] updated = {false};
        change(id, user -> {
            if (expectedHash != null && !Objects.equals(expectedHash, user.passwordHash())) {
                return user;
            }
            updated[0] = true;
            // One atomic map step: the new hash and the new epoch become visible together (SR-71).
            return new UserRecord(user.id(), user.username(), user.email(), user.emailConfirmed(), newHash,
                    user.roles(), user.createdAt(), user.identities(), user.credentialEpoch() + 1);
        });
        return updated[0];
    }

    @Override
    public boolean rehashPassword(UserId id, String expectedHash, String newHash) {
        boolean[] updated = {false};
        change(id, user -> {
            if (!Objects.equals(expectedHash, user.passwordHash())) {
                return user;
            }
            updated[0] = true;
            return new UserRecord(user.id(), user.username(), user.email(), user.emailConfirmed(), newHash,
                    user.roles(), user.createdAt(), user.identities(), user.credentialEpoch());
        });
        return updated[0];
    }

    @Override
    public boolean advanceCredentialEpoch(UserId id) {
        return change(id, user -> new UserRecord(user.id(), user.username(), user.email(),
                user.emailConfirmed(), user.passwordHash(), user.roles(), user.createdAt(), user.identities(),
                user.credentialEpoch() + 1)) != null;
    }

    @Override
    public boolean setEmailConfirmed(UserId id, boolean confirmed) {
        return change(id, user -> new UserRecord(user.id(), user.username(), user.email(),
                confirmed, user.passwordHash(), user.roles(), user.createdAt(), user.identities(),
                user.credentialEpoch())) != null;
    }

    @Override
    public Optional<UserRecord> updateRoles(UserId id, Set<String> add, Set<String> remove) {
        return Optional.ofNullable(change(id, user -> {
            Set<String> roles = new HashSet<>(user.roles());
            roles.addAll(add);
            roles.removeAll(remove);
            return new UserRecord(user.id(), user.username(), user.email(), user.emailConfirmed(),
                    user.passwordHash(), roles, user.createdAt(), user.identities(), user.credentialEpoch());
        }));
    }

    @Override
    public boolean linkIdentity(UserId id, Identity identity) {
        String key = identityKey(identity.provider(), identity.subject());
        UserId owner = byIdentity.putIfAbsent(key, id);
        if (owner != null && !owner.equals(id)) {
            return false;
        }
        UserRecord updated = change(id, user -> {
            List<Identity> identities = new ArrayList<>();
            for (Identity existing : user.identities()) {
                if (!(existing.provider().equals(identity.provider())
                        && existing.subject().equals(identity.subject()))) {
                    identities.add(existing);
                }
            }
            identities.add(identity);
            return new UserRecord(user.id(), user.username(), user.email(), user.emailConfirmed(),
                    user.passwordHash(), user.roles(), user.createdAt(), identities, user.credentialEpoch());
        });
        if (updated == null) {
            byIdentity.remove(key, id);
            return false;
        }
        return true;
    }

    @Override
    public synchronized Optional<UserRecord> changeEmail(UserId id, String newEmail) {
        // Synchronized: two changes of one user must not both claim an address and leave one claim dangling.
        String newKey = Identifiers.emailKey(newEmail);
        if (!users.containsKey(id)) {
            return Optional.empty();
        }
        UserId holder = byEmail.putIfAbsent(newKey, id);
        if (holder != null && !holder.equals(id)) {
            throw DuplicateUserException.email();
        }
        UserRecord[] before = {null};
        UserRecord updated = change(id, user -> {
            before[0] = user;
            return new UserRecord(user.id(), user.username(), newEmail, true, user.passwordHash(), user.roles(),
                    user.createdAt(), user.identities(), user.credentialEpoch());
        });
        if (updated == null) {
            byEmail.remove(newKey, id); // deleted meanwhile
            return Optional.empty();
        }
        String oldKey = Identifiers.emailKey(before[0].email());
        if (oldKey != null && !oldKey.equals(newKey)) {
            byEmail.remove(oldKey, id);
        }
        return Optional.of(updated);
    }

    @Override
    public IdentityRemoval unlinkIdentity(UserId id, String provider, Predicate<UserRecord> allowed) {
        IdentityRemoval[] outcome = {IdentityRemoval.NOT_LINKED};
        List<Identity> removed = new ArrayList<>();
        // One compute on the user's entry: every other change of this user (a password change, another unlink)
        // waits for it, so the rule sees the user as it is when the identity goes.
        change(id, user -> {
            outcome[0] = IdentityRemoval.NOT_LINKED;
            removed.clear();
            List<Identity> kept = new ArrayList<>();
            for (Identity identity : user.identities()) {
                (identity.provider().equals(provider) ? removed : kept).add(identity);
            }
            if (removed.isEmpty()) {
                return user;
            }
            if (!allowed.test(user)) {
                outcome[0] = IdentityRemoval.REFUSED;
                removed.clear();
                return user;
            }
            outcome[0] = IdentityRemoval.REMOVED;
            return new UserRecord(user.id(), user.username(), user.email(), user.emailConfirmed(),
                    user.passwordHash(), user.roles(), user.createdAt(), kept, user.credentialEpoch());
        });
        for (Identity identity : removed) {
            byIdentity.remove(identityKey(identity.provider(), identity.subject()), id);
        }
        return outcome[0];
    }

    /** A user's TOTP state and recovery digests; replaced as a whole by one compute, so every change is atomic. */
    private record Mfa(SecondFactor factor, Set<String> recovery) {
    }

    private final ConcurrentHashMap<UserId, Mfa> mfa = new ConcurrentHashMap<>();

    @Override
    public Optional<SecondFactor> findSecondFactor(UserId id) {
        Mfa state = mfa.get(id);
        return state == null || !users.containsKey(id) ? Optional.empty()
                : Optional.of(withCount(state.factor(), state.recovery()));
    }

    private static SecondFactor withCount(SecondFactor f, Set<String> recovery) {
        return new SecondFactor(f.secret(), f.enabled(), f.pendingExpiresAt(), f.lastUsedStep(), recovery.size());
    }

    @Override
    public boolean savePendingTotp(UserId id, String secret, Instant expiresAt) {
        if (!users.containsKey(id)) {
            return false;
        }
        boolean[] saved = {false};
        mfa.compute(id, (key, state) -> {
            if (state != null && state.factor().enabled()) {
                saved[0] = false;
                return state;
            }
            saved[0] = true;
            return new Mfa(new SecondFactor(secret, false, expiresAt, -1, 0), Set.of());
        });
        return saved[0];
    }

    @Override
    public boolean enableTotp(UserId id, String secret, long step, Set<String> recoveryDigests, Instant now) {
        boolean[] enabled = {false};
        mfa.computeIfPresent(id, (key, state) -> {
            SecondFactor f = state.factor();
            enabled[0] = !f.enabled() && f.secret().equals(secret) && !f.lapsed(now);
            return enabled[0] ? new Mfa(new SecondFactor(secret, true, null, step, 0), Set.copyOf(recoveryDigests))
                    : state;
        });
        return enabled[0];
    }

    @Override
    public boolean useTotpStep(UserId id, long step) {
        boolean[] used = {false};
        mfa.computeIfPresent(id, (key, state) -> {
            SecondFactor f = state.factor();
            used[0] = f.enabled() && step > f.lastUsedStep();
            return used[0] ? new Mfa(new SecondFactor(f.secret(), true, null, step, 0), state.recovery()) : state;
        });
        return used[0];
    }

    @Override
    public boolean useRecoveryCode(UserId id, String digest) {
        boolean[] used = {false};
        mfa.computeIfPresent(id, (key, state) -> {
            used[0] = state.factor().enabled() && state.recovery().contains(digest);
            if (!used[0]) {
                return state;
            }
            Set<String> left = new HashSet<>(state.recovery());
            left.remove(digest);
            return new Mfa(state.factor(), Set.copyOf(left));
        });
        return used[0];
    }

    @Override
    public boolean replaceRecoveryCodes(UserId id, Set<String> digests) {
        boolean[] replaced = {false};
        mfa.computeIfPresent(id, (key, state) -> {
            replaced[0] = state.factor().enabled();
            return replaced[0] ? new Mfa(state.factor(), Set.copyOf(digests)) : state;
        });
        return replaced[0];
    }

    @Override
    public boolean deleteSecondFactor(UserId id) {
        return mfa.remove(id) != null;
    }

    @Override
    public Optional<String> passkeyUserHandle(UserId id, String candidate) {
        if (!users.containsKey(id)) {
            return Optional.empty();
        }
        String handle = userHandles.computeIfAbsent(id, key -> candidate);
        if (!users.containsKey(id)) {
            userHandles.remove(id, handle);
            return Optional.empty();
        }
        return Optional.of(handle);
    }

    @Override
    public boolean addPasskey(PasskeyCredential passkey) {
        boolean[] added = {false};
        // Under the user's entry, so a deletion of the user cannot leave the passkey behind.
        change(passkey.user(), user -> {
            added[0] = passkeys.putIfAbsent(passkey.id(), passkey) == null;
            return user;
        });
        return added[0];
    }

    @Override
    public List<PasskeyCredential> listPasskeys(UserId id) {
        List<PasskeyCredential> list = new ArrayList<>();
        for (PasskeyCredential passkey : passkeys.values()) {
            if (passkey.user().equals(id)) {
                list.add(passkey);
            }
        }
        list.sort(java.util.Comparator.comparing(PasskeyCredential::createdAt).thenComparing(PasskeyCredential::id));
        return List.copyOf(list);
    }

    @Override
    public Optional<PasskeyCredential> findPasskey(String credentialId) {
        return Optional.ofNullable(passkeys.get(credentialId));
    }

    @Override
    public boolean usePasskey(String credentialId, long expectedCount, long newCount, Instant usedAt) {
        boolean[] used = {false};
        // computeIfPresent is atomic per key: the counter is compared and set in one step.
        passkeys.computeIfPresent(credentialId, (key, passkey) -> {
            if (passkey.signCount() != expectedCount) {
                return passkey;
            }
            used[0] = true;
            return passkey.used(newCount, usedAt);
        });
        return used[0];
    }

    @Override
    public Optional<PasskeyCredential> renamePasskey(UserId id, String credentialId, String name) {
        return Optional.ofNullable(passkeys.computeIfPresent(credentialId,
                (key, passkey) -> passkey.user().equals(id) ? passkey.named(name) : passkey))
                .filter(passkey -> passkey.user().equals(id));
    }

    @Override
    public IdentityRemoval removePasskey(UserId id, String credentialId, Predicate<UserRecord> allowed) {
        IdentityRemoval[] outcome = {IdentityRemoval.NOT_LINKED};
        // The user's entry serializes this with identity removals and other passkey removals of the user.
        change(id, user -> {
            PasskeyCredential passkey = passkeys.get(credentialId);
            if (passkey == null || !passkey.user().equals(id)) {
                outcome[0] = IdentityRemoval.NOT_LINKED;
                return user;
            }
            boolean last = listPasskeys(id).size() == 1;
            if (last && !allowed.test(user)) {
                outcome[0] = IdentityRemoval.REFUSED;
                return user;
            }
            passkeys.remove(credentialId, passkey);
            outcome[0] = IdentityRemoval.REMOVED;
            return user;
        });
        return outcome[0];
    }

    @Override
    public boolean delete(UserId id) {
        mfa.remove(id);
        UserRecord[] gone = {null};
        users.computeIfPresent(id, (key, cell) -> {
            gone[0] = cell.current();
            cell.set(null); // in the step that unmaps it: a holder of the cell sees the user gone at once
            return null;
        });
        UserRecord removed = gone[0];
        // After the user: an addPasskey runs under the user's entry, so none can follow this sweep.
        userHandles.remove(id);
        passkeys.values().removeIf(passkey -> passkey.user().equals(id));
        if (removed == null) {
            return false;
        }
        byUsername.remove(Identifiers.usernameKey(removed.username()), id);
        if (removed.email() != null) {
            byEmail.remove(Identifiers.emailKey(removed.email()), id);
        }
        for (Identity identity : removed.identities()) {
            byIdentity.remove(identityKey(identity.provider(), identity.subject()), id);
        }
        return true;
    }

    private static String identityKey(String provider, String subject) {
        // NUL cannot occur in a provider name, so the pair maps to one key unambiguously.
        return provider + '\u0000' + subject;
    }
}
