package dev.accesspass;

import dev.accesspass.event.OAuthLoginEvent;
import dev.accesspass.event.SecurityEvent;
import dev.accesspass.oauth.OAuthCallback;
import dev.accesspass.oauth.OAuthOutcome;
import dev.accesspass.oauth.OAuthProfile;
import dev.accesspass.oauth.OAuthResolution;
import dev.accesspass.oauth.OAuthStart;
import dev.accesspass.oauth.OAuthUserResolver;
import dev.accesspass.oauth.internal.ProviderClient;
import dev.accesspass.store.DuplicateUserException;
import dev.accesspass.store.Identity;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.OneTimeToken;
import dev.accesspass.store.SessionGrant;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenPurpose;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OAuth social login (API.md {@code /oauth/{provider}} and its callback): start, callback checks, user resolution.
 *
 * <p>Notes for maintainers. No HttpSession: everything the callback needs (provider, PKCE verifier, nonce, digest
 * of the browser-binding value) is one {@link TokenPurpose#OAUTH_STATE} one-time token keyed by the digest of
 * {@code state}, so any instance behind a load balancer can finish the login. The callback consumes that record
 * atomically before anything else, so a state works once (SR-42); every check that fails afterwards fails closed
 * with 400 {@code oauth_failed} before the provider is called. Secrets are compared with
 * {@link MessageDigest#isEqual} (SR-03). The provider's own error text never reaches the response or the log
 * (SR-50, SR-66). Resolution decides before it writes, and a user created for a login that then fails is removed
 * again, so no failure leaves a user or a session behind.
 *
 * <p>Thread-safe.
 */
final class OAuthLogins implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OAuthLogins.class);
    /** How long a started login may take at the provider. */
    static final Duration STATE_TTL = Duration.ofMinutes(10);
    /**
     * OAuth starts one client address may make per {@link #STATE_TTL} (SR-73). Each start stores a state record of
     * about 300 bytes for {@code STATE_TTL}, so this bounds what one address can keep stored to twice this many
     * records (a window boundary) instead of thousands a second; a person clicking "log in with …" needs a handful.
     */
    static final int STARTS_PER_ADDRESS = 30;
    private static final int MAX_CODE_LENGTH = 2048;
    private static final String FAILED = "The OAuth login failed. Please start it again.";
    /** A page's flow value: goes into a space-separated record and a URL fragment, so a plain token alphabet. */
    private static final Pattern FLOW = Pattern.compile("[A-Za-z0-9_-]{16,64}");

    private final Map<String, ProviderClient> clients;
    private final AccessPassConfig config;
    private final TokenStore tokens;
    private final UserStore users;
    private final Accounts accounts;
    private final Sessions sessions;
    private final Clock clock;
    private final HookRunner hooks;
    private final SecurityLog security;
    private final Rules rules;
    private final OAuthUserResolver resolver;

    OAuthLogins(ServiceContext context, Map<String, ProviderClient> clients, Accounts accounts, Sessions sessions,
                OAuthUserResolver resolver) {
        this.clients = Map.copyOf(clients);
        this.config = context.config();
        this.tokens = context.tokens();
        this.users = context.users();
        this.accounts = accounts;
        this.sessions = sessions;
        this.clock = context.clock();
        this.hooks = context.hooks();
        this.security = context.security();
        this.rules = context.rules();
        this.resolver = resolver;
    }

    /**
     * Builds the clients of the configured providers; called before any store is opened, so a bad OAuth setting
     * fails {@code init} without leaking anything.
     *
     * @throws IllegalArgumentException naming the key at fault ({@code base-url}, {@code oauth.<p>.…})
     */
    static Map<String, ProviderClient> clients(AccessPassConfig config, Duration timeout) {
        if (!config.oauthProviders().isEmpty() && config.baseUrl().isEmpty()) {
            // The redirect URI must never come from the request's Host header (SR-44).
            throw new IllegalArgumentException("base-url: required when an OAuth provider is configured ("
                    + String.join(", ", config.oauthProviders().keySet()) + "); the redirect URI is built from it");
        }
        Map<String, ProviderClient> built = new LinkedHashMap<>();
        config.oauthProviders().forEach((name, provider) ->
                built.put(name, ProviderClient.create(provider, redirectUri(config, name), timeout)));
        return built;
    }

    /** {@code <base-url><prefix>/oauth/<name>/callback}: the exact URI to register with the provider. */
    static String redirectUri(AccessPassConfig config, String provider) {
        String base = config.baseUrl().orElseThrow().toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + config.prefix() + "/oauth/" + provider + "/callback";
    }

    /**
     * Starts a login; {@code flow}, when given, comes back with the outcome (in the success URL's fragment) so the
     * page that started the flow can tell its own answer from a crafted link. With a {@code clientAddress}, the
     * start counts against that address's limit, since each start stores a state record.
     */
    OAuthStart start(String provider, String flow, String clientAddress) {
        return begin(provider, flow, "login", "-", "-", clientAddress);
    }

    /**
     * Starts linking a provider identity to the user of {@code accessToken} ({@code POST /identities/{p}/link}). The
     * state is bound to the browser (the cookie, as for a login) and to this session: the callback links only while
     * the access token that started it is still live, so a logout or revocation in between ends the attempt.
     *
     * @throws AccessPassException {@code invalid_token} when the token is not live
     */
    OAuthStart startLink(String provider, String accessToken, String flow, String clientAddress) {
        client(provider);
        Authentication auth = sessions.authenticate(accessToken).orElseThrow(() -> new AccessPassException(
                ErrorCode.INVALID_TOKEN, "The access token is missing, invalid, expired or revoked."));
        return begin(provider, flow, "link", auth.user().id().value(), TokenHash.of(accessToken).hex(),
                clientAddress);
    }

    private OAuthStart begin(String provider, String flow, String mode, String userId, String accessHash,
                             String clientAddress) {
        ProviderClient client = client(provider);
        if (flow != null && !FLOW.matcher(flow).matches()) {
            throw AccessPassException.validation(new FieldErrors().add("flow", "must be 16 to 64 characters of "
                    + "letters, digits, '-' and '_'"));
        }
        if (clientAddress != null) {
            // Counted before the record is stored; an unknown provider (404 above) stores nothing and counts nothing.
            LoginThrottle.reserve(tokens, LoginThrottle.oauthStartKey(clientAddress), clock.instant(), STATE_TTL,
                    STARTS_PER_ADDRESS, "Too many OAuth logins started from this address. Try again later.");
        }
        String state = Secrets.newToken();
        String verifier = Secrets.newToken();
        String binding = Secrets.newToken();
        String nonce = client.openid() ? Secrets.newToken() : null;
        // The nonce is sent as OIDC asks; identity comes from userinfo and the ID token is never read (SR-48), so
        // the nonce is kept only for completeness of the record.
        String payload = String.join(" ", "v2", provider, verifier, nonce == null ? "-" : nonce,
                TokenHash.of(binding).hex(), mode, flow == null ? "-" : flow, userId, accessHash);
        tokens.saveOneTimeToken(new OneTimeToken(TokenHash.of(state), TokenPurpose.OAUTH_STATE, null,
                clock.instant().plus(STATE_TTL), payload));
        return new OAuthStart(URI.create(client.authorizationUrl(state, verifier, nonce)), binding, STATE_TTL);
    }

    OAuthOutcome complete(OAuthCallback callback) {
        String provider = callback.provider();
        ProviderClient client = client(provider);
        String state = callback.state();
        if (state == null || !Secrets.isToken(state)) {
            throw refused(provider, "state missing or malformed");
        }
        // Consumed first and whatever happens next: a state is good for one attempt only.
        Optional<OneTimeToken> record = tokens.consumeOneTimeToken(TokenHash.of(state), TokenPurpose.OAUTH_STATE,
                clock.instant());
        if (record.isEmpty()) {
            throw refused(provider, "state unknown, expired or used");
        }
        String[] fields = record.get().payload() == null ? new String[0] : record.get().payload().split(" ");
        if (fields.length == 5 && fields[0].equals("v1")) {
            // Started before the upgrade that added link and flow: a plain login.
            fields = new String[] {"v2", fields[1], fields[2], fields[3], fields[4], "login", "-", "-", "-"};
        }
        if (fields.length != 9 || !fields[0].equals("v2")) {
            throw refused(provider, "state record unreadable");
        }
        if (!constantTimeEquals(fields[1], provider)) {
            // One callback per provider; a state from provider A at provider B's callback is a mix-up (SR-47).
            throw refused(provider, "state issued for another provider");
        }
        String binding = callback.binding();
        if (binding == null || !Secrets.isToken(binding)
                || !constantTimeEquals(TokenHash.of(binding).hex(), fields[4])) {
            throw refused(provider, "browser binding cookie missing or mismatched");
        }
        if (callback.error() != null) {
            // The provider's error text is not ours to echo or log (SR-50).
            throw refused(provider, "provider answered with an error");
        }
        String code = callback.code();
        if (code == null || code.isEmpty() || code.length() > MAX_CODE_LENGTH) {
            throw refused(provider, "code missing");
        }
        OAuthProfile profile;
        try {
            profile = client.fetchProfile(code, fields[2]);
        } catch (ProviderClient.ProviderFailure e) {
            throw refused(provider, e.getMessage());
        }
        String flow = fields[6].equals("-") ? null : fields[6];
        if (fields[5].equals("link")) {
            return new OAuthOutcome.Linked(linkFromSession(profile, new UserId(fields[7]),
                    TokenHash.fromHex(fields[8]), callback.clientAddress()), provider, flow);
        }
        return new OAuthOutcome.LoggedIn(login(profile, callback.client()), flow);
    }

    /**
     * The callback of {@code POST /identities/{p}/link}: the session that started it must still be live and the
     * user's own; the identity must be unlinked or already this user's.
     */
    private User linkFromSession(OAuthProfile profile, UserId userId, TokenHash accessHash, String clientAddress) {
        String provider = profile.provider();
        Optional<SessionGrant> grant = tokens.findByAccessToken(accessHash, clock.instant());
        if (grant.isEmpty() || !grant.get().user().equals(userId)) {
            throw refused(provider, "the session that started the link has ended");
        }
        UserRecord user = users.findById(userId).orElseThrow(() -> refused(provider, "user vanished"));
        Optional<UserRecord> owner = users.findByIdentity(provider, profile.subject());
        if (owner.isPresent() && !owner.get().id().equals(userId)) {
            throw identityTaken(provider);
        }
        Identity identity = new Identity(provider, profile.subject(), profile.attributes(), clock.instant());
        if (!users.linkIdentity(user.id(), identity)) {
            throw identityTaken(provider);
        }
        security.emit(SecurityEvent.Type.OAUTH_LINKED, user.id(), grant.get().id(), clientAddress,
                Map.of("provider", provider, "subject", profile.subject(), "from", "session"));
        accounts.notices().notify(user, "identity_linked", provider, ClientContext.of(clientAddress));
        return User.of(users.findById(user.id()).orElseThrow(() -> refused(provider, "user vanished")));
    }

    private static AccessPassException identityTaken(String provider) {
        LOG.info("oauth link refused: provider={} reason=identity belongs to another user",
                SecurityLog.escape(provider));
        return new AccessPassException(ErrorCode.IDENTITY_TAKEN,
                "This provider account is already linked to another user.");
    }

    /** Finds or makes the user of a provider profile and opens a session: the part after the provider calls. */
    TokenResponse login(OAuthProfile profile, String clientAddress) {
        return login(profile, ClientContext.of(clientAddress));
    }

    TokenResponse login(OAuthProfile profile, ClientContext client) {
        String clientAddress = client.address();
        String provider = profile.provider();
        Instant now = clock.instant();
        Identity identity = new Identity(provider, profile.subject(), profile.attributes(), now);
        Optional<UserRecord> known = users.findByIdentity(provider, profile.subject());
        UserRecord user;
        boolean created = false;
        boolean linked = false;
        if (known.isPresent()) {
            user = known.get();
            requireConfirmed(user.emailConfirmed());
            // Keeps the stored profile current.
            users.linkIdentity(user.id(), identity);
        } else {
            OAuthResolution decision = resolver.resolve(profile, users);
            if (decision instanceof OAuthResolution.Link link) {
                user = users.findById(link.user()).orElseThrow(() -> refused(provider, "resolver named no user"));
                if (user.passwordHash() != null) {
                    // Never linked into a password account on an email match alone: its owner logs in and links
                    // from the session (API.md §7, SR-76).
                    LOG.info("oauth login refused: provider={} reason=account with a password exists",
                            SecurityLog.escape(provider));
                    throw new AccessPassException(ErrorCode.ACCOUNT_EXISTS, "An account with this email address "
                            + "exists. Log in to it and link this provider from your account.");
                }
                requireConfirmed(user.emailConfirmed());
                link(user, identity, false, client);
                linked = true;
            } else if (decision instanceof OAuthResolution.TakeOver takeOver) {
                user = users.findById(takeOver.user()).orElseThrow(() -> refused(provider, "resolver named no user"));
                takeOver(user);
                link(user, identity, true, client);
                linked = true;
            } else if (decision instanceof OAuthResolution.Create create) {
                requireConfirmed(create.emailConfirmed());
                if (create.email() != null) {
                    FieldErrors errors = new FieldErrors();
                    rules.checkEmail(create.email(), errors);
                    if (!errors.asMap().isEmpty()) {
                        throw refused(provider, "provider email unusable");
                    }
                }
                user = create(create, now);
                created = true;
                if (!users.linkIdentity(user.id(), identity)) {
                    users.delete(user.id());
                    throw refused(provider, "identity linked to another user meanwhile");
                }
                security.emit(SecurityEvent.Type.USER_REGISTERED, user.id(), null, clientAddress,
                        Map.of("method", "oauth", "provider", provider));
                security.emit(SecurityEvent.Type.OAUTH_LINKED, user.id(), null, clientAddress,
                        Map.of("provider", provider, "subject", profile.subject()));
            } else {
                throw refused(provider, "resolver refused");
            }
            user = users.findById(user.id()).orElseThrow(() -> refused(provider, "user vanished"));
        }
        TokenResponse response;
        try {
            response = accounts.openSession(user, profile.attributes(), "oauth", "oauth:" + provider, client);
        } catch (RuntimeException e) {
            if (created) {
                // No half-created account: without its first session the user goes again (SR-68).
                try {
                    users.delete(user.id());
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
        User view = response.user();
        boolean wasCreated = created;
        boolean wasLinked = linked;
        hooks.run("afterOAuthLogin", h -> h.afterOAuthLogin(new OAuthLoginEvent(view, provider,
                profile.attributes(), wasCreated, wasLinked, clientAddress)));
        return response;
    }

    private void link(UserRecord user, Identity identity, boolean takeover, ClientContext client) {
        if (!users.linkIdentity(user.id(), identity)) {
            throw refused(identity.provider(), "identity linked to another user meanwhile");
        }
        security.emit(SecurityEvent.Type.OAUTH_LINKED, user.id(), null, null, Map.of("provider", identity.provider(),
                "subject", identity.subject(), "takeover", Boolean.toString(takeover)));
        if (!takeover) {
            // A takeover clears an account nobody confirmed; its address was never proven to be the owner's.
            accounts.notices().notify(user, "identity_linked", identity.provider(), client);
        }
    }

    /**
     * SR-49: the provider verified the address of an account nobody confirmed. Whoever pre-registered it must lose
     * every way in: the password goes first (so no new session can be opened with it), then sessions and pending
     * confirmation and reset tokens; the address counts as confirmed from now on.
     */
    private void takeOver(UserRecord user) {
        users.updatePasswordHash(user.id(), null, null);
        int revoked = sessions.revokeAll(user.id(), null);
        tokens.deleteOneTimeTokens(user.id(), TokenPurpose.CONFIRM_EMAIL);
        tokens.deleteOneTimeTokens(user.id(), TokenPurpose.RESET_PASSWORD);
        users.setEmailConfirmed(user.id(), true);
        security.emit(SecurityEvent.Type.ALL_SESSIONS_REVOKED, user.id(), null, null,
                Map.of("sessions", Integer.toString(revoked), "reason", "oauth_takeover"));
    }

    private UserRecord create(OAuthResolution.Create create, Instant now) {
        String base = OAuthUsernames.base(create.username(), create.email());
        for (int attempt = 0; attempt < 50; attempt++) {
            String candidate = OAuthUsernames.candidate(base, attempt);
            if (users.findByUsername(candidate).isPresent()) {
                continue;
            }
            try {
                return users.create(new NewUser(candidate, create.email(), create.emailConfirmed(), null, Set.of(),
                        now));
            } catch (DuplicateUserException e) {
                if (e.code() == ErrorCode.EMAIL_TAKEN) {
                    throw refused("-", "email registered meanwhile");
                }
                // The username went to a racing registration: try the next candidate.
            }
        }
        throw refused("-", "no free username");
    }

    private void requireConfirmed(boolean confirmed) {
        if (config.requireConfirmedEmail() && !confirmed) {
            throw new AccessPassException(ErrorCode.EMAIL_NOT_CONFIRMED, "Confirm your email address first.");
        }
    }

    private ProviderClient client(String provider) {
        ProviderClient client = provider == null ? null : clients.get(provider);
        if (client == null) {
            throw new AccessPassException(ErrorCode.UNKNOWN_PROVIDER, "No such OAuth provider is configured.");
        }
        return client;
    }

    private static AccessPassException refused(String provider, String reason) {
        // Our own reason words only: never the provider's text, the code, the state or a token (SR-66).
        LOG.info("oauth login refused: provider={} reason={}", SecurityLog.escape(provider), reason);
        return new AccessPassException(ErrorCode.OAUTH_FAILED, FAILED);
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        clients.values().forEach(ProviderClient::close);
    }
}
