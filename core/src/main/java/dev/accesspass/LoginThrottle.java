package dev.accesspass;

import dev.accesspass.store.AttemptWindow;
import dev.accesspass.store.Identifiers;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenStore;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * The one throttle for everything that checks a password or a code, and the per-address registration limit. The
 * counters live in the token store, so the limits hold across instances that share it. Thread-safe.
 *
 * <p>Two limits, counted apart: {@code login-max-attempts} failures per account (or per known device, see below),
 * and {@code login-address-max-attempts} failures per client address, so that one office behind one NAT address
 * does not lock itself out after a few typos, while one address spraying many accounts is still stopped. IPv6
 * clients are counted per network ({@code login-address-ipv6-prefix}, /64 by default), since one host usually
 * holds a whole /64.
 *
 * <p>Every attempt is <em>reserved</em> before the expensive check, as one atomic increment-then-compare in the
 * store, so N parallel wrong guesses verify at most the limit; a success then takes its reservation back from the
 * address and clears the account's counter. Every key is a fixed-size digest of what it counts, so no request can
 * make a counter key large, and the in-memory store's bound on the number of keys is a bound on bytes.
 *
 * <p><b>How a route uses it.</b> A route that checks a secret (a password, a TOTP or recovery code, a client
 * secret) does, before it verifies anything:
 * <pre>{@code
 * LoginThrottle.Attempt attempt = throttle.reserve(LoginThrottle.Key.user(user.id()), client); // 429 + Retry-After
 * if (!verified) {
 *     throw ...;            // the failure is already counted
 * }
 * attempt.succeeded();      // clears the account counter, gives the address its attempt back
 * }</pre>
 * The key names what is being guessed at: {@link Key#user} for a signed-in user's password or code (so a stolen
 * access token is no guessing oracle), {@link Key#of} for anything else. Introspection clients are counted per
 * address only ({@link #reserveIntrospectionClient}), so nobody can lock a gateway out by guessing at its id. The refusal is {@link AccessPassException} 429 {@code too_many_attempts} with
 * {@code Retry-After} in whole seconds; the filter writes it like every other error.
 *
 * <p><b>Logins</b> go through {@link #reserveAddress} (before any look-up), then {@link #reserveLoginAccount}: with
 * a valid device cookie for the account, only that device's own failures count against it (failures from elsewhere
 * cannot lock a known device out); without one,
 * the identifier's own counter is the visible one (429), and the account's shared counter refuses silently, as a
 * wrong password would, so that a username and an email cannot be paired by watching which one gets 429.
 */
final class LoginThrottle {
    /** The window of the per-address registration limit. */
    static final Duration REGISTRATION_WINDOW = Duration.ofHours(1);
    private static final String TOO_MANY = "Too many failed attempts. Try again later.";

    private final TokenStore store;
    private final Clock clock;
    private final int accountMax;
    private final int addressMax;
    private final Duration window;
    private final int ipv6Prefix;
    private final int registrationsPerAddress;

    LoginThrottle(TokenStore store, Clock clock, AccessPassConfig config) {
        this.store = store;
        this.clock = clock;
        this.accountMax = config.loginMaxAttempts();
        this.addressMax = config.loginAddressMaxAttempts();
        this.window = config.loginWindow();
        this.ipv6Prefix = config.loginIpv6Prefix();
        this.registrationsPerAddress = config.registerMaxPerAddress();
    }

    /** A counter key: a prefix naming what is counted and a digest of the value, 30 characters at most. */
    record Key(String value) {
        /** The counter of a user, whichever name or route the guesses come by. */
        static Key user(UserId user) {
            return of("user", user.value());
        }

        /** The counter of a login name as typed, normalised like the stores' uniqueness keys. */
        static Key identifier(String identifier) {
            return of("name", normalised(identifier));
        }

        /** The counter of one known device cookie. */
        static Key device(TokenHash device) {
            return new Key("device:" + Base64.getUrlEncoder().withoutPadding().encodeToString(device.bytes())
                    .substring(0, 22));
        }

        /** The counter of anything else a secret is checked for, e.g. {@code of("client", clientId)}. */
        static Key of(String kind, String value) {
            return new Key(kind + ":" + digest(value));
        }
    }

    /** The normalised form of a login name: the store's key for a username or an email. */
    static String normalised(String identifier) {
        return identifier.indexOf('@') >= 0 ? Identifiers.emailKey(identifier) : Identifiers.usernameKey(identifier);
    }

    /** A reserved attempt. A failure needs nothing more (it is counted); a success calls {@link #succeeded()}. */
    final class Attempt {
        private final List<Key> accountKeys;
        private final Key addressKey;
        private final boolean refused;

        private Attempt(List<Key> accountKeys, Key addressKey, boolean refused) {
            this.accountKeys = accountKeys;
            this.addressKey = addressKey;
            this.refused = refused;
        }

        /**
         * False when the account's shared counter is used up while the visible one is not: the caller must then
         * answer as for a wrong secret, after the same (dummy) work, without checking the real one.
         */
        boolean mayVerify() {
            return !refused;
        }

        /** After a correct secret: forgets the account's failures and gives the address its attempt back. */
        void succeeded() {
            for (Key key : accountKeys) {
                store.clearFailedAttempts(key.value());
            }
            if (addressKey != null) {
                store.releaseAttempt(addressKey.value(), clock.instant());
            }
        }
    }

    /**
     * Reserves one attempt at the secret counted by {@code account}, from {@code client}: refused with 429
     * {@code too_many_attempts} (Retry-After: the rest of the window) when the address or the account has used up
     * its failures.
     */
    Attempt reserve(Key account, ClientContext client) {
        Instant now = clock.instant();
        Key address = reserveAddress(client, now);
        reserve(store, account.value(), now, window, accountMax, TOO_MANY);
        return new Attempt(List.of(account), address, false);
    }

    /**
     * Reserves one login attempt. With {@code device} (a device cookie checked to belong to {@code user}) only that
     * device's counter applies; otherwise the identifier's counter (429 when used up) and, for an existing user,
     * the user's counter shared with every other name and route (used up: {@link Attempt#mayVerify()} is false).
     */
    Attempt reserveLogin(String identifier, UserId user, TokenHash device, ClientContext client) {
        return reserveLoginAccount(identifier, user, device, reserveAddress(client));
    }

    /**
     * The first half of a login's reservation, before anything is looked up: the client address's attempt
     * (429 when it has used up its failures). Returns its key, or null without an address.
     */
    Key reserveAddress(ClientContext client) {
        return reserveAddress(client, clock.instant());
    }

    /** The second half, once the user and the device are known; {@code address} is what {@link #reserveAddress} gave. */
    Attempt reserveLoginAccount(String identifier, UserId user, TokenHash device, Key address) {
        Instant now = clock.instant();
        if (device != null) {
            Key key = Key.device(device);
            reserve(store, key.value(), now, window, accountMax, TOO_MANY);
            return new Attempt(List.of(key), address, false);
        }
        Key name = Key.identifier(identifier);
        reserve(store, name.value(), now, window, accountMax, TOO_MANY);
        if (user == null) {
            return new Attempt(List.of(name), address, false);
        }
        Key shared = Key.user(user);
        boolean refused = store.recordFailedAttempt(shared.value(), now, window).failures() > accountMax;
        return new Attempt(List.of(name, shared), address, refused);
    }

    /** Forgets every account counter of a user (after a reset: whoever reset the password owns the mailbox). */
    void clearAccount(UserId user, String username, String email) {
        store.clearFailedAttempts(Key.user(user).value());
        if (username != null) {
            store.clearFailedAttempts(Key.identifier(username).value());
        }
        if (email != null) {
            store.clearFailedAttempts(Key.identifier(email).value());
        }
    }

    private Key reserveAddress(ClientContext client, Instant now) {
        if (client == null || client.address() == null) {
            return null;
        }
        Key address = addressKey(client.address());
        reserve(store, address.value(), now, window, addressMax, TOO_MANY);
        return address;
    }

    /** The counter of a client address; IPv6 by network, the rest as given. */
    Key addressKey(String address) {
        return Key.of("address", network(address, ipv6Prefix));
    }

    /**
     * The network an address is counted under: an IPv6 literal masked to {@code prefix} bits, anything else as it
     * is. Only literals with a colon are parsed (never a name, so no DNS look-up can happen).
     */
    static String network(String address, int prefix) {
        if (address.indexOf(':') < 0 || address.length() > 64) {
            return address;
        }
        String literal = address;
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        int zone = literal.indexOf('%');
        if (zone >= 0) {
            literal = literal.substring(0, zone);
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException | SecurityException notAnAddress) {
            return address;
        }
        if (bytes.length != 16) {
            return literal; // an IPv4-mapped IPv6 address: one IPv4 client
        }
        for (int bit = prefix; bit < 128; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            text.append(i == 0 ? "" : ":").append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)));
        }
        return text.append('/').append(prefix).toString();
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
        reserve(store, Key.of("register-address", network(clientAddress, ipv6Prefix)).value(), clock.instant(),
                REGISTRATION_WINDOW, registrationsPerAddress, "Too many registrations from this address. Try again later.");
    }

    /**
     * Reserves one client authentication at {@code /introspect} from {@code client}'s address, before the secret is
     * compared: refused with 429 beyond {@code login-address-max-attempts} failures in the window. Counted under its
     * own prefix, so a gateway with a wrong secret does not lock its address out of logins, nor the other way round;
     * and per address only, never per client id, so nobody can lock a gateway out by guessing at its id.
     */
    Attempt reserveIntrospectionClient(ClientContext client) {
        if (client == null || client.address() == null) {
            return new Attempt(List.of(), null, false);
        }
        Key address = Key.of("introspection-client-address", network(client.address(), ipv6Prefix));
        reserve(store, address.value(), clock.instant(), window, addressMax,
                "Too many failed client authentications. Try again later.");
        return new Attempt(List.of(), address, false);
    }

    /** The OAuth-start counter of a client address (SR-73): each start stores a state record. */
    static String oauthStartKey(String clientAddress) {
        return Key.of("oauth-start-address", clientAddress).value();
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

    /** 22 base64url characters (132 bits) of SHA-256: fixed size, and no collision anyone can aim for. */
    static String digest(String value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Whole seconds, rounded up, at least 1 (RFC 9110 §10.2.3). */
    private static Duration retryAfter(Instant now, Instant until) {
        long millis = Duration.between(now, until).toMillis();
        return Duration.ofSeconds(Math.max(1, (millis + 999) / 1000));
    }
}
