package dev.accesspass;

import dev.accesspass.mail.MailTemplates;
import dev.accesspass.mail.Mailer;
import dev.accesspass.oauth.internal.ProviderClient;
import dev.accesspass.password.Argon2Parameters;
import dev.accesspass.password.HashingPool;
import dev.accesspass.password.PasswordHasher;
import dev.accesspass.store.SessionCensus;
import dev.accesspass.store.StoreProvider;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts one {@link AccessPass} together from its builder's choices: the stores (given, or opened by the {@code store}
 * setting), the hooks (given, the {@code hooks} setting, or ServiceLoader), the mailer and its queue, the hashing
 * pool, the services and the purge schedule. Everything it opened it owns, and {@link #close()} closes it in the
 * one safe order. A setting at fault fails here, before anything is left open.
 */
final class Assembly implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AccessPass.class);
    /** Hashing threads queue at most this many waiting requests before answering {@code server_busy}. */
    private static final int HASHING_QUEUE = 64;
    private static final Duration HASHING_WAIT = Duration.ofSeconds(2);

    final ServiceContext context;
    final AuthHooks hooks;
    final Sessions sessions;
    final Accounts accounts;
    final OAuthLogins oauth;
    final EmailFlows email;
    final PasswordFlows passwords;
    final Introspection introspection;
    final AccountChanges changes;
    final MailQueue mailQueue;
    final SecondFactors secondFactors;
    final Passkeys passkeys;
    /** Closed in this order: the purge thread, the mail queue (drained while the stores and mailer are open), … */
    private final List<AutoCloseable> owned;

    private Assembly(ServiceContext context, AuthHooks hooks, Sessions sessions, Accounts accounts, OAuthLogins oauth,
                     EmailFlows email, PasswordFlows passwords, Introspection introspection,
                     AccountChanges changes, MailQueue mailQueue, SecondFactors secondFactors, Passkeys passkeys,
                     List<AutoCloseable> owned) {
        this.passkeys = passkeys;
        this.changes = changes;
        this.mailQueue = mailQueue;
        this.secondFactors = secondFactors;
        this.context = context;
        this.hooks = hooks;
        this.sessions = sessions;
        this.accounts = accounts;
        this.oauth = oauth;
        this.email = email;
        this.passwords = passwords;
        this.introspection = introspection;
        this.owned = owned;
    }

    /**
     * @throws IllegalArgumentException naming the setting at fault
     */
    static Assembly of(AccessPass.Builder choices) {
        AccessPassConfig config = choices.config;
        // OAuth settings are checked first: a bad one then fails before any store or pool is opened.
        Map<String, ProviderClient> oauthClients = OAuthLogins.clients(config, choices.oauthTimeout);
        if (choices.mailer != null && config.baseUrl().isEmpty()) {
            // Only the dev log mailer may build links from the request's origin (SR-39).
            throw new IllegalArgumentException("base-url: required when a mailer other than log is used");
        }
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            return assemble(choices, config, oauthClients, owned);
        } catch (RuntimeException e) {
            closeQuietly(owned);
            throw e;
        }
    }

    private static Assembly assemble(AccessPass.Builder choices, AccessPassConfig config,
                                     Map<String, ProviderClient> oauthClients, List<AutoCloseable> owned) {
        TokenStore tokens = choices.tokenStore;
        UserStore users = choices.userStore;
        if (tokens == null) {
            // Users come from store; tokens from token-store, which is store unless set apart.
            StoreProvider.Stores stores = null;
            if (config.store().equals("memory")) {
                users = UserStore.inMemory();
            } else {
                if (config.store().equals("jdbc") && config.jdbcUrl().isEmpty()) {
                    throw new IllegalArgumentException("jdbc-url: required when store=jdbc");
                }
                stores = provider("store", config.store()).open(config);
                owned.add(stores);
                users = stores.users();
            }
            if (config.tokenStore().equals(config.store())) {
                tokens = stores != null ? stores.tokens() : TokenStore.inMemory();
            } else if (config.tokenStore().equals("memory")) {
                tokens = TokenStore.inMemory();
            } else {
                tokens = provider("token-store", config.tokenStore()).openTokenStore(config);
                owned.add(tokens);
            }
        }
        if (tokens instanceof SessionCensus census) {
            choices.metrics.sessionCount(census::sessionCount);
        }
        if (config.secretEncryptionKey().isEmpty() && !config.store().equals("memory")) {
            // A database dump or backup would otherwise hold every TOTP secret readable.
            LOG.warn("secret-encryption-key is not set: TOTP secrets are stored unsealed in the user store. Set it "
                    + "(base64 of 32 random bytes) to seal them with AES-GCM.");
        }
        // Every entry point reaches the stores through one health circuit, so an outage fails fast everywhere (SR-65).
        StoreCircuit circuit = new StoreCircuit(choices.metrics);
        tokens = new CircuitTokenStore(tokens, circuit);
        users = new CircuitUserStore(users, circuit);
        AuthHooks hooks = choices.hooks != null ? choices.hooks : loadHooks(config);
        MailTemplates templates = templates(hooks, choices.templates);

        HookRunner hookRunner = new HookRunner(hooks);
        SecurityLog securityLog = new SecurityLog(choices.clock, hookRunner, choices.metrics);
        BreachedPasswords breached = config.breachedPasswordCheck()
                ? new BreachedPasswords(config.breachedPasswordApiUrl(), securityLog) : null;
        ServiceContext context = new ServiceContext(config, choices.clock, tokens, users, hookRunner, securityLog,
                new Rules(config.passwordMinLength(), Rules.siteNames(config), breached),
                new KnownDevices(tokens, choices.clock));
        HashingPool pool = choices.pool;
        if (pool == null) {
            pool = new HashingPool(Runtime.getRuntime().availableProcessors(), HASHING_QUEUE, HASHING_WAIT);
            owned.add(pool);
        }
        PasswordHasher hasher = choices.hasher != null ? choices.hasher
                : PasswordHasher.argon2id(Argon2Parameters.owaspDefault());
        Passwords passwordHashing = new Passwords(hasher, pool, choices.metrics);
        LoginThrottle throttle = new LoginThrottle(tokens, choices.clock, config);

        Mailer mailer = choices.mailer;
        boolean devMailer = mailer == null && config.mailer().equals("log");
        if (mailer == null) {
            mailer = config.mailer().equals("smtp") ? Mailer.smtp(config) : Mailer.log();
            owned.add(mailer);
        }
        if (devMailer) {
            LOG.warn("mailer=log is active: emails, with their links and tokens, go to the log and the in-memory "
                    + "outbox. For development only; set mailer=smtp in production.");
        }
        MailQueue mailQueue = new MailQueue(mailer);
        // Drained before the stores and the mailer close.
        owned.add(0, mailQueue);
        EmailFlows email = new EmailFlows(context, mailQueue, templates, devMailer);
        SecurityNotices notices = new SecurityNotices(context, email);
        Sessions sessions = new Sessions(context);
        Accounts accounts = new Accounts(context, sessions, passwordHashing, throttle, notices);
        OAuthLogins oauth = new OAuthLogins(context, oauthClients, accounts, sessions, choices.oauthUserResolver);
        owned.add(oauth);
        AccountChanges changes = new AccountChanges(context, accounts, email);
        PasswordFlows passwords = new PasswordFlows(context, sessions, passwordHashing, throttle, notices);
        // First to stop at close: no sweep runs against stores being closed.
        owned.add(0, PurgeSchedule.start(tokens, choices.clock));
        Introspection introspection = new Introspection(context, sessions, throttle);
        SecondFactors secondFactors = new SecondFactors(context, accounts, throttle, notices);
        Passkeys passkeys = new Passkeys(context, accounts, secondFactors, throttle);
        return new Assembly(context, hooks, sessions, accounts, oauth, email, passwords, introspection, changes,
                mailQueue, secondFactors, passkeys, owned);
    }

    private static MailTemplates templates(AuthHooks hooks, MailTemplates given) {
        MailTemplates configured = given != null ? given : MailTemplates.defaults();
        MailTemplates chosen;
        try {
            chosen = hooks.mailTemplates(configured);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("hooks: " + hooks.getClass().getName()
                    + ".mailTemplates failed: " + e.getMessage(), e);
        }
        return chosen != null ? chosen : configured;
    }

    /** The provider of {@code name} for the setting {@code key} ({@code store} or {@code token-store}). */
    private static StoreProvider provider(String key, String name) {
        for (StoreProvider provider : ServiceLoader.load(StoreProvider.class)) {
            if (provider.name().equals(name)) {
                return provider;
            }
        }
        throw new IllegalArgumentException(key + ": \"" + name + "\" needs the accesspass-" + name
                + "-store jar (groupId dev.accesspass) on the classpath");
    }

    private static AuthHooks loadHooks(AccessPassConfig config) {
        if (config.hooks().isPresent()) {
            String className = config.hooks().get();
            try {
                Class<?> type = Class.forName(className, true, contextLoader());
                if (!AuthHooks.class.isAssignableFrom(type)) {
                    throw new IllegalArgumentException("hooks: " + className + " does not implement "
                            + AuthHooks.class.getName());
                }
                return (AuthHooks) type.getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("hooks: cannot create " + className
                        + " (a public class with a public no-argument constructor is needed): " + e, e);
            }
        }
        List<AuthHooks> found = new ArrayList<>();
        ServiceLoader.load(AuthHooks.class, contextLoader()).forEach(found::add);
        if (found.size() > 1) {
            throw new IllegalArgumentException("hooks: ServiceLoader found " + found.size()
                    + " AuthHooks implementations; name one with the hooks setting");
        }
        return found.isEmpty() ? new AuthHooks() { } : found.get(0);
    }

    private static ClassLoader contextLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : AccessPass.class.getClassLoader();
    }

    private static void closeQuietly(List<AutoCloseable> owned) {
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // Start-up already failed with the error that matters; a cleanup failure adds nothing to it.
            }
        }
    }

    /** Closes everything this assembly opened, in order; the first failure is thrown with the others suppressed. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing AccessPass failed");
                }
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
