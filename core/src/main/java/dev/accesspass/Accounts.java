package dev.accesspass;

import dev.accesspass.event.AccountDeletedEvent;
import dev.accesspass.event.LoginEvent;
import dev.accesspass.event.RegisterEvent;
import dev.accesspass.event.RegistrationForm;
import dev.accesspass.event.SecurityEvent;
import dev.accesspass.store.DuplicateUserException;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.OneTimeToken;
import dev.accesspass.store.SecondFactor;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenPurpose;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The account flows: register, log in, delete. Validation always runs before any write, so a refused request
 * leaves nothing behind (SR-68). Every login attempt that reaches the password check does exactly one verify
 * through the bounded hashing pool, whether or not the user exists (SR-22, SR-33). Thread-safe.
 */
final class Accounts {
    private final UserStore users;
    private final TokenStore tokens;
    private final Sessions sessions;
    private final Passwords passwords;
    private final LoginThrottle throttle;
    private final KnownDevices devices;
    private final Rules rules;
    private final AccessPassConfig config;
    private final Clock clock;
    private final HookRunner hooks;
    private final SecurityLog security;
    private final SecurityNotices notices;

    Accounts(ServiceContext context, Sessions sessions, Passwords passwords, LoginThrottle throttle,
             SecurityNotices notices) {
        this.devices = context.devices();
        this.notices = notices;
        this.users = context.users();
        this.tokens = context.tokens();
        this.sessions = sessions;
        this.passwords = passwords;
        this.throttle = throttle;
        this.rules = context.rules();
        this.config = context.config();
        this.clock = context.clock();
        this.hooks = context.hooks();
        this.security = context.security();
    }

    /**
     * The outcome of a registration: the new user with tokens, or without when the email must be confirmed first;
     * or, with {@code require-confirmed-email} on and the email taken, no user at all but the owner of the address,
     * who is to be told (API.md §1), while the client gets the same 202 as for a new account.
     */
    record Registered(User user, Optional<TokenResponse> tokens, Optional<UserRecord> emailOwner) {
        static Registered emailTaken(UserRecord owner) {
            return new Registered(null, Optional.empty(), Optional.of(owner));
        }
    }

    Registered register(String username, String email, String password, String passwordConfirmation,
                        ClientContext client) {
        String clientAddress = client.address();
        FieldErrors errors = new FieldErrors();
        rules.checkUsername(username, errors);
        rules.checkEmail(email, errors);
        rules.checkNewPassword(password, passwordConfirmation, errors, username, email, Passwords.localPart(email));
        errors.throwIfAny();
        // The hook runs only once the built-in rules passed, so it can add errors but never waive one.
        hooks.hooks().validateRegistration(new RegistrationForm(username, email), errors);
        errors.throwIfAny();
        // Counted before any look-up or hashing: it bounds both name probing and the work one address causes.
        throttle.reserveRegistration(clientAddress);
        // After the address limit: each check is a request to a third party.
        rules.checkBreached(password, clientAddress);
        // A taken username is 409 (API.md §1) and costs no Argon2 work; the store still enforces uniqueness.
        if (users.findByUsername(username).isPresent()) {
            throw DuplicateUserException.username();
        }
        Optional<UserRecord> owner = users.findByEmail(email);
        if (owner.isPresent()) {
            return emailTaken(owner.get(), password, clientAddress);
        }
        String hash = passwords.hash(password, clientAddress);
        UserRecord created;
        try {
            created = users.create(new NewUser(username, email, false, hash, Set.of(), clock.instant()));
        } catch (DuplicateUserException raced) {
            // Another registration took the email between our look-up and our insert: the same answer as above.
            Optional<UserRecord> winner = raced.code() == ErrorCode.EMAIL_TAKEN && config.requireConfirmedEmail()
                    ? users.findByEmail(email) : Optional.empty();
            if (winner.isEmpty()) {
                throw raced;
            }
            return Registered.emailTaken(winner.get());
        }
        security.emit(SecurityEvent.Type.USER_REGISTERED, created.id(), null, clientAddress, Map.of());
        hooks.run("afterRegister", h -> h.afterRegister(new RegisterEvent(User.of(created), clientAddress)));
        // Re-read: the hook may have granted roles.
        UserRecord current = users.findById(created.id()).orElse(created);
        if (config.requireConfirmedEmail()) {
            return new Registered(User.of(current), Optional.empty(), Optional.empty());
        }
        Sessions.Issued issued;
        try {
            issued = sessions.open(current, Map.of(), "register", client);
        } catch (RuntimeException e) {
            // No half-created account: without its first session the user is removed again, so a retry works.
            try {
                users.delete(created.id());
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        User user = User.of(current);
        hooks.run("afterLogin", h -> h.afterLogin(new LoginEvent(user, issued.sessionId(), "register", clientAddress)));
        return new Registered(user, Optional.of(sessions.tokenResponse(user, issued)), Optional.empty());
    }

    /**
     * A registration whose email belongs to an account. Without {@code require-confirmed-email} that is 409
     * {@code email_taken}, as the contract says. With it, the answer must not tell an account exists (SR-32): the
     * caller gets what a new account gets, the owner a notice (sent by the caller of this method), and the request
     * costs the same — one Argon2id hash, computed and thrown away — so its timing tells nothing either.
     */
    private Registered emailTaken(UserRecord owner, String password, String clientAddress) {
        if (!config.requireConfirmedEmail()) {
            throw DuplicateUserException.email();
        }
        passwords.hash(password, clientAddress);
        return Registered.emailTaken(owner);
    }

    /** The longest username or email there can be (RFC 5321's path limit); a longer login name is refused unread. */
    static final int IDENTIFIER_MAX = 254;

    TokenResponse login(String identifier, String password, ClientContext client) {
        String clientAddress = client.address();
        FieldErrors errors = new FieldErrors();
        if (identifier == null || identifier.isEmpty()) {
            errors.add("username", "is required");
        } else if (identifier.length() > IDENTIFIER_MAX
                || LoginThrottle.normalised(identifier).length() > IDENTIFIER_MAX) {
            // Before any look-up or counter: no name can be this long, and NFKC may grow a string eighteenfold.
            errors.add("username", "must be at most " + IDENTIFIER_MAX + " characters");
        }
        if (password == null || password.isEmpty()) {
            errors.add("password", "is required");
        }
        errors.throwIfAny();
        LoginThrottle.Key address;
        try {
            // The address first: a throttled address costs no look-up at all.
            address = throttle.reserveAddress(client);
        } catch (AccessPassException throttled) {
            security.emit(SecurityEvent.Type.LOGIN_THROTTLED, null, null, clientAddress,
                    SecurityLog.identifier(identifier));
            throw throttled;
        }
        Optional<UserRecord> found = find(identifier);
        UserId userId = found.map(UserRecord::id).orElse(null);
        LoginThrottle.Attempt attempt;
        try {
            attempt = throttle.reserveLoginAccount(identifier, userId, devices.deviceOf(userId, client).orElse(null),
                    address);
        } catch (AccessPassException throttled) {
            security.emit(SecurityEvent.Type.LOGIN_THROTTLED, userId, null, clientAddress,
                    SecurityLog.identifier(identifier));
            throw throttled;
        }
        // A used-up shared counter costs the same dummy verify as an unknown name, and answers the same.
        boolean valid = attempt.mayVerify() ? passwords.verify(found, password, clientAddress)
                : passwords.verify(Optional.empty(), password, clientAddress);
        if (!valid) {
            security.emit(SecurityEvent.Type.LOGIN_FAILED, userId, null, clientAddress,
                    SecurityLog.identifier(identifier));
            throw invalidCredentials();
        }
        UserRecord user = found.get();
        attempt.succeeded();
        passwords.rehashIfWeak(users, user, password, clientAddress);
        if (config.requireConfirmedEmail() && !user.emailConfirmed()) {
            // Only after a correct password, so the 403 reveals nothing to someone guessing (SR-32).
            throw new AccessPassException(ErrorCode.EMAIL_NOT_CONFIRMED, "Confirm your email address first.");
        }
        return openSession(user, Map.of(), "password", client);
    }

    TokenResponse openSession(UserRecord user, Map<String, String> meta, String method, ClientContext client) {
        return openSession(user, meta, method, method, client);
    }

    /**
     * @param method        how the login happened, as hooks and the security log name it ({@code password},
     *                      {@code oauth}, {@code api})
     * @param sessionMethod what the session records (API.md §7: {@code oauth:<provider>} for an OAuth login)
     */
    TokenResponse openSession(UserRecord user, Map<String, String> meta, String method, String sessionMethod,
                              ClientContext client) {
        if (method.equals("password") || method.equals("oauth")) {
            requireNoSecondFactor(user, meta, method, sessionMethod);
        }
        return openSession(user, meta, method, sessionMethod, client, List.of());
    }

    /**
     * With TOTP on, a right first factor opens no session: it gets a single-use {@code mfa_token} (in the token
     * store, so any instance can finish the login) and 403 {@code mfa_required} (API.md §8).
     */
    private void requireNoSecondFactor(UserRecord user, Map<String, String> meta, String method,
                                       String sessionMethod) {
        if (users.findSecondFactor(user.id()).filter(SecondFactor::enabled).isEmpty()) {
            return;
        }
        String token = Secrets.newToken();
        tokens.saveOneTimeToken(new OneTimeToken(TokenHash.of(token), TokenPurpose.MFA_LOGIN, user.id(),
                clock.instant().plus(SecondFactors.MFA_TOKEN_TTL),
                SecondFactors.pendingLogin(user.credentialEpoch(), method, sessionMethod, meta)));
        security.emit(SecurityEvent.Type.MFA_REQUIRED, user.id(), null, null, Map.of("method", method));
        List<String> methods = SecondFactors.METHODS;
        if (Passkeys.configured(config) && !users.listPasskeys(user.id()).isEmpty()) {
            methods = new ArrayList<>(methods);
            methods.add("passkey");
        }
        throw new MfaRequiredException(token, methods);
    }

    /** Opens a session; {@code secondFactor} holds the RFC 8176 values of a second factor just checked, if any. */
    TokenResponse openSession(UserRecord user, Map<String, String> meta, String method, String sessionMethod,
                              ClientContext client, List<String> secondFactor) {
        String clientAddress = client.address();
        Sessions.Issued issued = sessions.open(user, meta, sessionMethod, client, secondFactor);
        if (!method.equals("api")) {
            notices.loggedIn(user, client);
        }
        User view = User.of(user);
        security.emit(SecurityEvent.Type.LOGIN_SUCCEEDED, user.id(), issued.sessionId(), clientAddress,
                Map.of("method", method));
        hooks.run("afterLogin", h -> h.afterLogin(new LoginEvent(view, issued.sessionId(), method, clientAddress)));
        return sessions.tokenResponse(view, issued);
    }

    /** The device cookies of this instance (API.md §12). */
    KnownDevices devices() {
        return devices;
    }

    /** Adds and removes roles; they apply to the user's next request. Empty when there is no such user. */
    Optional<User> changeRoles(UserId id, Set<String> add, Set<String> remove) {
        Objects.requireNonNull(id, "id");
        Optional<User> updated = users.updateRoles(id, add, remove).map(User::of);
        updated.ifPresent(user -> security.emit(SecurityEvent.Type.ROLE_CHANGED, id, null, null,
                Map.of("added", String.join(",", add), "removed", String.join(",", remove))));
        return updated;
    }

    SecurityNotices notices() {
        return notices;
    }

    /** The caller's user as stored now; {@code invalid_token} if it is gone. */
    UserRecord current(Authentication auth) {
        return users.findById(auth.user().id())
                .orElseThrow(() -> new AccessPassException(ErrorCode.INVALID_TOKEN, "The access token is invalid."));
    }

    /** Deletes the authenticated user's account after re-checking the password (if the user has one). */
    void deleteAccount(Authentication auth, String password, String clientAddress) {
        UserRecord user = current(auth);
        reauthenticate(user, auth, password, ClientContext.of(clientAddress));
        deleteUser(user);
    }

    /**
     * The re-authentication of the library's sensitive routes (API.md §9): the password when the user has one,
     * otherwise a session whose {@code auth_time} is within {@code reauth-max-age}, so a stolen access token alone
     * can neither delete an OAuth-only account nor move its email.
     *
     * @throws AccessPassException {@code validation_failed} (password missing), {@code invalid_credentials} (wrong,
     *                             counted like a failed login), {@code too_many_attempts}, {@code step_up_required}
     */
    void reauthenticate(UserRecord user, Authentication auth, String password, ClientContext client) {
        if (user.passwordHash() == null) {
            StepUp.requireRecent(auth, config.reauthMaxAge(), clock);
            return;
        }
        if (password == null || password.isEmpty()) {
            throw AccessPassException.validation(new FieldErrors().add("password", "is required"));
        }
        verifyUnderThrottle(user, password, client);
    }

    /** The account throttle around one password verify: the one path every re-authentication takes. */
    void verifyUnderThrottle(UserRecord user, String password, ClientContext client) {
        // Reserved before the verify: a stolen access token must not become a password-guessing oracle.
        LoginThrottle.Attempt attempt = throttle.reserve(LoginThrottle.Key.user(user.id()), client);
        if (!passwords.verify(Optional.of(user), password, client.address())) {
            throw invalidCredentials();
        }
        attempt.succeeded();
    }

    /** Deletes a user with every session, one-time token and identity. */
    boolean deleteUser(UserRecord user) {
        sessions.revokeAll(user.id(), null);
        for (TokenPurpose purpose : TokenPurpose.values()) {
            tokens.deleteOneTimeTokens(user.id(), purpose);
        }
        boolean deleted = users.delete(user.id());
        // Sessions opened while deleting cannot outlive the user: authenticate() needs the user to exist.
        sessions.revokeAll(user.id(), null);
        if (deleted) {
            security.emit(SecurityEvent.Type.ACCOUNT_DELETED, user.id(), null, null, Map.of());
            hooks.run("afterAccountDeleted", h -> h.afterAccountDeleted(new AccountDeletedEvent(User.of(user))));
        }
        return deleted;
    }

    Optional<UserRecord> find(String identifier) {
        // Usernames never contain '@', so the two namespaces cannot collide at login.
        return identifier.indexOf('@') >= 0 ? users.findByEmail(identifier) : users.findByUsername(identifier);
    }

    static AccessPassException invalidCredentials() {
        return new AccessPassException(ErrorCode.INVALID_CREDENTIALS, "The username or password is incorrect.");
    }
}
