package dev.accesspass;

import dev.accesspass.store.AttemptWindow;
import dev.accesspass.store.Identifiers;
import dev.accesspass.store.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Login throttling per account and per client address (SR-28, SR-29), and the per-address registration limit,
 * counted in the token store so that the limits hold across instances when the store is shared. Only failures count; a success clears the account's
 * counter. Thread-safe.
 */
final class LoginThrottle {
    private final TokenStore store;
    private final Clock clock;
    private final int maxAttempts;
    /** The window of the per-address registration limit. */
    static final Duration REGISTRATION_WINDOW = Duration.ofHours(1);

    private final Duration window;
    private final int registrationsPerAddress;

    LoginThrottle(TokenStore store, Clock clock, int maxAttempts, Duration window, int registrationsPerAddress) {
        this.store = store;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        this.window = window;
        this.registrationsPerAddress = registrationsPerAddress;
    }

    /** The account key of a known user: one counter whether the user is named by username or by email. */
    static String userKey(UserId user) {
        return "user:" + user.value();
    }

    /**
     * The account key of a login name no user has: counted like a real account, so an unknown name is throttled
     * (and timed) the same way.
     */
    static String unknownNameKey(String identifier) {
        return "name:" + (identifier.indexOf('@') >= 0 ? Identifiers.emailKey(identifier)
                : Identifiers.usernameKey(identifier));
    }

    static String accountKey(String accountKey) {
        return "account:" + accountKey;
    }

    static String addressKey(String clientAddress) {
        return "address:" + clientAddress;
    }

    /** The registration counter of a client address: its own prefix, apart from the login counters. */
    static String registrationKey(String clientAddress) {
        return "register-address:" + clientAddress;
    }

    /**
     * Counts one registration attempt of {@code clientAddress} before any hashing or look-up is done for it, as one
     * atomic store step (so N parallel attempts let at most the limit through), and refuses it with 429
     * {@code too_many_attempts} beyond {@code register-max-per-address} per hour. Every attempt counts, whatever
     * its outcome: the limit bounds both the probing of names and the hashing work one address can cause.
     */
    void reserveRegistration(String clientAddress) {
        if (clientAddress == null || registrationsPerAddress == 0) {
            return;
        }
        reserve(store, registrationKey(clientAddress), clock.instant(), REGISTRATION_WINDOW, registrationsPerAddress,
                "Too many registrations from this address. Try again later.");
    }

    /**
     * The counter of failed {@code /introspect} client authentications of a client address: its own prefix, so a
     * gateway with a wrong secret does not lock its address out of logins, and the other way round.
     */
    static String introspectionClientKey(String clientAddress) {
        return "introspection-client-address:" + clientAddress;
    }

    /**
     * Throws 429 {@code too_many_attempts} when {@code clientAddress} has failed client authentication at
     * {@code /introspect} as often in the current window as an address may fail logins.
     */
    void checkIntrospectionClient(String clientAddress) {
        if (clientAddress == null) {
            return;
        }
        Instant now = clock.instant();
        AttemptWindow address = store.failedAttempts(introspectionClientKey(clientAddress), now);
        if (address.failures() >= maxAttempts) {
            throw AccessPassException.retryLater(ErrorCode.TOO_MANY_ATTEMPTS,
                    "Too many failed client authentications. Try again later.",
                    retryAfter(now, address.windowEndsAt()));
        }
    }

    void recordIntrospectionClientFailure(String clientAddress) {
        if (clientAddress != null) {
            store.recordFailedAttempt(introspectionClientKey(clientAddress), clock.instant(), window);
        }
    }

    /** The OAuth-start counter of a client address (SR-73): each start stores a state record. */
    static String oauthStartKey(String clientAddress) {
        return "oauth-start-address:" + clientAddress;
    }

    /**
     * Counts one use of {@code key} in a fixed window, atomically and before the work it guards, and refuses it with
     * 429 {@code too_many_attempts} (Retry-After: the rest of the window) beyond {@code max}.
     */
    static void reserve(TokenStore store, String key, Instant now, Duration window, int max, String detail) {
        AttemptWindow attempts = store.recordFailedAttempt(key, now, window);
        if (attempts.failures() > max) {
            throw AccessPassException.retryLater(ErrorCode.TOO_MANY_ATTEMPTS, detail,
                    retryAfter(now, attempts.windowEndsAt()));
        }
    }

    /** Throws 429 {@code too_many_attempts} if either key has used up its failures in the current window. */
    void check(String accountKey, String clientAddress) {
        Instant now = clock.instant();
        AttemptWindow account = store.failedAttempts(accountKey(accountKey), now);
        AttemptWindow address = clientAddress == null ? AttemptWindow.none(now)
                : store.failedAttempts(addressKey(clientAddress), now);
        Instant until = null;
        if (account.failures() >= maxAttempts) {
            until = account.windowEndsAt();
        }
        if (address.failures() >= maxAttempts && (until == null || address.windowEndsAt().isAfter(until))) {
            until = address.windowEndsAt();
        }
        if (until != null) {
            throw AccessPassException.retryLater(ErrorCode.TOO_MANY_ATTEMPTS,
                    "Too many failed attempts. Try again later.", retryAfter(now, until));
        }
    }

    void recordFailure(String accountKey, String clientAddress) {
        Instant now = clock.instant();
        store.recordFailedAttempt(accountKey(accountKey), now, window);
        if (clientAddress != null) {
            store.recordFailedAttempt(addressKey(clientAddress), now, window);
        }
    }

    void clearAccount(String accountKey) {
        store.clearFailedAttempts(accountKey(accountKey));
    }

    /** Whole seconds, rounded up, at least 1 (RFC 9110 §10.2.3). */
    private static Duration retryAfter(Instant now, Instant until) {
        long millis = Duration.between(now, until).toMillis();
        return Duration.ofSeconds(Math.max(1, (millis + 999) / 1000));
    }
}
