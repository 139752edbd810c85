package dev.accesspass;

import dev.accesspass.mail.MailTemplates;
import dev.accesspass.mail.Mailer;
import dev.accesspass.mail.SentMail;
import dev.accesspass.metrics.AuthMetrics;
import dev.accesspass.oauth.OAuthCallback;
import dev.accesspass.oauth.OAuthOutcome;
import dev.accesspass.oauth.OAuthStart;
import dev.accesspass.oauth.OAuthUserResolver;
import dev.accesspass.oauth.internal.ProviderClient;
import dev.accesspass.password.HashingPool;
import dev.accesspass.password.PasswordHasher;
import dev.accesspass.store.LiveSession;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AccessPass instance: configuration, stores, hooks and the account and token services, built once.
 *
 * <p>This is the whole Java API. The servlet filter is a thin HTTP adapter over the route methods
 * ({@link #register}, {@link #login}, {@link #refresh}, …); applications and hooks use the same object to find
 * users, grant or revoke roles (effective on the next request), open a session for a user authenticated by other
 * means, revoke sessions and delete users. Thread-safe. {@link #close()} stops the background purge and closes the
 * stores and the hashing pool.
 */
public final class AccessPass implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AccessPass.class);

    private final Assembly parts;
    private final ServiceContext context;
    private final Sessions sessions;
    private final Accounts accounts;
    private final OAuthLogins oauth;
    private final EmailFlows emailFlows;
    private final PasswordFlows passwordFlows;
    private final Introspection introspection;
    private final AccountChanges changes;
    private final SecondFactors secondFactors;
    private final Passkeys passkeys;

    private AccessPass(Assembly parts) {
        this.parts = parts;
        this.context = parts.context;
        this.sessions = parts.sessions;
        this.accounts = parts.accounts;
        this.oauth = parts.oauth;
        this.emailFlows = parts.email;
        this.passwordFlows = parts.passwords;
        this.introspection = parts.introspection;
        this.changes = parts.changes;
        this.secondFactors = parts.secondFactors;
        this.passkeys = parts.passkeys;
    }

    /** Starts building an instance with this configuration. */
    public static Builder builder(AccessPassConfig config) {
        return new Builder(config);
    }

    public AccessPassConfig config() {
        return context.config();
    }

    public Clock clock() {
        return context.clock();
    }

    // ---- routes (the filter's HTTP adapter calls these) ----

    /**
     * Registers a user (API.md {@code POST /register}).
     *
     * @return tokens, or an empty optional when {@code require-confirmed-email} is on
     * @throws AccessPassException {@code validation_failed}, {@code username_taken}, {@code email_taken},
     *                             {@code server_busy}, {@code store_unavailable}
     */
    public Optional<TokenResponse> register(String username, String email, String password,
                                            String passwordConfirmation, String clientAddress) {
        return register(username, email, password, passwordConfirmation, clientAddress, null);
    }

    /**
     * Registers a user and queues the confirmation email, whether or not {@code require-confirmed-email} is on.
     *
     * @param requestOrigin {@code scheme://host:port} plus context path of the request; used for the link only by
     *                      the dev {@code log} mailer and only when {@code base-url} is unset; may be {@code null}
     * @return tokens, or an empty optional when {@code require-confirmed-email} is on
     */
    public Optional<TokenResponse> register(String username, String email, String password,
                                            String passwordConfirmation, String clientAddress, String requestOrigin) {
        return register(username, email, password, passwordConfirmation, ClientContext.of(clientAddress),
                requestOrigin);
    }

    /**
     * Registers a user as {@link #register(String, String, String, String, String, String)} does, for a client known
     * by more than its address (the filter's path: the first session keeps the client's details).
     */
    public Optional<TokenResponse> register(String username, String email, String password,
                                            String passwordConfirmation, ClientContext client, String requestOrigin) {
        String clientAddress = client.address();
        Accounts.Registered registered =
                accounts.register(username, email, password, passwordConfirmation, client);
        if (registered.emailOwner().isPresent()) {
            emailFlows.registrationAttempted(registered.emailOwner().get(), clientAddress);
        } else {
            emailFlows.registered(registered.user(), clientAddress, requestOrigin);
        }
        return registered.tokens();
    }

    /**
     * Logs in by username or email ({@code POST /login}).
     *
     * @throws AccessPassException {@code invalid_credentials}, {@code too_many_attempts},
     *                             {@code email_not_confirmed}, {@code server_busy}, {@code store_unavailable}
     */
    public TokenResponse login(String usernameOrEmail, String password, String clientAddress) {
        return login(usernameOrEmail, password, ClientContext.of(clientAddress));
    }

    /** Logs in as {@link #login(String, String, String)} does, for a client known by more than its address. */
    public TokenResponse login(String usernameOrEmail, String password, ClientContext client) {
        return accounts.login(usernameOrEmail, password, client);
    }

    /**
     * After a successful login from a browser: the value for the device cookie ({@value KnownDevices#COOKIE},
     * HttpOnly, Secure, SameSite=Strict, Path=/, one year) that names this browser as known to {@code user}, so that
     * failures from elsewhere do not lock it out (API.md §12). Keeps the tokens the browser holds for up to four
     * other users; only digests are stored, in the token store.
     */
    public String rememberDevice(UserId user, ClientContext client) {
        return accounts.devices().remember(Objects.requireNonNull(user, "user"), client);
    }

    /** The name of the device cookie. */
    public static String deviceCookieName() {
        return KnownDevices.COOKIE;
    }

    /** How long a device cookie lives. */
    public static Duration deviceCookieLifetime() {
        return KnownDevices.LIFETIME;
    }

    /** Rotates a refresh token ({@code POST /refresh}); throws {@code invalid_grant} for any bad token. */
    public TokenResponse refresh(String refreshToken) {
        if (refreshToken == null || refreshToken.isEmpty()) {
            throw AccessPassException.validation(new FieldErrors().add("refresh_token", "is required"));
        }
        return sessions.refresh(refreshToken);
    }

    /**
     * Checks an access token. Empty for unknown, expired or revoked tokens, for tokens of deleted users, and for any
     * string that is not of our token shape (which never reaches the store); roles are read fresh on every call.
     */
    public Optional<Authentication> authenticate(String accessToken) {
        return accessToken == null ? Optional.empty() : sessions.authenticate(accessToken);
    }

    /** Revokes the session of this authentication ({@code POST /logout}). */
    public void logout(Authentication auth) {
        sessions.logout(auth);
    }

    /** Revokes every session of the authenticated user ({@code POST /logout-all}). */
    public void logoutAll(Authentication auth) {
        sessions.logoutAll(auth);
    }

    // ---- gateways and other services (API.md §11) ----

    /**
     * Checks the credentials of an {@code /introspect} client against {@code introspection-clients}, in constant
     * time. Failures are counted per client address like failed logins.
     *
     * @param clientId     the client id, already decoded (RFC 6749 §2.3.1); {@code null} when none was sent
     * @param clientSecret the client secret, likewise
     * @return the client's id
     * @throws AccessPassException {@code not_found} when {@code introspection-clients} is unset,
     *                             {@code invalid_client}, {@code too_many_attempts}, {@code store_unavailable}
     */
    public String authenticateIntrospectionClient(String clientId, String clientSecret, String clientAddress) {
        return introspection.authenticateClient(clientId, clientSecret, clientAddress);
    }

    /**
     * Introspects a token (RFC 7662) for a caller that is already trusted, e.g. after
     * {@link #authenticateIntrospectionClient}: the view of a live access token, empty for anything else (refresh
     * tokens, unknown, expired or revoked ones, strings not of our shape). Reads only: never extends or touches it.
     */
    public Optional<TokenIntrospection> introspect(String token) {
        return introspection.introspect(token);
    }

    /** What gateways see of a token already checked, e.g. by {@link #authenticate} ({@code /verify}'s headers). */
    public TokenIntrospection introspection(Authentication auth) {
        return introspection.view(auth);
    }

    /**
     * Revokes a token (RFC 7009 {@code POST /revoke}): a live access or refresh token ends its session, so both of
     * its tokens stop working on every instance, as with a logout; anything else changes nothing.
     *
     * @param tokenTypeHint {@code access_token} or {@code refresh_token} to look that kind up first; anything else,
     *                      or {@code null}, is ignored
     * @return whether a session ended (the HTTP answer is the same either way)
     */
    public boolean revokeToken(String token, String tokenTypeHint) {
        return sessions.revokeByToken(token, tokenTypeHint);
    }

    /**
     * Ends every session of the authenticated user but this one ({@code POST /logout-others}).
     *
     * @return how many sessions ended
     */
    public int logoutOthers(Authentication auth) {
        return sessions.logoutOthers(auth);
    }

    /**
     * The user's live sessions, newest first ({@code GET /sessions}; also for admin screens an application builds):
     * when and how each was opened, from which address and browser, when it was last refreshed. No tokens.
     */
    public List<LiveSession> sessions(UserId user) {
        return sessions.list(user);
    }

    /**
     * Ends one session of {@code owner} ({@code DELETE /sessions/{id}}): its access and refresh token stop working
     * at once. An id of another user's session is treated exactly like an unknown one.
     *
     * @return whether it was a live session of {@code owner}
     */
    public boolean revokeSession(UserId owner, SessionId session) {
        return sessions.revokeOwned(owner, session, null);
    }

    /** {@code DELETE /sessions/{id}} for the signed-in user: 404 {@code not_found} unless it is one of theirs. */
    public void endSession(Authentication auth, SessionId session) {
        if (!sessions.revokeOwned(auth.user().id(), session, auth.sessionId())) {
            throw AccountChanges.notFound();
        }
    }

    /**
     * Starts an email change ({@code POST /email/change}): checks the password (a user without one needs a login
     * within {@code reauth-max-age}), then mails a single-use link to {@code newEmail} and a notice to the current
     * address. Nothing changes until the link is used.
     *
     * @throws AccessPassException {@code validation_failed}, {@code invalid_credentials}, {@code too_many_attempts},
     *                             {@code step_up_required}, {@code email_taken}
     */
    public void requestEmailChange(Authentication auth, String password, String newEmail, ClientContext client,
                                   String requestOrigin) {
        changes.requestEmailChange(auth, password, newEmail, client, requestOrigin);
    }

    /**
     * Applies an email change with the token of its link ({@code POST /email/change/confirm}): the new address,
     * confirmed; the old one no longer logs in, and reset and confirmation links sent to it die.
     *
     * @throws AccessPassException {@code invalid_grant} for a bad, used or expired token; {@code email_taken} when
     *                             the address was taken meanwhile (nothing changes then)
     */
    public User confirmEmailChange(String token, ClientContext client) {
        return changes.confirmEmailChange(token, client);
    }

    /**
     * Removes the identity of {@code provider} from the signed-in user ({@code DELETE /identities/{provider}}).
     *
     * @throws AccessPassException {@code not_found}, {@code last_login_method}, {@code validation_failed},
     *                             {@code invalid_credentials}, {@code too_many_attempts}, {@code step_up_required}
     */
    public void unlinkIdentity(Authentication auth, String provider, String password, ClientContext client) {
        changes.unlinkIdentity(auth, provider, password, client);
    }

    /** What {@code POST /mfa/totp/setup} answers: the base32 secret and its {@code otpauth://} URI. */
    public record TotpSetup(String secret, String otpauthUri) {
        @Override
        public String toString() {
            return "TotpSetup[****]";
        }
    }

    /**
     * Starts a TOTP setup ({@code POST /mfa/totp/setup}): a new secret, pending until {@link #confirmTotp}; a new
     * setup replaces a pending one. Needs the password, or for a user without one an {@code auth_time} within
     * {@code reauth-max-age}.
     *
     * @throws AccessPassException {@code already_enabled}, {@code validation_failed}, {@code invalid_credentials},
     *                             {@code too_many_attempts}, {@code step_up_required}
     */
    public TotpSetup setupTotp(Authentication auth, String password, ClientContext client) {
        SecondFactors.Setup setup = secondFactors.setup(auth, password, client);
        return new TotpSetup(setup.secret(), setup.otpauthUri());
    }

    /**
     * Turns TOTP on with a code of the pending secret ({@code POST /mfa/totp/confirm}); returns the ten recovery
     * codes, which are shown this once.
     *
     * @throws AccessPassException {@code invalid_code}, {@code already_enabled}, {@code validation_failed},
     *                             {@code too_many_attempts}
     */
    public List<String> confirmTotp(Authentication auth, String code, ClientContext client) {
        return secondFactors.confirm(auth, code, client);
    }

    /**
     * Turns TOTP off and removes the recovery codes ({@code DELETE /mfa/totp}): with the password, or a current code
     * for a user without one.
     *
     * @throws AccessPassException {@code not_found}, {@code validation_failed}, {@code invalid_credentials},
     *                             {@code invalid_code}, {@code too_many_attempts}
     */
    public void disableTotp(Authentication auth, String password, String code, ClientContext client) {
        secondFactors.disable(auth, password, code, client);
    }

    /** Ten new recovery codes after a current TOTP code ({@code POST /mfa/recovery-codes}); the old ones die. */
    public List<String> regenerateRecoveryCodes(Authentication auth, String code, ClientContext client) {
        return secondFactors.regenerate(auth, code, client);
    }

    /**
     * The second step of a login ({@code POST /mfa/verify}): the {@code mfa_token} of the 403 {@code mfa_required}
     * and either a TOTP code or a recovery code.
     *
     * @throws AccessPassException {@code invalid_grant} (token used, expired or dead), {@code invalid_code},
     *                             {@code validation_failed}, {@code too_many_attempts}
     */
    public TokenResponse verifyMfa(String mfaToken, String code, String recoveryCode, ClientContext client) {
        return secondFactors.verify(mfaToken, code, recoveryCode, client);
    }

    /** What {@code POST /reauth} answers: the session's raised {@code auth_time}, its {@code amr} and {@code aal}. */
    public record Reauthenticated(Instant authTime, List<String> amr, int aal) {
    }

    /**
     * Re-authenticates in the current session ({@code POST /reauth}) with the password or a TOTP code: the session's
     * {@code auth_time} is raised (and its {@code aal} to 2 with a code); its tokens stay. Counted like a login.
     *
     * @throws AccessPassException {@code validation_failed}, {@code invalid_credentials}, {@code invalid_code},
     *                             {@code too_many_attempts}
     */
    public Reauthenticated reauthenticate(Authentication auth, String password, String code, ClientContext client) {
        SecondFactors.Reauthenticated done = secondFactors.reauthenticate(auth, password, code, client);
        return new Reauthenticated(done.authTime(), done.amr(), done.aal());
    }

    // ---- passkeys (API.md §10) ----------------------------------------------------------------------------------

    /**
     * A passkey ceremony's id (send it back with the credential) and its WebAuthn options
     * ({@code PublicKeyCredentialCreationOptionsJSON} or {@code PublicKeyCredentialRequestOptionsJSON}), as a tree of
     * maps, lists, strings, numbers and booleans ready to be written as JSON.
     */
    public record PasskeyOptions(String ceremony, Map<String, Object> publicKey) {
    }

    /** A passkey as its owner sees it; {@code id} is the credential id (base64url). */
    public record Passkey(String id, String name, Instant createdAt, Instant lastUsedAt) {
        static Passkey of(dev.accesspass.store.PasskeyCredential credential) {
            return new Passkey(credential.id(), credential.name(), credential.createdAt(), credential.lastUsedAt());
        }
    }

    /** Whether passkeys are on: {@code webauthn-rp-id} and {@code webauthn-origins}, given or from {@code base-url}. */
    public boolean passkeysEnabled() {
        return passkeys.enabled();
    }

    /**
     * Starts adding a passkey ({@code POST /passkeys/register/options}).
     *
     * @throws AccessPassException {@code not_found} when passkeys are off
     */
    public PasskeyOptions passkeyRegistrationOptions(Authentication auth) {
        Passkeys.Options options = passkeys.registrationOptions(auth);
        return new PasskeyOptions(options.ceremony(), options.publicKey());
    }

    /**
     * Finishes adding a passkey ({@code POST /passkeys/register}) with the browser's {@code RegistrationResponseJSON}.
     *
     * @param name the user's name for it, or null for "Passkey" and the date
     * @throws AccessPassException {@code validation_failed} when the credential is refused or already registered
     */
    public Passkey registerPasskey(Authentication auth, String ceremony, String credentialJson, String name,
                                   ClientContext client) {
        return Passkey.of(passkeys.register(auth, ceremony, credentialJson, name, client));
    }

    /**
     * Login options ({@code POST /passkeys/login/options}): usernameless with a null {@code mfaToken}, else the
     * second-factor options of that token's user (the token is not used up).
     *
     * @throws AccessPassException {@code invalid_grant} for a dead {@code mfa_token}, {@code too_many_attempts}
     */
    public PasskeyOptions passkeyLoginOptions(String mfaToken, ClientContext client) {
        Passkeys.Options options = passkeys.loginOptions(mfaToken, client);
        return new PasskeyOptions(options.ceremony(), options.publicKey());
    }

    /**
     * Logs in with a passkey ({@code POST /passkeys/login}): session {@code method} {@code passkey}, {@code aal} 2.
     *
     * @throws AccessPassException {@code invalid_credentials} for any refused assertion
     */
    public TokenResponse loginWithPasskey(String ceremony, String credentialJson, ClientContext client) {
        return passkeys.login(ceremony, credentialJson, client);
    }

    /**
     * The second step of a login with a passkey ({@code POST /mfa/verify} with {@code ceremony} and
     * {@code credential}); the ceremony must come from {@link #passkeyLoginOptions} with the same {@code mfaToken}.
     *
     * @throws AccessPassException {@code invalid_grant}, {@code invalid_code}, {@code too_many_attempts}
     */
    public TokenResponse verifyMfaWithPasskey(String mfaToken, String ceremony, String credentialJson,
                                              ClientContext client) {
        return passkeys.verifyMfa(mfaToken, ceremony, credentialJson, client);
    }

    /** Re-authentication options ({@code POST /passkeys/reauth/options}): the caller's passkeys, this session. */
    public PasskeyOptions passkeyReauthOptions(Authentication auth, ClientContext client) {
        Passkeys.Options options = passkeys.reauthOptions(auth, client);
        return new PasskeyOptions(options.ceremony(), options.publicKey());
    }

    /**
     * Re-authenticates with a passkey ({@code POST /reauth} with {@code ceremony} and {@code credential}): raises
     * the session's {@code auth_time} and its {@code aal} to 2.
     *
     * @throws AccessPassException {@code invalid_credentials}, {@code too_many_attempts}
     */
    public Reauthenticated reauthenticateWithPasskey(Authentication auth, String ceremony, String credentialJson,
                                                     ClientContext client) {
        SecondFactors.Reauthenticated done = passkeys.reauthenticate(auth, ceremony, credentialJson, client);
        return new Reauthenticated(done.authTime(), done.amr(), done.aal());
    }

    /** The caller's passkeys, oldest first ({@code GET /passkeys}). */
    public List<Passkey> passkeys(Authentication auth) {
        return passkeys.list(auth).stream().map(Passkey::of).toList();
    }

    /** Renames one of the caller's passkeys ({@code PATCH /passkeys/{id}}); {@code not_found} for any other id. */
    public Passkey renamePasskey(Authentication auth, String id, String name) {
        return Passkey.of(passkeys.rename(auth, id, name));
    }

    /**
     * Removes one of the caller's passkeys ({@code DELETE /passkeys/{id}}).
     *
     * @throws AccessPassException {@code not_found} (not the caller's), {@code last_login_method}
     */
    public void removePasskey(Authentication auth, String id, ClientContext client) {
        passkeys.remove(auth, id, client);
    }

    /** Deletes the authenticated user's account ({@code DELETE /account}); needs the password if it has one. */
    public void deleteAccount(Authentication auth, String password, String clientAddress) {
        accounts.deleteAccount(auth, password, clientAddress);
    }

    /**
     * Starts an OAuth login ({@code GET /oauth/{provider}}): a single-use state with PKCE, kept in the token store
     * for 10 minutes.
     *
     * @throws AccessPassException {@code unknown_provider}, {@code store_unavailable}
     */
    public OAuthStart startOAuth(String provider) {
        return oauth.start(provider, null, null);
    }

    /**
     * Starts an OAuth login as {@link #startOAuth(String)} does, for a client, carrying {@code flow} to the outcome.
     *
     * @param flow          16 to 64 characters of letters, digits, {@code -} and {@code _}, chosen by the page, that
     *                      come back in the {@code oauth-success-url} fragment, so the page can check that what
     *                      arrives belongs to the flow it started; or {@code null}
     * @param clientAddress the client's address, which may start 30 logins per 10 minutes (each start stores a state
     *                      record); or {@code null} for no limit
     * @throws AccessPassException {@code unknown_provider}, {@code validation_failed} for a bad {@code flow},
     *                             {@code too_many_attempts} (with a retry delay), {@code store_unavailable}
     */
    public OAuthStart startOAuth(String provider, String flow, String clientAddress) {
        return oauth.start(provider, flow, clientAddress);
    }

    /**
     * Starts linking {@code provider}'s identity to the user of {@code accessToken}
     * ({@code POST /identities/{provider}/link}); the callback links only while that access token's session is live
     * and the browser presents the binding cookie.
     *
     * @param flow          as in {@link #startOAuth(String, String, String)}, or {@code null}
     * @param clientAddress as in {@link #startOAuth(String, String, String)}
     * @throws AccessPassException {@code unknown_provider}, {@code invalid_token}, {@code validation_failed},
     *                             {@code too_many_attempts}, {@code store_unavailable}
     */
    public OAuthStart startOAuthLink(String provider, String accessToken, String flow, String clientAddress) {
        return oauth.startLink(provider, accessToken, flow, clientAddress);
    }

    /**
     * Finishes an OAuth login ({@code GET /oauth/{provider}/callback}): checks state, browser binding and provider,
     * exchanges the code, finds or makes the user (see {@link OAuthUserResolver}) and opens a session whose meta is
     * the provider's profile.
     *
     * <p>A callback of a link started with {@link #startOAuthLink} links the identity instead and opens no session.
     *
     * @throws AccessPassException {@code oauth_failed} (nothing was created), {@code unknown_provider},
     *                             {@code email_not_confirmed}, {@code account_exists} (the verified email belongs to
     *                             an account with a password: log in and link), {@code identity_taken} (a link of an
     *                             identity another user has), {@code store_unavailable}
     */
    public OAuthOutcome completeOAuth(OAuthCallback callback) {
        return oauth.complete(callback);
    }

    /** For core's tests: the OAuth service, to drive resolution without a provider. */
    OAuthLogins oauthLogins() {
        return oauth;
    }

    // ---- email flows (docs/EMAIL.md) ----

    /**
     * Confirms an email address with the token from the confirmation link ({@code /confirm}). Single use.
     *
     * @return the user, now confirmed
     * @throws AccessPassException {@code validation_failed} when the token is missing; {@code invalid_grant} for an
     *                             unknown, expired, used, malformed or wrong-purpose token
     */
    public User confirmEmail(String token) {
        return emailFlows.confirmEmail(token);
    }

    /**
     * Queues a new confirmation email for an unconfirmed account ({@code /confirm/resend}). Returns at once and
     * behaves the same whether or not the account exists; nothing is sent for unknown or confirmed accounts or over
     * the caps.
     *
     * @param requestOrigin see {@link #register(String, String, String, String, String, String)}
     * @throws AccessPassException {@code validation_failed} when {@code email} is missing or not an address
     */
    public void resendConfirmation(String email, String clientAddress, String requestOrigin) {
        emailFlows.resendConfirmation(email, clientAddress, requestOrigin);
    }

    /**
     * Queues a password-reset email ({@code /password/forgot}); the same for known and unknown accounts. A new
     * request makes the user's earlier reset links stop working.
     *
     * @param usernameOrEmail a username, or an email when it contains {@code @}
     * @throws AccessPassException {@code validation_failed} when it is missing
     */
    public void forgotPassword(String usernameOrEmail, String clientAddress, String requestOrigin) {
        emailFlows.forgotPassword(usernameOrEmail, clientAddress, requestOrigin);
    }

    /**
     * Sets a new password with the token of a reset link ({@code /password/reset}). The password is checked before
     * the token is used up, so a refused password leaves the token working. On success every session of the user is
     * revoked, other reset tokens die, the failed-login counter is cleared and a notice is mailed.
     *
     * @throws AccessPassException {@code validation_failed}, {@code invalid_grant}, {@code server_busy}
     */
    public void resetPassword(String token, String password, String passwordConfirmation, String clientAddress) {
        resetPassword(token, password, passwordConfirmation, ClientContext.of(clientAddress));
    }

    /** {@link #resetPassword(String, String, String, String)} with the whole client, for the notice it mails. */
    public void resetPassword(String token, String password, String passwordConfirmation, ClientContext client) {
        passwordFlows.reset(token, password, passwordConfirmation, client);
    }

    /**
     * Changes the password of a signed-in user ({@code /password/change}). Keeps the calling session, revokes every
     * other one and every outstanding reset token, and mails a notice.
     *
     * @throws AccessPassException {@code validation_failed}; {@code invalid_credentials} for a wrong current password
     *                             (counted by the login throttle); {@code too_many_attempts}; {@code server_busy}
     */
    public void changePassword(Authentication auth, String currentPassword, String password,
                               String passwordConfirmation, String clientAddress) {
        changePassword(auth, currentPassword, password, passwordConfirmation, ClientContext.of(clientAddress));
    }

    /** {@link #changePassword(Authentication, String, String, String, String)} with the whole client. */
    public void changePassword(Authentication auth, String currentPassword, String password,
                               String passwordConfirmation, ClientContext client) {
        passwordFlows.change(auth, currentPassword, password, passwordConfirmation, client);
    }

    /**
     * Queues an email with the username of the account with this address ({@code /username/forgot}); the same for
     * known and unknown addresses.
     *
     * @throws AccessPassException {@code validation_failed} when {@code email} is missing or not an address
     */
    public void forgotUsername(String email, String clientAddress) {
        emailFlows.forgotUsername(email, clientAddress);
    }

    /**
     * The messages the mailer kept, oldest first: present only with the dev {@code log} mailer (the example app's
     * {@code /dev/outbox}).
     */
    public Optional<List<SentMail>> outbox() {
        return emailFlows.queue().mailer().outbox();
    }

    // ---- the application API ----

    public Optional<User> findUser(UserId id) {
        return context.users().findById(id).map(User::of);
    }

    /** By username or, if it contains {@code @}, by email; regardless of case. */
    public Optional<User> findUser(String usernameOrEmail) {
        return accounts.find(usernameOrEmail).map(User::of);
    }

    /** Grants a role; it applies to the user's next request. Returns the updated user. */
    public Optional<User> grantRole(UserId id, String role) {
        return accounts.changeRoles(id, Set.of(role), Set.of());
    }

    /** Revokes a role; it applies to the user's next request. Returns the updated user. */
    public Optional<User> revokeRole(UserId id, String role) {
        return accounts.changeRoles(id, Set.of(), Set.of(role));
    }

    /**
     * Opens a session for a user your application authenticated by other means (a passkey, an SSO), and returns
     * its tokens exactly as a login would.
     *
     * @param meta flat data kept with the session and returned by token checks
     */
    public TokenResponse openSession(UserId id, Map<String, String> meta) {
        UserRecord user = context.users().findById(id)
                .orElseThrow(() -> new IllegalArgumentException("no user with id " + id));
        return accounts.openSession(user, meta, "api", ClientContext.none());
    }

    /** Revokes one session. */
    public boolean revokeSession(SessionId session) {
        return sessions.revoke(session);
    }

    /** Revokes every session of a user; returns how many. */
    public int revokeSessions(UserId id) {
        return sessions.revokeAllAnnounced(id, null);
    }

    /** Deletes a user with every session, one-time token and linked identity. */
    public boolean deleteUser(UserId id) {
        return context.users().findById(id).map(accounts::deleteUser).orElse(false);
    }

    /** The token store in use, for tests and tools; applications should not need it. */
    public TokenStore tokenStore() {
        return context.tokens();
    }

    /** The user store in use. */
    public UserStore userStore() {
        return context.users();
    }

    /** Emails queued or waiting for a retry, not yet handed to the mailer: for health checks. */
    public int pendingMails() {
        return parts.mailQueue.pending();
    }

    /** Stops the purge thread, drains the mail queue, and closes what this instance opened. */
    @Override
    public void close() {
        parts.close();
    }

    /** Builds an {@link AccessPass}. Not thread-safe. */
    public static final class Builder {
        // Read by Assembly, which puts the instance together.
        final AccessPassConfig config;
        Clock clock = Clock.systemUTC();
        AuthHooks hooks;
        TokenStore tokenStore;
        UserStore userStore;
        PasswordHasher hasher;
        HashingPool pool;
        OAuthUserResolver oauthUserResolver = OAuthUserResolver.standard();
        Duration oauthTimeout = ProviderClient.DEFAULT_TIMEOUT;
        Mailer mailer;
        MailTemplates templates;
        AuthMetrics metrics = AuthMetrics.NOOP;

        private Builder(AccessPassConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** The time source of every expiry decision (SR-69); tests pass a clock they can move. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Hooks given in code win over the {@code hooks} setting and over ServiceLoader. */
        public Builder hooks(AuthHooks hooks) {
            this.hooks = Objects.requireNonNull(hooks, "hooks");
            return this;
        }

        /** Stores given in code win over the {@code store} setting. The caller keeps ownership of them. */
        public Builder stores(TokenStore tokenStore, UserStore userStore) {
            this.tokenStore = Objects.requireNonNull(tokenStore, "tokenStore");
            this.userStore = Objects.requireNonNull(userStore, "userStore");
            return this;
        }

        /** A password hasher other than Argon2id at OWASP parameters (e.g. stronger parameters). */
        public Builder passwordHasher(PasswordHasher hasher) {
            this.hasher = Objects.requireNonNull(hasher, "hasher");
            return this;
        }

        /** A hashing pool other than one thread per core with a queue of 64. The caller keeps ownership. */
        public Builder hashingPool(HashingPool pool) {
            this.pool = Objects.requireNonNull(pool, "pool");
            return this;
        }

        /** Who a new OAuth identity belongs to; {@link OAuthUserResolver#standard()} unless set. */
        public Builder oauthUserResolver(OAuthUserResolver resolver) {
            this.oauthUserResolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /** Connect and read timeout of each call to an OAuth provider; 5 seconds unless set. */
        public Builder oauthTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("oauthTimeout: must be positive");
            }
            this.oauthTimeout = timeout;
            return this;
        }

        /**
         * A mailer other than the one the {@code mailer} setting names. The caller keeps ownership. Links then always
         * come from {@code base-url}, which becomes required.
         */
        public Builder mailer(Mailer mailer) {
            this.mailer = Objects.requireNonNull(mailer, "mailer");
            return this;
        }

        /** Email texts other than the built-in ones; hooks may still decorate them ({@link AuthHooks#mailTemplates}). */
        public Builder mailTemplates(MailTemplates templates) {
            this.templates = Objects.requireNonNull(templates, "templates");
            return this;
        }

        /** Where counters and timers go (e.g. {@code accesspass-micrometer}); {@link AuthMetrics#NOOP} unless set. */
        public Builder metrics(AuthMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * Opens the stores and builds the instance.
         *
         * @throws IllegalArgumentException naming the setting at fault
         */
        public AccessPass build() {
            AccessPass accessPass = new AccessPass(Assembly.of(this));
            AuthHooks chosen = accessPass.parts.hooks;
            try {
                chosen.attach(accessPass);
            } catch (RuntimeException e) {
                accessPass.close();
                throw new IllegalArgumentException("hooks: " + chosen.getClass().getName() + ".attach failed: "
                        + e.getMessage(), e);
            }
            LOG.info("AccessPass started: {}", config.describe());
            return accessPass;
        }
    }
}
