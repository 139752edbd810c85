package dev.accesspass;

import dev.accesspass.metrics.AuthMetrics;
import dev.accesspass.password.HashingPool;
import dev.accesspass.password.PasswordHasher;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Password hashing as the account flows use it: every hash and verify runs in the bounded {@link HashingPool}
 * (503 {@code server_busy} when it is saturated, or when the client already holds its share of it), and a verify costs the same whether or not there is a hash to
 * check (SR-22, SR-33). Thread-safe.
 */
final class Passwords {
    private final PasswordHasher hasher;
    private final HashingPool pool;
    private final AuthMetrics metrics;

    Passwords(PasswordHasher hasher, HashingPool pool) {
        this(hasher, pool, AuthMetrics.NOOP);
    }

    Passwords(PasswordHasher hasher, HashingPool pool, AuthMetrics metrics) {
        this.hasher = hasher;
        this.pool = pool;
        this.metrics = metrics;
    }

    /** Times the hashing itself, inside the pool thread, so the time waited for a thread is not counted. */
    private <T> T timed(String operation, Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            metrics.passwordHashed(operation, System.nanoTime() - start);
        }
    }

    /**
     * The hash to store for a new password.
     *
     * @param client the client address the work is for (its share of the pool), or null
     */
    String hash(String password, String client) {
        return pool.run(client, () -> timed("hash", () -> hasher.hash(password)));
    }

    /** Exactly one verify, also for an unknown user or one without a password (SR-33). */
    boolean verify(Optional<UserRecord> user, String password, String client) {
        String hash = user.map(UserRecord::passwordHash).orElse(null);
        if (hash == null) {
            pool.run(client, () -> timed("verify_dummy", () -> {
                hasher.verifyDummy(password);
                return null;
            }));
            return false;
        }
        return pool.run(client, () -> timed("verify", () -> hasher.verify(password, hash)));
    }

    /** After a successful verify: stores a stronger hash when the stored one is below the current parameters. */
    void rehashIfWeak(UserStore users, UserRecord user, String password, String client) {
        if (hasher.needsRehash(user.passwordHash())) {
            String upgraded = hash(password, client);
            // Compare-and-set: a password changed meanwhile is never overwritten by the old one.
            // Same password, so the credential epoch stays and the session being opened keeps it (SR-71).
            users.rehashPassword(user.id(), user.passwordHash(), upgraded);
        }
    }

    /** The part of an address before the {@code @}, for the "not equal to the email" rule; null without one. */
    static String localPart(String email) {
        int at = email == null ? -1 : email.indexOf('@');
        return at > 0 ? email.substring(0, at) : null;
    }
}
