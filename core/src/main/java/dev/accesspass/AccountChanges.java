package dev.accesspass;

import dev.accesspass.event.SecurityEvent;
import dev.accesspass.store.DuplicateUserException;
import dev.accesspass.store.Identifiers;
import dev.accesspass.store.IdentityRemoval;
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
 * Changes a signed-in user makes to their own account (API.md §7): the email change with re-confirmation and the
 * removal of a linked identity. Both re-authenticate first ({@link Accounts#reauthenticate}: the password, or a
 * recent login for a user without one).
 *
 * <p>Security notes for maintainers. An email-change token is a one-time token of its own purpose, bound to the
 * user and carrying the new address; a new request replaces the user's earlier one. Nothing changes until the
 * token comes back, and then the store swaps the address in one atomic step under the same case-insensitive
 * uniqueness as registration, so of two users confirming the same address exactly one wins and the other gets 409
 * {@code email_taken}. The old address then no longer finds the user (login by email, password reset, resend),
 * and the reset and confirmation tokens mailed to it die. Identity removal asks {@link LoginMethods} inside the
 * store's atomic step. Thread-safe.
 */
final class AccountChanges {
    private final UserStore users;
    private final TokenStore tokens;
    private final Clock clock;
    private final AccessPassConfig config;
    private final SecurityLog security;
    private final Rules rules;
    private final Accounts accounts;
    private final EmailFlows email;

    AccountChanges(ServiceContext context, Accounts accounts, EmailFlows email) {
        this.users = context.users();
        this.tokens = context.tokens();
        this.clock = context.clock();
        this.config = context.config();
        this.security = context.security();
        this.rules = context.rules();
        this.accounts = accounts;
        this.email = email;
    }

    /** {@code POST /email/change}: mails a link to the new address and a notice to the current one. */
    void requestEmailChange(Authentication auth, String password, String newEmail, ClientContext client,
                            String requestOrigin) {
        UserRecord user = accounts.current(auth);
        FieldErrors errors = new FieldErrors();
        rules.checkEmail(newEmail, errors);
        errors.throwIfAny();
        // Before any look-up of the address: without the password, "taken" would be an oracle for a stolen token.
        accounts.reauthenticate(user, auth, password, client);
        if (user.email() != null && Identifiers.emailKey(user.email()).equals(Identifiers.emailKey(newEmail))) {
            throw AccessPassException.validation(new FieldErrors().add("new_email", "is already your address"));
        }
        if (users.findByEmail(newEmail).isPresent()) {
            throw DuplicateUserException.email();
        }
        String token = Secrets.newToken();
        Instant now = clock.instant();
        // One pending change per user: a new request makes the earlier link useless.
        tokens.deleteOneTimeTokens(user.id(), TokenPurpose.EMAIL_CHANGE);
        tokens.saveOneTimeToken(new OneTimeToken(TokenHash.of(token), TokenPurpose.EMAIL_CHANGE, user.id(),
                now.plus(config.confirmTokenTtl()), newEmail));
        email.sendEmailChange(user, newEmail, token, client, requestOrigin);
        security.emit(SecurityEvent.Type.EMAIL_CHANGE_REQUESTED, user.id(), auth.sessionId(), client.address(),
                Map.of());
    }

    /** {@code POST /email/change/confirm}: uses up the token and swaps the address atomically. */
    User confirmEmailChange(String token, ClientContext client) {
        String checked = EmailFlows.requireToken(token);
        OneTimeToken used = tokens.consumeOneTimeToken(TokenHash.of(checked), TokenPurpose.EMAIL_CHANGE,
                clock.instant()).orElseThrow(EmailFlows::invalidGrant);
        UserRecord before = Optional.ofNullable(used.user()).flatMap(users::findById)
                .orElseThrow(EmailFlows::invalidGrant);
        if (used.payload() == null) {
            throw EmailFlows.invalidGrant();
        }
        // Throws email_taken (409) when someone else took the address meanwhile; then nothing changed.
        UserRecord after = users.changeEmail(before.id(), used.payload()).orElseThrow(EmailFlows::invalidGrant);
        // Links mailed to the old address prove nothing about the account any more.
        tokens.deleteOneTimeTokens(before.id(), TokenPurpose.RESET_PASSWORD);
        tokens.deleteOneTimeTokens(before.id(), TokenPurpose.CONFIRM_EMAIL);
        tokens.deleteOneTimeTokens(before.id(), TokenPurpose.EMAIL_CHANGE);
        security.emit(SecurityEvent.Type.EMAIL_CHANGED, before.id(), null, client.address(), Map.of());
        if (before.email() != null) {
            accounts.notices().notifyAt(before.email(), after, "email_changed", after.email(), client);
        }
        return User.of(after);
    }

    /** {@code DELETE /identities/{provider}}. */
    void unlinkIdentity(Authentication auth, String provider, String password, ClientContext client) {
        UserRecord user = accounts.current(auth);
        // The caller's own identities are no secret (GET /me lists them), so this may answer before the password.
        if (provider == null || user.identities().stream().noneMatch(i -> i.provider().equals(provider))) {
            throw notFound();
        }
        accounts.reauthenticate(user, auth, password, client);
        IdentityRemoval outcome = users.unlinkIdentity(user.id(), provider, LoginMethods.withoutProvider(provider, users));
        switch (outcome) {
            case NOT_LINKED -> throw notFound();
            case REFUSED -> throw new AccessPassException(ErrorCode.LAST_LOGIN_METHOD,
                    "This is the account's last way to log in; set a password or link another login first.");
            case REMOVED -> {
                security.emit(SecurityEvent.Type.OAUTH_UNLINKED, user.id(), auth.sessionId(), client.address(),
                        Map.of("provider", provider));
                accounts.notices().notify(user, "identity_unlinked", provider, client);
            }
        }
    }

    static AccessPassException notFound() {
        return new AccessPassException(ErrorCode.NOT_FOUND, "There is no such item in this account.");
    }
}
