package dev.accesspass.jdbi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accesspass.StoreUnavailableException;
import dev.accesspass.UserId;
import dev.accesspass.store.DuplicateUserException;
import dev.accesspass.store.Identifiers;
import dev.accesspass.store.Identity;
import dev.accesspass.store.IdentityRemoval;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.PasskeyCredential;
import dev.accesspass.store.SecondFactor;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.io.IOException;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.postgresql.util.PSQLException;

import static dev.accesspass.jdbi.Database.instant;

/**
 * {@link UserStore} on PostgreSQL. Thread-safe; each method is one statement or one transaction.
 *
 * <p>Uniqueness regardless of case is the database's job: the {@link Identifiers} keys sit in columns with unique
 * constraints, so of two racing registrations one insert fails, and its constraint's name says whether the username
 * or the email was taken (SR-64). A user is read with one query: the roles are an array column and the identities
 * come along as a JSON aggregate.
 *
 * <p>With a {@link ValidationCache} ({@code token-cache-ttl} above zero), {@link #findById} results are cached
 * locally, and every write that changes a user runs in a transaction that also queues a notification for that user
 * ({@code r:<id>}, or {@code u:<id>} for a deletion); after the transaction the entry is evicted locally, and every
 * other instance evicts it when the notification arrives. Without a cache every call goes to the database.
 */
final class JdbiUserStore implements UserStore {
    static final String USERNAME_CONSTRAINT = "accesspass_users_username_key_uq";
    static final String EMAIL_CONSTRAINT = "accesspass_users_email_key_uq";
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private static final String SELECT_USER = """
            SELECT u.id, u.username, u.email, u.email_confirmed, u.password_hash, u.roles, u.created_at,
                   u.credential_epoch,
                   (SELECT coalesce(json_agg(json_build_object(
                               'provider', i.provider, 'subject', i.subject, 'profile', i.profile,
                               'linked_at_micros', (extract(epoch FROM i.linked_at) * 1000000)::bigint)
                               ORDER BY i.seq), '[]'::json)::text
                    FROM accesspass_identities i WHERE i.user_id = u.id) AS identities
            FROM accesspass_users u
            """;

    private final Database database;
    private final ValidationCache cache;
    private final Runnable onClose;
    private volatile boolean closed;

    JdbiUserStore(Database database, Runnable onClose) {
        this(database, null, onClose);
    }

    JdbiUserStore(Database database, ValidationCache cache, Runnable onClose) {
        this.database = database;
        this.cache = cache;
        this.onClose = onClose;
    }

    /** Whether {@code database} is this store's, for {@link JdbiTokenStore#readsUsersOf}. */
    boolean on(Database database) {
        return this.database == database;
    }

    /**
     * Runs a write on user {@code id}. Without a cache: as one statement (or a transaction when
     * {@code transaction}), exactly as written. With a cache: always in a transaction that queues {@code prefix + id}
     * on the notification channel when {@code changed} says the write changed something, followed (committed or
     * not) by the same eviction locally, so that this instance sees the change on its very next request.
     */
    private <R> R write(String action, UUID id, String prefix, boolean transaction,
                        HandleCallback<R, RuntimeException> work, Predicate<R> changed) {
        if (cache == null) {
            return transaction ? database.inTransaction(action, work) : database.withHandle(action, work);
        }
        String message = prefix + id;
        try {
            return database.inTransaction(action, handle -> {
                R result = work.withHandle(handle);
                if (changed.test(result)) {
                    ValidationCache.send(handle, message);
                }
                return result;
            });
        } finally {
            // Also on failure: the commit may have gone through, and an eviction is always safe.
            cache.evict(message);
        }
    }

    @Override
    public UserRecord create(NewUser user) {
        UUID id = UUID.randomUUID();
        String usernameKey = Identifiers.usernameKey(user.username());
        try {
            database.withHandle("create a user", handle -> handle.createUpdate("""
                            INSERT INTO accesspass_users (id, username, username_key, email, email_key,
                                                          email_confirmed, password_hash, roles, created_at)
                            VALUES (:id, :username, :usernameKey, :email, :emailKey, :emailConfirmed,
                                    :passwordHash, CAST(:roles AS text[]), :createdAt)""")
                    .bind("id", id)
                    .bind("username", user.username())
                    .bind("usernameKey", usernameKey)
                    .bind("email", user.email())
                    .bind("emailKey", Identifiers.emailKey(user.email()))
                    .bind("emailConfirmed", user.emailConfirmed())
                    .bind("passwordHash", user.passwordHash())
                    .bindArray("roles", String.class, user.roles())
                    .bind("createdAt", user.createdAt())
                    .execute());
        } catch (StoreUnavailableException e) {
            String constraint = violated(e, UNIQUE_VIOLATION);
            if (USERNAME_CONSTRAINT.equals(constraint)) {
                throw DuplicateUserException.username();
            }
            if (EMAIL_CONSTRAINT.equals(constraint)) {
                // The contract checks the username first; PostgreSQL may report either index when both clash.
                throw findByKey("username_key", usernameKey).isPresent()
                        ? DuplicateUserException.username() : DuplicateUserException.email();
            }
            throw e;
        }
        return new UserRecord(new UserId(id.toString()), user.username(), user.email(), user.emailConfirmed(),
                user.passwordHash(), user.roles(), user.createdAt(), List.of(), 0);
    }

    /** The constraint named by a PostgreSQL error of this SQLState in the cause chain, or null. */
    private static String violated(Exception e, String sqlState) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof PSQLException psql && sqlState.equals(psql.getSQLState())) {
                var detail = psql.getServerErrorMessage();
                return detail == null ? "" : String.valueOf(detail.getConstraint());
            }
        }
        return null;
    }

    @Override
    public Optional<UserRecord> findById(UserId id) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return Optional.empty();
        }
        if (cache == null) {
            return database.withHandle("find a user", handle -> findById(handle, uuid));
        }
        UserId key = new UserId(uuid.toString());
        UserRecord cached = cache.getUser(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        long stamp = cache.stamp();
        Optional<UserRecord> found = database.withHandle("find a user", handle -> findById(handle, uuid));
        found.ifPresent(user -> cache.putUser(user, stamp));
        return found;
    }

    private static Optional<UserRecord> findById(Handle handle, UUID id) {
        return handle.createQuery(SELECT_USER + "WHERE u.id = :id")
                .bind("id", id)
                .map((rs, ctx) -> user(rs))
                .findOne();
    }

    @Override
    public Optional<UserRecord> findByUsername(String username) {
        return findByKey("username_key", Identifiers.usernameKey(username));
    }

    @Override
    public Optional<UserRecord> findByEmail(String email) {
        if (email == null) {
            return Optional.empty();
        }
        return findByKey("email_key", Identifiers.emailKey(email));
    }

    private Optional<UserRecord> findByKey(String column, String key) {
        // Two complete statements; the key itself is always bound.
        String sql = "username_key".equals(column) ? SELECT_USER + "WHERE u.username_key = :key"
                : SELECT_USER + "WHERE u.email_key = :key";
        return database.withHandle("find a user", handle -> handle.createQuery(sql)
                .bind("key", key)
                .map((rs, ctx) -> user(rs))
                .findOne());
    }

    @Override
    public Optional<UserRecord> findByIdentity(String provider, String subject) {
        return database.withHandle("find a user by identity", handle -> handle.createQuery(SELECT_USER + """
                        WHERE u.id = (SELECT user_id FROM accesspass_identities
                                      WHERE provider = :provider AND subject = :subject)""")
                .bind("provider", provider)
                .bind("subject", subject)
                .map((rs, ctx) -> user(rs))
                .findOne());
    }

    @Override
    public boolean updatePasswordHash(UserId id, String expectedHash, String newHash) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return false;
        }
        return write("update a password", uuid, "r:", false, handle -> {
            // The epoch goes up in the same statement as the hash (SR-71).
            var update = handle.createUpdate(expectedHash == null
                            ? "UPDATE accesspass_users SET password_hash = :newHash, "
                              + "credential_epoch = credential_epoch + 1 WHERE id = :id"
                            // Compare-and-set for a password change (see the SPI).
                            : "UPDATE accesspass_users SET password_hash = :newHash, "
                              + "credential_epoch = credential_epoch + 1 WHERE id = :id "
                              + "AND password_hash = :expectedHash")
                    .bind("id", uuid)
                    .bind("newHash", newHash);
            if (expectedHash != null) {
                update.bind("expectedHash", expectedHash);
            }
            return update.execute() > 0;
        }, Boolean::booleanValue);
    }

    @Override
    public boolean rehashPassword(UserId id, String expectedHash, String newHash) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return false;
        }
        return write("re-hash a password", uuid, "r:", false, handle -> handle.createUpdate(
                        "UPDATE accesspass_users SET password_hash = :newHash "
                        + "WHERE id = :id AND password_hash = :expectedHash")
                .bind("id", uuid)
                .bind("newHash", newHash)
                .bind("expectedHash", expectedHash)
                .execute() > 0, Boolean::booleanValue);
    }

    @Override
    public boolean advanceCredentialEpoch(UserId id) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return false;
        }
        return write("advance a credential epoch", uuid, "r:", false, handle -> handle.createUpdate(
                        "UPDATE accesspass_users SET credential_epoch = credential_epoch + 1 WHERE id = :id")
                .bind("id", uuid)
                .execute() > 0, Boolean::booleanValue);
    }

    @Override
    public boolean setEmailConfirmed(UserId id, boolean confirmed) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return false;
        }
        return write("confirm an email", uuid, "r:", false, handle -> handle.createUpdate(
                        "UPDATE accesspass_users SET email_confirmed = :confirmed WHERE id = :id")
                .bind("id", uuid)
                .bind("confirmed", confirmed)
                .execute() > 0, Boolean::booleanValue);
    }

    @Override
    public Optional<UserRecord> updateRoles(UserId id, Set<String> add, Set<String> remove) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return Optional.empty();
        }
        return write("update roles", uuid, "r:", true, handle -> {
            // One statement: adds, then removes, on the row as it is at that moment.
            int updated = handle.createUpdate("""
                            UPDATE accesspass_users SET roles = ARRAY(
                                SELECT DISTINCT role FROM unnest(roles || CAST(:add AS text[])) AS role
                                WHERE NOT role = ANY (CAST(:remove AS text[]))
                                ORDER BY role)
                            WHERE id = :id""")
                    .bind("id", uuid)
                    .bindArray("add", String.class, add)
                    .bindArray("remove", String.class, remove)
                    .execute();
            return updated == 0 ? Optional.<UserRecord>empty() : findById(handle, uuid);
        }, Optional::isPresent);
    }

    @Override
    public boolean linkIdentity(UserId id, Identity identity) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return false;
        }
        try {
            // Inserts, or replaces the profile when this user already has the identity; an identity of another
            // user is left alone (the conditional DO UPDATE then changes no row).
            return write("link an identity", uuid, "r:", false, handle -> handle.createUpdate("""
                            INSERT INTO accesspass_identities (provider, subject, user_id, profile, linked_at)
                            SELECT :provider, :subject, :user, CAST(:profile AS jsonb), :linkedAt
                            WHERE EXISTS (SELECT 1 FROM accesspass_users WHERE id = :user)
                            ON CONFLICT (provider, subject) DO UPDATE
                                SET profile = EXCLUDED.profile, linked_at = EXCLUDED.linked_at
                                WHERE accesspass_identities.user_id = EXCLUDED.user_id""")
                    .bind("provider", identity.provider())
                    .bind("subject", identity.subject())
                    .bind("user", uuid)
                    .bind("profile", Json.write(identity.profile()))
                    .bindByType("linkedAt", identity.linkedAt(), Instant.class)
                    .execute() > 0, Boolean::booleanValue);
        } catch (StoreUnavailableException e) {
            if (violated(e, FOREIGN_KEY_VIOLATION) != null) {
                return false; // the user was deleted while we linked
            }
            throw e;
        }
    }

    @Override
    public Optional<UserRecord> changeEmail(UserId id, String newEmail) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return Optional.empty();
        }
        try {
            // One UPDATE: the old address stops finding the user in the same step the unique index claims the new.
            return write("change an email", uuid, "r:", true, handle -> {
                int updated = handle.createUpdate("""
                                UPDATE accesspass_users SET email = :email, email_key = :emailKey,
                                                            email_confirmed = true
                                WHERE id = :id""")
                        .bind("id", uuid)
                        .bind("email", newEmail)
                        .bind("emailKey", Identifiers.emailKey(newEmail))
                        .execute();
                return updated == 0 ? Optional.<UserRecord>empty() : findById(handle, uuid);
            }, Optional::isPresent);
        } catch (StoreUnavailableException e) {
            if (EMAIL_CONSTRAINT.equals(violated(e, UNIQUE_VIOLATION))) {
                throw DuplicateUserException.email();
            }
            throw e;
        }
    }

    @Override
    public IdentityRemoval unlinkIdentity(UserId id, String provider, Predicate<UserRecord> allowed) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return IdentityRemoval.NOT_LINKED;
        }
        return write("unlink an identity", uuid, "r:", true, handle -> {
            // The user row's lock serializes this with other removals, password changes and links (their
            // identity insert takes a key-share lock on it), so the rule decides on the user as it is.
            if (!lockUserRow(handle, uuid)) {
                return IdentityRemoval.NOT_LINKED;
            }
            UserRecord user = findById(handle, uuid).orElseThrow();
            if (user.identities().stream().noneMatch(identity -> identity.provider().equals(provider))) {
                return IdentityRemoval.NOT_LINKED;
            }
            if (!allowed.test(user)) {
                return IdentityRemoval.REFUSED;
            }
            handle.createUpdate("DELETE FROM accesspass_identities WHERE user_id = :id AND provider = :provider")
                    .bind("id", uuid)
                    .bind("provider", provider)
                    .execute();
            return IdentityRemoval.REMOVED;
        }, outcome -> outcome == IdentityRemoval.REMOVED);
    }

    @Override
    public Optional<SecondFactor> findSecondFactor(UserId id) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return Optional.empty();
        }
        return database.withHandle("find a second factor", handle -> handle.createQuery("""
                        SELECT t.secret, t.enabled, t.pending_expires_at, t.last_used_step,
                               (SELECT count(*) FROM accesspass_recovery_codes r WHERE r.user_id = t.user_id) AS codes
                        FROM accesspass_totp t WHERE t.user_id = :id""")
                .bind("id", uuid)
                .map((rs, ctx) -> new SecondFactor(rs.getString("secret"), rs.getBoolean("enabled"),
                        instant(rs, "pending_expires_at"), rs.getLong("last_used_step"), rs.getInt("codes")))
                .findOne());
    }

    @Override
    public boolean savePendingTotp(UserId id, String secret, Instant expiresAt) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return false;
        }
        // One statement: the insert loses to an enabled credential (the WHERE of the upsert), never overwrites it.
        return database.withHandle("save a pending second factor", handle -> handle.createUpdate("""
                        INSERT INTO accesspass_totp (user_id, secret, enabled, pending_expires_at, last_used_step)
                        SELECT :id, :secret, false, :expiresAt, -1 WHERE EXISTS (SELECT 1 FROM accesspass_users WHERE id = :id)
                        ON CONFLICT (user_id) DO UPDATE
                            SET secret = excluded.secret, pending_expires_at = excluded.pending_expires_at,
                                last_used_step = -1
                            WHERE NOT accesspass_totp.enabled""")
                .bind("id", uuid)
                .bind("secret", secret)
                .bindByType("expiresAt", expiresAt, Instant.class)
                .execute() > 0);
    }

    @Override
    public boolean enableTotp(UserId id, String secret, long step, Set<String> recoveryDigests, Instant now) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return false;
        }
        return database.inTransaction("enable a second factor", handle -> {
            int enabled = handle.createUpdate("""
                            UPDATE accesspass_totp SET enabled = true, pending_expires_at = NULL, last_used_step = :step
                            WHERE user_id = :id AND NOT enabled AND secret = :secret AND pending_expires_at > :now""")
                    .bind("id", uuid)
                    .bind("secret", secret)
                    .bind("step", step)
                    .bindByType("now", now, Instant.class)
                    .execute();
            if (enabled == 0) {
                return false;
            }
            insertCodes(handle, uuid, recoveryDigests);
            return true;
        });
    }

    private static void insertCodes(Handle handle, UUID user, Set<String> digests) {
        handle.createUpdate("DELETE FROM accesspass_recovery_codes WHERE user_id = :id").bind("id", user).execute();
        handle.createUpdate("""
                        INSERT INTO accesspass_recovery_codes (user_id, digest)
                        SELECT :id, d FROM unnest(:digests) AS d""")
                .bind("id", user)
                .bindArray("digests", String.class, digests)
                .execute();
    }

    @Override
    public boolean useTotpStep(UserId id, long step) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return false;
        }
        // A compare-and-set in one UPDATE: racing instances serialize on the row, the loser's WHERE fails.
        return database.withHandle("use a TOTP step", handle -> handle.createUpdate("""
                        UPDATE accesspass_totp SET last_used_step = :step
                        WHERE user_id = :id AND enabled AND last_used_step < :step""")
                .bind("id", uuid)
                .bind("step", step)
                .execute() > 0);
    }

    @Override
    public boolean useRecoveryCode(UserId id, String digest) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return false;
        }
        return database.withHandle("use a recovery code", handle -> handle.createUpdate("""
                        DELETE FROM accesspass_recovery_codes WHERE user_id = :id AND digest = :digest""")
                .bind("id", uuid)
                .bind("digest", digest)
                .execute() > 0);
    }

    @Override
    public boolean replaceRecoveryCodes(UserId id, Set<String> digests) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return false;
        }
        return database.inTransaction("replace recovery codes", handle -> {
            Optional<UUID> locked = handle.createQuery(
                            "SELECT user_id FROM accesspass_totp WHERE user_id = :id AND enabled FOR UPDATE")
                    .bind("id", uuid)
                    .mapTo(UUID.class)
                    .findOne();
            if (locked.isEmpty()) {
                return false;
            }
            insertCodes(handle, uuid, digests);
            return true;
        });
    }

    @Override
    public boolean deleteSecondFactor(UserId id) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return false;
        }
        return database.withHandle("delete a second factor", handle -> handle.createUpdate(
                        "DELETE FROM accesspass_totp WHERE user_id = :id")
                .bind("id", uuid)
                .execute() > 0);
    }

    private static final String SELECT_PASSKEY = """
            SELECT credential_id, user_id, user_handle, credential_data, sign_count, backup_eligible, backup_state,
                   transports, name, created_at, last_used_at
            FROM accesspass_passkeys
            """;

    @Override
    public Optional<String> passkeyUserHandle(UserId id, String candidate) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return Optional.empty();
        }
        // Insert-or-keep, then read: of two racing first calls, the row that got in first is the handle of both.
        return database.inTransaction("find a passkey user handle", handle -> {
            handle.createUpdate("""
                            INSERT INTO accesspass_passkey_users (user_id, user_handle)
                            SELECT :id, :handle WHERE EXISTS (SELECT 1 FROM accesspass_users WHERE id = :id)
                            ON CONFLICT (user_id) DO NOTHING""")
                    .bind("id", uuid)
                    .bind("handle", candidate)
                    .execute();
            return handle.createQuery("SELECT user_handle FROM accesspass_passkey_users WHERE user_id = :id")
                    .bind("id", uuid)
                    .mapTo(String.class)
                    .findOne();
        });
    }

    @Override
    public boolean addPasskey(PasskeyCredential passkey) {
        UUID uuid = JdbiTokenStore.uuidOrNull(passkey.user().value());
        if (uuid == null) {
            return false;
        }
        try {
            // ON CONFLICT DO NOTHING on the primary key: a credential id already known (to anyone) is not added.
            return database.withHandle("add a passkey", handle -> handle.createUpdate("""
                            INSERT INTO accesspass_passkeys (credential_id, user_id, user_handle, credential_data,
                                sign_count, backup_eligible, backup_state, transports, name, created_at, last_used_at)
                            SELECT :id, :user, :userHandle, :data, :signCount, :be, :bs, CAST(:transports AS text[]),
                                   :name, :createdAt, :lastUsedAt
                            WHERE EXISTS (SELECT 1 FROM accesspass_users WHERE id = :user)
                            ON CONFLICT (credential_id) DO NOTHING""")
                    .bind("id", passkey.id())
                    .bind("user", uuid)
                    .bind("userHandle", passkey.userHandle())
                    .bind("data", passkey.credentialData())
                    .bind("signCount", passkey.signCount())
                    .bind("be", passkey.backupEligible())
                    .bind("bs", passkey.backupState())
                    .bindArray("transports", String.class, passkey.transports())
                    .bind("name", passkey.name())
                    .bindByType("createdAt", passkey.createdAt(), Instant.class)
                    .bindByType("lastUsedAt", passkey.lastUsedAt(), Instant.class)
                    .execute() > 0);
        } catch (StoreUnavailableException e) {
            if (violated(e, FOREIGN_KEY_VIOLATION) != null) {
                return false; // the user was deleted meanwhile
            }
            throw e;
        }
    }

    @Override
    public List<PasskeyCredential> listPasskeys(UserId id) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return List.of();
        }
        return database.withHandle("list passkeys", handle -> handle.createQuery(SELECT_PASSKEY
                        + "WHERE user_id = :id ORDER BY created_at, credential_id")
                .bind("id", uuid)
                .map((rs, ctx) -> passkey(rs))
                .list());
    }

    @Override
    public Optional<PasskeyCredential> findPasskey(String credentialId) {
        return database.withHandle("find a passkey", handle -> handle.createQuery(SELECT_PASSKEY
                        + "WHERE credential_id = :id")
                .bind("id", credentialId)
                .map((rs, ctx) -> passkey(rs))
                .findOne());
    }

    @Override
    public boolean usePasskey(String credentialId, long expectedCount, long newCount, Instant usedAt) {
        // The compare-and-set of the counter: racing instances serialize on the row, the loser's WHERE fails.
        return database.withHandle("use a passkey", handle -> handle.createUpdate("""
                        UPDATE accesspass_passkeys SET sign_count = :newCount, last_used_at = :usedAt
                        WHERE credential_id = :id AND sign_count = :expected""")
                .bind("id", credentialId)
                .bind("newCount", newCount)
                .bind("expected", expectedCount)
                .bindByType("usedAt", usedAt, Instant.class)
                .execute() > 0);
    }

    @Override
    public Optional<PasskeyCredential> renamePasskey(UserId id, String credentialId, String name) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return Optional.empty();
        }
        return database.withHandle("rename a passkey", handle -> handle.createQuery("""
                        UPDATE accesspass_passkeys SET name = :name WHERE credential_id = :id AND user_id = :user
                        RETURNING credential_id, user_id, user_handle, credential_data, sign_count, backup_eligible,
                                  backup_state, transports, name, created_at, last_used_at""")
                .bind("id", credentialId)
                .bind("user", uuid)
                .bind("name", name)
                .map((rs, ctx) -> passkey(rs))
                .findOne());
    }

    /**
     * Locks the user's row for the rest of the transaction ({@code FOR UPDATE}), the one lock every removal of a way
     * in takes, so that the "is there another way in" rule decides on the user as it is.
     *
     * @return false if there is no such user
     */
    private static boolean lockUserRow(Handle handle, UUID uuid) {
        return handle.createQuery("SELECT id FROM accesspass_users WHERE id = :id FOR UPDATE")
                .bind("id", uuid)
                .mapTo(UUID.class)
                .findOne()
                .isPresent();
    }

    @Override
    public IdentityRemoval removePasskey(UserId id, String credentialId, Predicate<UserRecord> allowed) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return IdentityRemoval.NOT_LINKED;
        }
        return write("remove a passkey", uuid, "r:", true, handle -> {
            // The user row's lock serializes this with identity removals and other passkey removals of the user.
            if (!lockUserRow(handle, uuid)) {
                return IdentityRemoval.NOT_LINKED;
            }
            List<String> ids = handle.createQuery(
                            "SELECT credential_id FROM accesspass_passkeys WHERE user_id = :id")
                    .bind("id", uuid)
                    .mapTo(String.class)
                    .list();
            if (!ids.contains(credentialId)) {
                return IdentityRemoval.NOT_LINKED;
            }
            if (ids.size() == 1 && !allowed.test(findById(handle, uuid).orElseThrow())) {
                return IdentityRemoval.REFUSED;
            }
            handle.createUpdate("DELETE FROM accesspass_passkeys WHERE credential_id = :id AND user_id = :user")
                    .bind("id", credentialId)
                    .bind("user", uuid)
                    .execute();
            return IdentityRemoval.REMOVED;
        }, outcome -> outcome == IdentityRemoval.REMOVED);
    }

    private static PasskeyCredential passkey(ResultSet rs) throws SQLException {
        Array transports = rs.getArray("transports");
        Set<String> transportSet = transports == null ? Set.of() : Set.of((String[]) transports.getArray());
        return new PasskeyCredential(rs.getString("credential_id"), new UserId(rs.getString("user_id")),
                rs.getString("user_handle"), rs.getBytes("credential_data"), rs.getLong("sign_count"),
                rs.getBoolean("backup_eligible"), rs.getBoolean("backup_state"), transportSet, rs.getString("name"),
                instant(rs, "created_at"), instant(rs, "last_used_at"));
    }

    @Override
    public boolean delete(UserId id) {
        UUID uuid = JdbiTokenStore.uuidOrNull(id.value());
        if (uuid == null) {
            return false;
        }
        // u: rather than r: so that other instances also drop the user's cached token checks at once.
        return write("delete a user", uuid, "u:", false, handle -> handle.createUpdate(
                        "DELETE FROM accesspass_users WHERE id = :id")
                .bind("id", uuid)
                .execute() > 0, Boolean::booleanValue);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            onClose.run();
        }
    }

    private static UserRecord user(ResultSet rs) throws SQLException {
        return user(rs, "");
    }

    /** The user of the current row, whose columns are named as in {@link #SELECT_USER} after {@code prefix}. */
    static UserRecord user(ResultSet rs, String prefix) throws SQLException {
        Array roles = rs.getArray(prefix + "roles");
        Set<String> roleSet = roles == null ? Set.of() : Set.of((String[]) roles.getArray());
        return new UserRecord(new UserId(rs.getString(prefix + "id")), rs.getString(prefix + "username"),
                rs.getString(prefix + "email"), rs.getBoolean(prefix + "email_confirmed"),
                rs.getString(prefix + "password_hash"), roleSet, instant(rs, prefix + "created_at"),
                identities(rs.getString(prefix + "identities")), rs.getLong(prefix + "credential_epoch"));
    }

    private static List<Identity> identities(String json) {
        try {
            List<Identity> identities = new ArrayList<>();
            for (JsonNode node : Json.mapper().readTree(json)) {
                Map<String, String> profile = new HashMap<>();
                node.get("profile").fields().forEachRemaining(field -> profile.put(field.getKey(),
                        field.getValue().asText()));
                long micros = node.get("linked_at_micros").asLong();
                identities.add(new Identity(node.get("provider").asText(), node.get("subject").asText(), profile,
                        Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                                Math.floorMod(micros, 1_000_000L) * 1000L)));
            }
            return identities;
        } catch (IOException e) {
            throw new IllegalStateException("the identities aggregate is JSON by construction", e);
        }
    }
}
