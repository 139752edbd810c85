package dev.accesspass;

import dev.accesspass.event.AccountDeletedEvent;
import dev.accesspass.event.LoginEvent;
import dev.accesspass.event.RegisterEvent;
import dev.accesspass.event.RegistrationForm;
import dev.accesspass.event.SecurityEvent;
import dev.accesspass.password.HashingPool;
import dev.accesspass.password.PasswordHasher;
import dev.accesspass.store.Identifiers;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.TokenPurpose;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.time.Clock;
import java.util.Map;
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
    private final PasswordHasher hasher;
    private final HashingPool pool;
    private final LoginThrottle throttle;
    private final Rules rules;
    private final AccessPassConfig config;
    private final Clock clock;
    private final HookRunner hooks;
    private final SecurityLog security;

    Accounts(UserStore users, TokenStore tokens, Sessions sessions, PasswordHasher hasher, HashingPool pool,
             LoginThrottle throttle, AccessPassConfig config, Clock clock, HookRunner hooks, SecurityLog security) {
        this.users = users;
        this.tokens = tokens;
        this.sessions = sessions;
        this.hasher = hasher;
        this.pool = pool;
        this.throttle = throttle;
        this.rules = new Rules(config.passwordMinLength());
        this.config = config;
        this.clock = clock;
        this.hooks = hooks;
        this.security = security;
    }

    Rules rules() {
        return rules;
    }

    /** The outcome of a registration: tokens, or none when the email must be confirmed first. */
    record Registered(User user, Optional<TokenResponse> tokens) {
    }

    Registered register(String username, String email, String password, String passwordConfirmation,
                        String clientAddress) {
        FieldErrors errors = new FieldErrors();
        rules.checkUsername(username, errors);
        rules.checkEmail(email, errors);
        String localPart = email != null && email.indexOf('@') > 0 ? email.substring(0, email.indexOf('@')) : null;
        rules.checkNewPassword(password, passwordConfirmation, errors, username, email, localPart);
        errors.throwIfAny();
        // The hook runs only once the built-in rules passed, so it can add errors but never waive one.
        hooks.hooks().validateRegistration(new RegistrationForm(username, email), errors);
        errors.throwIfAny();
        // Cheap duplicate checks first, so a taken name costs no Argon2 work; the store still enforces uniqueness.
        if (users.findByUsername(username).isPresent()) {
            throw dev.accesspass.store.DuplicateUserException.username();
        }
        if (users.findByEmail(email).isPresent()) {
            throw dev.accesspass.store.DuplicateUserException.email();
        }
        String hash = pool.run(() -> hasher.hash(password));
        UserRecord created = users.create(new NewUser(username, email, false, hash, Set.of(), clock.instant()));
        security.emit(SecurityEvent.Type.USER_REGISTERED, created.id(), null, clientAddress, Map.of());
        hooks.run("afterRegister", h -> h.afterRegister(new RegisterEvent(User.of(created), clientAddress)));
        // Re-read: the hook may have granted roles.
        UserRecord current = users.findById(created.id()).orElse(created);
        if (config.requireConfirmedEmail()) {
            return new Registered(User.of(current), Optional.empty());
        }
        Sessions.Issued issued;
        try {
            issued = sessions.open(current, Map.of());
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
        return new Registered(user, Optional.of(sessions.tokenResponse(user, issued)));
    }

    TokenResponse login(String identifier, String password, String clientAddress) {
        FieldErrors errors = new FieldErrors();
        if (identifier == null || identifier.isEmpty()) {
            errors.add("username", "is required");
        }
        if (password == null || password.isEmpty()) {
            errors.add("password", "is required");
        }
        errors.throwIfAny();
        Optional<UserRecord> found = find(identifier);
        // One counter per account, whether it is named by username or email; unknown names count the same way.
        String accountKey = found.map(u -> "user:" + u.id().value())
                .orElse("name:" + (identifier.indexOf('@') >= 0 ? Identifiers.emailKey(identifier)
                        : Identifiers.usernameKey(identifier)));
        try {
            throttle.check(accountKey, clientAddress);
        } catch (AccessPassException throttled) {
            security.emit(SecurityEvent.Type.LOGIN_THROTTLED, found.map(UserRecord::id).orElse(null), null,
                    clientAddress, Map.of("identifier", identifier));
            throw throttled;
        }
        boolean valid = verify(found, password);
        if (!valid) {
            throttle.recordFailure(accountKey, clientAddress);
            security.emit(SecurityEvent.Type.LOGIN_FAILED, found.map(UserRecord::id).orElse(null), null,
                    clientAddress, Map.of("identifier", identifier));
            throw invalidCredentials();
        }
        UserRecord user = found.get();
        throttle.clearAccount(accountKey);
        rehashIfWeak(user, password);
        if (config.requireConfirmedEmail() && !user.emailConfirmed()) {
            // Only after a correct password, so the 403 reveals nothing to someone guessing (SR-32).
            throw new AccessPassException(ErrorCode.EMAIL_NOT_CONFIRMED, "Confirm your email address first.");
        }
        return openSession(user, Map.of(), "password", clientAddress);
    }

    TokenResponse openSession(UserRecord user, Map<String, String> meta, String method, String clientAddress) {
        Sessions.Issued issued = sessions.open(user, meta);
        User view = User.of(user);
        security.emit(SecurityEvent.Type.LOGIN_SUCCEEDED, user.id(), issued.sessionId(), clientAddress,
                Map.of("method", method));
        hooks.run("afterLogin", h -> h.afterLogin(new LoginEvent(view, issued.sessionId(), method, clientAddress)));
        return sessions.tokenResponse(view, issued);
    }

    /** Deletes the authenticated user's account after re-checking the password (if the user has one). */
    void deleteAccount(Authentication auth, String password, String clientAddress) {
        UserRecord user = users.findById(auth.user().id())
                .orElseThrow(() -> new AccessPassException(ErrorCode.INVALID_TOKEN, "The access token is invalid."));
        if (user.passwordHash() != null) {
            if (password == null || password.isEmpty()) {
                throw AccessPassException.validation(new FieldErrors().add("password", "is required"));
            }
            String accountKey = "user:" + user.id().value();
            throttle.check(accountKey, clientAddress);
            if (!verify(Optional.of(user), password)) {
                // A stolen access token must not become a password-guessing oracle.
                throttle.recordFailure(accountKey, clientAddress);
                throw invalidCredentials();
            }
        }
        deleteUser(user);
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

    /** Exactly one verify, also for an unknown user or one without a password (SR-33). */
    boolean verify(Optional<UserRecord> user, String password) {
        String hash = user.map(UserRecord::passwordHash).orElse(null);
        if (hash == null) {
            pool.run(() -> {
                hasher.verifyDummy(password);
                return null;
            });
            return false;
        }
        return pool.run(() -> hasher.verify(password, hash));
    }

    private void rehashIfWeak(UserRecord user, String password) {
        if (hasher.needsRehash(user.passwordHash())) {
            String upgraded = pool.run(() -> hasher.hash(password));
            // Compare-and-set: a password changed meanwhile is never overwritten by the old one.
            users.updatePasswordHash(user.id(), user.passwordHash(), upgraded);
        }
    }

    static AccessPassException invalidCredentials() {
        return new AccessPassException(ErrorCode.INVALID_CREDENTIALS, "The username or password is incorrect.");
    }
}
