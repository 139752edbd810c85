package dev.accesspass;

import dev.accesspass.event.SecurityEvent;
import dev.accesspass.passkey.PasskeyRefusedException;
import dev.accesspass.passkey.RelyingParty;
import dev.accesspass.store.IdentityRemoval;
import dev.accesspass.store.OneTimeToken;
import dev.accesspass.store.PasskeyCredential;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenPurpose;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Passkeys (API.md §10): registration, usernameless login, the passkey as second factor and for re-authentication,
 * and the user's list. Each ceremony's challenge is a one-time token in the token store (so any instance can finish
 * it), single use, 300 s, of its own {@link TokenPurpose} so that one kind never finishes another; its payload is the
 * challenge and what the ceremony is bound to. The WebAuthn checks are {@link RelyingParty}'s (webauthn4j). Every
 * refused assertion answers the same and goes to the security log with the failed check. Thread-safe.
 */
final class Passkeys {
    static final Duration CEREMONY_TTL = Duration.ofMillis(RelyingParty.TIMEOUT_MILLIS);
    /** RFC 8176 for a user-verifying passkey: a proof of possession of a key, and the user's gesture. */
    static final List<String> AMR = List.of("hwk", "user");
    static final int NAME_MAX = 64;
    private static final int CHALLENGE_BYTES = 32;
    private static final int USER_HANDLE_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final DateTimeFormatter DEFAULT_NAME = DateTimeFormatter.ofPattern("'Passkey' yyyy-MM-dd")
            .withZone(ZoneOffset.UTC);

    private final UserStore users;
    private final TokenStore tokens;
    private final Accounts accounts;
    private final SecondFactors secondFactors;
    private final LoginThrottle throttle;
    private final SecurityLog security;
    private final AccessPassConfig config;
    private final Clock clock;
    private final RelyingParty rp;

    Passkeys(ServiceContext context, Accounts accounts, SecondFactors secondFactors, LoginThrottle throttle) {
        this.users = context.users();
        this.tokens = context.tokens();
        this.accounts = accounts;
        this.secondFactors = secondFactors;
        this.throttle = throttle;
        this.security = context.security();
        this.config = context.config();
        this.clock = context.clock();
        this.rp = relyingParty(config);
    }

    /** Whether passkeys are on: an RP id and at least one origin, given or from {@code base-url}. */
    static boolean configured(AccessPassConfig config) {
        return config.webauthnRpId().isPresent() && !config.webauthnOrigins().isEmpty();
    }

    /** The relying party of this configuration, or null when passkeys are off. */
    private static RelyingParty relyingParty(AccessPassConfig config) {
        if (!configured(config)) {
            return null;
        }
        return new RelyingParty(config.webauthnRpId().get(), config.webauthnRpName(),
                new LinkedHashSet<>(config.webauthnOrigins()));
    }

    boolean enabled() {
        return rp != null;
    }

    /** A ceremony's id and its {@code publicKey} options. */
    record Options(String ceremony, Map<String, Object> publicKey) {
    }

    // ---- registration -------------------------------------------------------------------------------------------

    Options registrationOptions(Authentication auth) {
        RelyingParty party = party();
        UserRecord user = accounts.current(auth);
        reserveUserStart(user.id());
        String handle = users.passkeyUserHandle(user.id(), B64.encodeToString(random(USER_HANDLE_BYTES)))
                .orElseThrow(() -> new AccessPassException(ErrorCode.INVALID_TOKEN, "The access token is invalid."));
        byte[] challenge = random(CHALLENGE_BYTES);
        String ceremony = save(TokenPurpose.PASSKEY_REGISTRATION, user.id(), challenge, "");
        List<byte[]> exclude = new ArrayList<>();
        for (PasskeyCredential passkey : users.listPasskeys(user.id())) {
            exclude.add(B64D.decode(passkey.id()));
        }
        return new Options(ceremony, party.creationOptions(challenge, B64D.decode(handle), user.username(), exclude));
    }

    PasskeyCredential register(Authentication auth, String ceremony, String credential, String name,
                               ClientContext client) {
        RelyingParty party = party();
        String checkedName = name == null ? null : checkName(name);
        requireCredential(ceremony, credential);
        UserRecord user = accounts.current(auth);
        Ceremony started = take(ceremony, TokenPurpose.PASSKEY_REGISTRATION)
                .filter(found -> user.id().equals(found.user()))
                .orElseThrow(() -> refusedRegistration(user, client, "ceremony"));
        RelyingParty.Registered registered;
        try {
            registered = party.verifyRegistration(credential, started.challenge());
        } catch (PasskeyRefusedException e) {
            throw refusedRegistration(user, client, e.reason());
        }
        String handle = users.passkeyUserHandle(user.id(), B64.encodeToString(random(USER_HANDLE_BYTES)))
                .orElseThrow(() -> new AccessPassException(ErrorCode.INVALID_TOKEN, "The access token is invalid."));
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        PasskeyCredential passkey = new PasskeyCredential(B64.encodeToString(registered.credentialId()), user.id(),
                handle, registered.credentialData(), registered.signCount(), registered.backupEligible(),
                registered.backupState(), registered.transports(),
                checkedName != null ? checkedName : DEFAULT_NAME.format(now), now, null);
        if (!users.addPasskey(passkey)) {
            // One credential, one user: an id already known (to anyone) is never taken over.
            security.emit(SecurityEvent.Type.PASSKEY_FAILED, user.id(), auth.sessionId(), client.address(),
                    Map.of("reason", "credential_known", "ceremony", "registration"));
            throw AccessPassException.validation(new FieldErrors().add("credential", "is already registered"));
        }
        security.emit(SecurityEvent.Type.PASSKEY_ADDED, user.id(), auth.sessionId(), client.address(),
                Map.of("passkey", passkey.id()));
        accounts.notices().notify(user, "passkey_added", passkey.name(), client);
        return passkey;
    }

    private AccessPassException refusedRegistration(UserRecord user, ClientContext client, String reason) {
        security.emit(SecurityEvent.Type.PASSKEY_FAILED, user.id(), null, client.address(),
                Map.of("reason", reason, "ceremony", "registration"));
        return AccessPassException.validation(new FieldErrors().add("credential", "was not accepted"));
    }

    // ---- login --------------------------------------------------------------------------------------------------

    /**
     * Usernameless login options, or with an {@code mfa_token} the second-factor options of its user. Counted per
     * client address (each call stores a challenge for 300 s), so one address cannot fill the token store.
     */
    Options loginOptions(String mfaToken, ClientContext client) {
        RelyingParty party = party();
        reserveStart(client);
        byte[] challenge = random(CHALLENGE_BYTES);
        if (mfaToken == null) {
            return new Options(save(TokenPurpose.PASSKEY_LOGIN, null, challenge, ""),
                    party.requestOptions(challenge, List.of()));
        }
        UserId user = secondFactors.pendingUser(mfaToken).orElseThrow(() -> new AccessPassException(
                ErrorCode.INVALID_GRANT, "The mfa_token is invalid, expired or used up."));
        String ceremony = save(TokenPurpose.PASSKEY_MFA, user, challenge, TokenHash.of(mfaToken).hex());
        return new Options(ceremony, party.requestOptions(challenge, allowed(user)));
    }

    /** Re-authentication options: the caller's passkeys, the ceremony bound to this session. */
    Options reauthOptions(Authentication auth, ClientContext client) {
        RelyingParty party = party();
        UserRecord user = accounts.current(auth);
        reserveUserStart(user.id());
        byte[] challenge = random(CHALLENGE_BYTES);
        String ceremony = save(TokenPurpose.PASSKEY_REAUTH, user.id(), challenge, auth.sessionId().value());
        return new Options(ceremony, party.requestOptions(challenge, allowed(user.id())));
    }

    private List<byte[]> allowed(UserId user) {
        List<byte[]> allow = new ArrayList<>();
        for (PasskeyCredential passkey : users.listPasskeys(user)) {
            allow.add(B64D.decode(passkey.id()));
        }
        return allow;
    }

    private void reserveStart(ClientContext client) {
        if (client.address() != null) {
            LoginThrottle.reserve(tokens, LoginThrottle.Key.of("passkey-start-address",
                            throttle.addressKey(client.address()).value()).value(), clock.instant(), CEREMONY_TTL,
                    config.loginAddressMaxAttempts(), "Too many passkey sign-ins started from this address. "
                            + "Try again later.");
        }
    }

    /**
     * The ceremonies a signed-in user starts (registration, re-authentication) keep a challenge for 300 s too, and
     * anyone can sign up for an account: counted per user with the address limit, so no account fills the store.
     */
    private void reserveUserStart(UserId user) {
        LoginThrottle.reserve(tokens, LoginThrottle.Key.of("passkey-start-user", user.value()).value(),
                clock.instant(), CEREMONY_TTL, config.loginAddressMaxAttempts(),
                "Too many passkey ceremonies started for this account. Try again later.");
    }

    /** {@code POST /passkeys/login}: a usernameless assertion; any failure is one {@code invalid_credentials}. */
    TokenResponse login(String ceremony, String credential, ClientContext client) {
        party();
        requireCredential(ceremony, credential);
        Ceremony started = take(ceremony, TokenPurpose.PASSKEY_LOGIN)
                .orElseThrow(() -> refused(null, client, "login", "ceremony"));
        PasskeyCredential passkey = verify(credential, started.challenge(), null, client, "login");
        UserRecord user = users.findById(passkey.user()).orElseThrow(() -> refused(null, client, "login", "user"));
        if (config.requireConfirmedEmail() && !user.emailConfirmed()) {
            throw new AccessPassException(ErrorCode.EMAIL_NOT_CONFIRMED, "Confirm your email address first.");
        }
        // The passkey is two factors already (possession and the verified user), so no TOTP step follows.
        return accounts.openSession(user, Map.of(), "passkey", "passkey", client, AMR);
    }

    /** {@code POST /mfa/verify} with a passkey: the ceremony must be the one started for this {@code mfa_token}. */
    TokenResponse verifyMfa(String mfaToken, String ceremony, String credential, ClientContext client) {
        party();
        requireCredential(ceremony, credential);
        return secondFactors.continueLogin(mfaToken, client, user -> {
            LoginThrottle.Attempt attempt = throttle.reserve(LoginThrottle.Key.user(user.id()), client);
            Optional<Ceremony> started = take(ceremony, TokenPurpose.PASSKEY_MFA)
                    .filter(found -> user.id().equals(found.user())
                            && TokenHash.of(mfaToken).hex().equals(found.binding()));
            if (started.isEmpty()) {
                throw mfaRefused(user, client, "ceremony");
            }
            try {
                verify(credential, started.get().challenge(), user.id(), client, "mfa");
            } catch (AccessPassException refused) {
                throw SecondFactors.invalidCode();
            }
            attempt.succeeded();
            return AMR;
        });
    }

    private AccessPassException mfaRefused(UserRecord user, ClientContext client, String reason) {
        security.emit(SecurityEvent.Type.PASSKEY_FAILED, user.id(), null, client.address(),
                Map.of("reason", reason, "ceremony", "mfa"));
        return SecondFactors.invalidCode();
    }

    /** {@code POST /reauth} with a passkey: raises {@code auth_time} and {@code aal} 2; counted like a login. */
    SecondFactors.Reauthenticated reauthenticate(Authentication auth, String ceremony, String credential,
                                                 ClientContext client) {
        party();
        requireCredential(ceremony, credential);
        UserRecord user = accounts.current(auth);
        LoginThrottle.Attempt attempt = throttle.reserve(LoginThrottle.Key.user(user.id()), client);
        Ceremony started = take(ceremony, TokenPurpose.PASSKEY_REAUTH)
                .filter(found -> user.id().equals(found.user()) && auth.sessionId().value().equals(found.binding()))
                .orElseThrow(() -> refused(user.id(), client, "reauth", "ceremony"));
        verify(credential, started.challenge(), user.id(), client, "reauth");
        attempt.succeeded();
        Set<String> amr = new LinkedHashSet<>(auth.amr());
        amr.addAll(AMR);
        amr.add("mfa");
        List<String> methods = List.copyOf(amr);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        if (!tokens.recordReauthentication(auth.sessionId(), methods, 2, now)) {
            throw new AccessPassException(ErrorCode.INVALID_TOKEN, "The access token is invalid.");
        }
        security.emit(SecurityEvent.Type.REAUTHENTICATED, user.id(), auth.sessionId(), client.address(),
                Map.of("method", "passkey"));
        return new SecondFactors.Reauthenticated(now, methods, 2);
    }

    /**
     * Every check of an assertion: a known credential (of {@code expectedUser} when given), the user handle it was
     * registered under, then webauthn4j's checks (origin, RP id hash, UP, UV, signature, counter), then the counter
     * as a compare-and-set in the store, so two instances cannot both accept one counter value.
     */
    private PasskeyCredential verify(String credential, byte[] challenge, UserId expectedUser, ClientContext client,
                                     String kind) {
        RelyingParty.Claimed claimed;
        try {
            claimed = rp.claimed(credential);
        } catch (PasskeyRefusedException e) {
            throw refused(expectedUser, client, kind, e.reason());
        }
        String id = B64.encodeToString(claimed.credentialId());
        PasskeyCredential passkey = users.findPasskey(id)
                .orElseThrow(() -> refused(expectedUser, client, kind, "unknown_credential"));
        if (expectedUser != null && !expectedUser.equals(passkey.user())) {
            throw refused(expectedUser, client, kind, "credential_of_another_user");
        }
        // Usernameless: the handle is how the authenticator names the account; it must be the one registered.
        if (claimed.userHandle() == null ? expectedUser == null
                : !B64.encodeToString(claimed.userHandle()).equals(passkey.userHandle())) {
            throw refused(passkey.user(), client, kind, "user_handle");
        }
        long counter;
        try {
            counter = rp.verifyAssertion(credential, challenge, new RelyingParty.StoredCredential(
                    passkey.credentialData(), passkey.signCount(), passkey.backupEligible(), passkey.backupState()));
        } catch (PasskeyRefusedException e) {
            if (e.reason().equals("counter")) {
                security.emit(SecurityEvent.Type.PASSKEY_COUNTER_MISMATCH, passkey.user(), null, client.address(),
                        Map.of("passkey", passkey.id(), "stored", Long.toString(passkey.signCount())));
            }
            throw refused(passkey.user(), client, kind, e.reason());
        }
        if (!users.usePasskey(passkey.id(), passkey.signCount(), counter, clock.instant().truncatedTo(ChronoUnit.MILLIS))) {
            throw refused(passkey.user(), client, kind, "counter_race");
        }
        return passkey;
    }

    private AccessPassException refused(UserId user, ClientContext client, String kind, String reason) {
        security.emit(SecurityEvent.Type.PASSKEY_FAILED, user, null, client.address(),
                Map.of("reason", reason, "ceremony", kind));
        return new AccessPassException(ErrorCode.INVALID_CREDENTIALS, "The passkey was not accepted.");
    }

    // ---- management ---------------------------------------------------------------------------------------------

    List<PasskeyCredential> list(Authentication auth) {
        return users.listPasskeys(accounts.current(auth).id());
    }

    PasskeyCredential rename(Authentication auth, String id, String name) {
        if (name == null) {
            throw AccessPassException.validation(new FieldErrors().add("name", "is required"));
        }
        String checked = checkName(name);
        return users.renamePasskey(accounts.current(auth).id(), id, checked).orElseThrow(Passkeys::notFound);
    }

    /** Removes one of the caller's passkeys, unless it is their last way to log in. */
    void remove(Authentication auth, String id, ClientContext client) {
        UserRecord user = accounts.current(auth);
        Optional<PasskeyCredential> passkey = users.findPasskey(id).filter(found -> found.user().equals(user.id()));
        IdentityRemoval outcome = users.removePasskey(user.id(), id, LoginMethods::remainWithoutPasskeys);
        switch (outcome) {
            case NOT_LINKED -> throw notFound();
            case REFUSED -> throw new AccessPassException(ErrorCode.LAST_LOGIN_METHOD,
                    "This passkey is the account's last way to log in.");
            case REMOVED -> {
                security.emit(SecurityEvent.Type.PASSKEY_REMOVED, user.id(), auth.sessionId(), client.address(),
                        Map.of("passkey", id));
                accounts.notices().notify(user, "passkey_removed", passkey.map(PasskeyCredential::name).orElse(id),
                        client);
            }
        }
    }

    /** Whether the user has a passkey (for {@code mfa_methods}, and as a way in for other removals). */
    boolean has(UserId user) {
        return !users.listPasskeys(user).isEmpty();
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private RelyingParty party() {
        if (rp == null) {
            throw notFound();
        }
        return rp;
    }

    private static AccessPassException notFound() {
        return new AccessPassException(ErrorCode.NOT_FOUND, "No such passkey.");
    }

    private static void requireCredential(String ceremony, String credential) {
        FieldErrors errors = new FieldErrors();
        if (ceremony == null || ceremony.isEmpty()) {
            errors.add("ceremony", "is required");
        }
        if (credential == null) {
            errors.add("credential", "is required");
        }
        errors.throwIfAny();
    }

    private static String checkName(String name) {
        String trimmed = name.strip();
        if (trimmed.isEmpty() || trimmed.length() > NAME_MAX) {
            throw AccessPassException.validation(new FieldErrors().add("name", "must be 1 to " + NAME_MAX
                    + " characters"));
        }
        return trimmed;
    }

    private static byte[] random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return value;
    }

    /** What a ceremony token holds: the challenge and what it is bound to (an mfa_token digest, a session id). */
    private record Ceremony(UserId user, byte[] challenge, String binding) {
    }

    private String save(TokenPurpose purpose, UserId user, byte[] challenge, String binding) {
        String ceremony = Secrets.newToken();
        tokens.saveOneTimeToken(new OneTimeToken(TokenHash.of(ceremony), purpose, user,
                clock.instant().plus(CEREMONY_TTL), B64.encodeToString(challenge) + "\n" + binding));
        return ceremony;
    }

    /** Uses up a ceremony of {@code purpose}; empty when it is unknown, used, expired or of another kind. */
    private Optional<Ceremony> take(String ceremony, TokenPurpose purpose) {
        if (!Secrets.isToken(ceremony)) {
            return Optional.empty();
        }
        return tokens.consumeOneTimeToken(TokenHash.of(ceremony), purpose, clock.instant()).map(token -> {
            String payload = token.payload();
            int newline = payload.indexOf('\n');
            return new Ceremony(token.user(), B64D.decode(payload.substring(0, newline)),
                    payload.substring(newline + 1));
        });
    }
}
