package dev.accesspass;

import dev.accesspass.event.PasswordChangeEvent;
import dev.accesspass.event.PasswordResetEvent;
import dev.accesspass.event.SecurityEvent;
import dev.accesspass.store.OneTimeToken;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenPurpose;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Setting a new password: by emailed reset token ({@code /password/reset}) or, signed in, with the current
 * password ({@code /password/change}). Both use the one password policy of registration (SR-27).
 *
 * <p>Security notes for maintainers. A reset validates before it consumes (SR-38): the policy checks that need no
 * account run first; the ones that need the account (not equal to its username or email) can only run after the
 * atomic consume, so a refusal there puts the very same token back, as does a saturated hashing pool. A reset then
 * revokes every session, kills every other reset token, clears the account's failed-login counter and mails a notice
 * without token or password (SR-12). A change needs the current password, checked under the account's login
 * throttle so a stolen access token cannot become a password-guessing oracle (SR-11); it keeps the calling session
 * and revokes the others. Thread-safe.
 */
final class PasswordFlows {
    private final UserStore users;
    private final TokenStore tokens;
    private final Sessions sessions;
    private final Passwords passwords;
    private final LoginThrottle throttle;
    private final Rules rules;
    private final Clock clock;
    private final HookRunner hooks;
    private final SecurityLog security;
    private final SecurityNotices notices;

    PasswordFlows(ServiceContext context, Sessions sessions, Passwords passwords, LoginThrottle throttle,
                  SecurityNotices notices) {
        this.users = context.users();
        this.tokens = context.tokens();
        this.sessions = sessions;
        this.passwords = passwords;
        this.throttle = throttle;
        this.rules = context.rules();
        this.clock = context.clock();
        this.hooks = context.hooks();
        this.security = context.security();
        this.notices = notices;
    }

    void reset(String token, String password, String confirmation, ClientContext client) {
        String clientAddress = client.address();
        FieldErrors errors = new FieldErrors();
        if (token == null || token.isEmpty()) {
            errors.add("token", "is required");
        }
        rules.checkNewPassword(password, confirmation, errors);
        errors.throwIfAny();
        String checked = EmailFlows.requireToken(token);
        Instant now = clock.instant();
        OneTimeToken used = tokens.consumeOneTimeToken(TokenHash.of(checked), TokenPurpose.RESET_PASSWORD, now)
                .orElseThrow(EmailFlows::invalidGrant);
        Optional<UserRecord> found = Optional.ofNullable(used.user()).flatMap(users::findById);
        if (found.isEmpty()) {
            throw EmailFlows.invalidGrant();
        }
        UserRecord user = found.get();
        String newHash;
        try {
            FieldErrors contextErrors = new FieldErrors();
            rules.checkNewPassword(password, confirmation, contextErrors, user.username(), user.email(),
                    Passwords.localPart(user.email()));
            contextErrors.throwIfAny();
            rules.checkBreached(password, clientAddress);
            newHash = passwords.hash(password, clientAddress);
        } catch (RuntimeException refused) {
            // Nothing was changed, so the token must still work (SR-38): put back exactly what was consumed.
            try {
                tokens.saveOneTimeToken(used);
            } catch (RuntimeException restore) {
                refused.addSuppressed(restore);
            }
            throw refused;
        }
        users.updatePasswordHash(user.id(), null, newHash);
        int revoked = sessions.revokeAll(user.id(), null);
        tokens.deleteOneTimeTokens(user.id(), TokenPurpose.RESET_PASSWORD);
        // Whoever reset the password owns the mailbox: earlier failed guesses must not keep them locked out.
        throttle.clearAccount(user.id(), user.username(), user.email());
        security.emit(SecurityEvent.Type.PASSWORD_RESET, user.id(), null, clientAddress,
                Map.of("sessions_revoked", Integer.toString(revoked)));
        notices.passwordChanged(user, now, client);
        User view = User.of(users.findById(user.id()).orElse(user));
        hooks.run("afterPasswordReset", h -> h.afterPasswordReset(new PasswordResetEvent(view, clientAddress)));
    }

    void change(Authentication auth, String currentPassword, String password, String confirmation,
                ClientContext client) {
        String clientAddress = client.address();
        UserRecord user = users.findById(auth.user().id())
                .orElseThrow(() -> new AccessPassException(ErrorCode.INVALID_TOKEN, "The access token is invalid."));
        FieldErrors errors = new FieldErrors();
        if (currentPassword == null || currentPassword.isEmpty()) {
            errors.add("current_password", "is required");
        }
        rules.checkNewPassword(password, confirmation, errors, user.username(), user.email(),
                Passwords.localPart(user.email()));
        errors.throwIfAny();
        LoginThrottle.Attempt attempt;
        try {
            attempt = throttle.reserve(LoginThrottle.Key.user(user.id()), ClientContext.of(clientAddress));
        } catch (AccessPassException throttled) {
            security.emit(SecurityEvent.Type.LOGIN_THROTTLED, user.id(), auth.sessionId(), clientAddress,
                    Map.of("flow", "password_change"));
            throw throttled;
        }
        if (!passwords.verify(Optional.of(user), currentPassword, clientAddress)) {
            security.emit(SecurityEvent.Type.LOGIN_FAILED, user.id(), auth.sessionId(), clientAddress,
                    Map.of("flow", "password_change"));
            throw Accounts.invalidCredentials();
        }
        attempt.succeeded();
        rules.checkBreached(password, clientAddress);
        String newHash = passwords.hash(password, clientAddress);
        // The caller's session keeps working across the epoch this change advances (SR-71); if the change then loses
        // its compare-and-set, that session is one epoch ahead, which no later change can exploit: every change
        // also revokes the sessions it does not keep.
        sessions.keepThroughCredentialChange(auth.sessionId(), user.credentialEpoch());
        // Compare-and-set: two changes racing each other cannot both win with one old password.
        if (!users.updatePasswordHash(user.id(), user.passwordHash(), newHash)) {
            throw Accounts.invalidCredentials();
        }
        int revoked = sessions.revokeAll(user.id(), auth.sessionId());
        tokens.deleteOneTimeTokens(user.id(), TokenPurpose.RESET_PASSWORD);
        Instant now = clock.instant();
        security.emit(SecurityEvent.Type.PASSWORD_CHANGED, user.id(), auth.sessionId(), clientAddress,
                Map.of("sessions_revoked", Integer.toString(revoked)));
        notices.passwordChanged(user, now, client);
        User view = User.of(users.findById(user.id()).orElse(user));
        hooks.run("afterPasswordChange", h -> h.afterPasswordChange(new PasswordChangeEvent(view, auth.sessionId(),
                clientAddress)));
    }
}
