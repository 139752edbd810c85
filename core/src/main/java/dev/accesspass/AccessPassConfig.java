package dev.accesspass;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The immutable configuration of one AccessPass instance, built once (API.md §5).
 *
 * <p>There is one path in: {@link Builder#set(String, String)} takes the contract's keys as text, and the typed
 * setters are thin wrappers over the same fields, so programmatic and {@code web.xml} configuration cannot drift.
 * {@link #fromSources} merges init-params, system properties ({@code accesspass.<key>}) and the environment
 * ({@code ACCESSPASS_<KEY>}), the environment winning, so secrets never need to live in {@code web.xml}. Every bad
 * value fails with one message that names the key and the rule, never the value of a secret.
 */
public final class AccessPassConfig {
    /** Keys whose values are secrets: masked in logs and never echoed in messages. */
    static final Set<String> SECRET_SUFFIXES = Set.of("password", "client-secret", "encryption-key");

    private static final Pattern OAUTH_KEY =
            Pattern.compile("oauth\\.([a-z0-9][a-z0-9-]{0,31})\\.(client-id|client-secret|scope|authorize-url|token-url|userinfo-url)");
    private static final List<String> OAUTH_SETTINGS =
            List.of("client-id", "client-secret", "scope", "authorize-url", "token-url", "userinfo-url");
    private static final Pattern PREFIX = Pattern.compile("/[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*");

    private final Map<String, String> raw;
    private final String prefix;
    private final Duration accessTokenTtl;
    private final Duration refreshTokenTtl;
    private final Duration sessionMaxLifetime;
    private final int passwordMinLength;
    private final Duration refreshGrace;
    private final boolean requireConfirmedEmail;
    private final boolean notifySecurityChanges;
    private final boolean notifyNewDevice;
    private final Duration reauthMaxAge;
    private final String mfaIssuer;
    private final String webauthnRpId;
    private final String webauthnRpName;
    private final List<String> webauthnOrigins;
    private final byte[] secretEncryptionKey;
    private final Duration confirmTokenTtl;
    private final Duration resetTokenTtl;
    private final URI baseUrl;
    private final URI confirmRedirectUrl;
    private final URI resetPasswordUrl;
    private final URI oauthSuccessUrl;
    private final String store;
    private final String tokenStore;
    private final String redisUrl;
    private final String jdbcUrl;
    private final String jdbcUser;
    private final String jdbcPassword;
    private final int jdbcPoolSize;
    private final Duration tokenCacheTtl;
    private final String mailer;
    private final String smtpHost;
    private final int smtpPort;
    private final String smtpUser;
    private final String smtpPassword;
    private final boolean smtpStarttls;
    private final String mailFrom;
    private final String hooks;
    private final List<String> protectedPaths;
    private final int maxBodyBytes;
    private final int loginMaxAttempts;
    private final Duration loginWindow;
    private final int loginAddressMaxAttempts;
    private final int loginIpv6Prefix;
    private final boolean breachedPasswordCheck;
    private final URI breachedPasswordApiUrl;
    private final int registerMaxPerAddress;
    private final String realm;
    private final IntrospectionClients introspectionClients;
    private final Map<String, OAuthProviderConfig> oauthProviders;

    private AccessPassConfig(Builder b) {
        this.raw = Collections.unmodifiableMap(new TreeMap<>(b.raw));
        this.prefix = b.prefix;
        this.accessTokenTtl = b.accessTokenTtl;
        this.refreshTokenTtl = b.refreshTokenTtl;
        this.sessionMaxLifetime = b.sessionMaxLifetime;
        this.passwordMinLength = b.passwordMinLength;
        this.refreshGrace = b.refreshGrace;
        this.requireConfirmedEmail = b.requireConfirmedEmail;
        this.notifySecurityChanges = b.notifySecurityChanges;
        this.notifyNewDevice = b.notifyNewDevice;
        this.reauthMaxAge = b.reauthMaxAge;
        this.mfaIssuer = b.mfaIssuer;
        this.webauthnRpId = b.webauthnRpId;
        this.webauthnRpName = b.webauthnRpName;
        this.webauthnOrigins = b.webauthnOrigins;
        this.secretEncryptionKey = b.secretEncryptionKey;
        this.confirmTokenTtl = b.confirmTokenTtl;
        this.resetTokenTtl = b.resetTokenTtl;
        this.baseUrl = b.baseUrl;
        this.confirmRedirectUrl = b.confirmRedirectUrl;
        this.resetPasswordUrl = b.resetPasswordUrl;
        this.oauthSuccessUrl = b.oauthSuccessUrl;
        this.store = b.store;
        this.tokenStore = b.tokenStore != null ? b.tokenStore : b.store;
        this.redisUrl = b.redisUrl;
        this.jdbcUrl = b.jdbcUrl;
        this.jdbcUser = b.jdbcUser;
        this.jdbcPassword = b.jdbcPassword;
        this.jdbcPoolSize = b.jdbcPoolSize;
        this.tokenCacheTtl = b.tokenCacheTtl;
        this.mailer = b.mailer;
        this.smtpHost = b.smtpHost;
        this.smtpPort = b.smtpPort;
        this.smtpUser = b.smtpUser;
        this.smtpPassword = b.smtpPassword;
        this.smtpStarttls = b.smtpStarttls;
        this.mailFrom = b.mailFrom;
        this.hooks = b.hooks;
        this.protectedPaths = List.copyOf(b.protectedPaths);
        this.maxBodyBytes = b.maxBodyBytes;
        this.loginMaxAttempts = b.loginMaxAttempts;
        this.loginWindow = b.loginWindow;
        this.loginAddressMaxAttempts = b.loginAddressMaxAttempts;
        this.loginIpv6Prefix = b.loginIpv6Prefix;
        this.breachedPasswordCheck = b.breachedPasswordCheck;
        this.breachedPasswordApiUrl = b.breachedPasswordApiUrl;
        this.registerMaxPerAddress = b.registerMaxPerAddress;
        this.realm = b.realm;
        this.introspectionClients = b.introspectionClients;
        Map<String, OAuthProviderConfig> providers = new TreeMap<>();
        b.oauth.forEach((name, values) -> {
            if (values.containsKey("client-id")) {
                providers.put(name, new OAuthProviderConfig(name, values.get("client-id"),
                        values.get("client-secret"), values.get("scope"), values.get("authorize-url"),
                        values.get("token-url"), values.get("userinfo-url")));
            }
        });
        this.oauthProviders = Collections.unmodifiableMap(providers);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults of API.md §5. */
    public static AccessPassConfig defaults() {
        return builder().build();
    }

    /**
     * Merges the three text sources with the contract's precedence: environment over system properties over
     * init-params. System properties are read under {@code accesspass.}, environment variables under
     * {@code ACCESSPASS_} (upper case, {@code -} and {@code .} as {@code _}).
     *
     * @throws IllegalArgumentException naming the first bad key
     */
    public static AccessPassConfig fromSources(Map<String, String> initParams, Map<String, String> systemProperties,
                                               Map<String, String> environment) {
        Map<String, String> merged = new LinkedHashMap<>(initParams);
        systemProperties.forEach((name, value) -> {
            if (name.startsWith("accesspass.")) {
                merged.put(name.substring("accesspass.".length()), value);
            }
        });
        merged.putAll(keysFromEnvironment(environment));
        Builder builder = builder();
        merged.forEach(builder::set);
        return builder.build();
    }

    private static Map<String, String> keysFromEnvironment(Map<String, String> environment) {
        Map<String, String> byEnvName = new LinkedHashMap<>();
        for (String key : Builder.SETTERS.keySet()) {
            byEnvName.put(envName(key), key);
        }
        Map<String, String> keys = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            if (!name.startsWith("ACCESSPASS_")) {
                return;
            }
            String key = byEnvName.get(name);
            if (key == null && name.startsWith("ACCESSPASS_OAUTH_")) {
                key = oauthKeyFromEnv(name.substring("ACCESSPASS_OAUTH_".length()));
            }
            if (key == null) {
                throw new IllegalArgumentException(name + ": not a known AccessPass setting"
                        + NearestKey.hint(name, byEnvName.keySet()));
            }
            keys.put(key, value);
        });
        return keys;
    }

    private static String oauthKeyFromEnv(String rest) {
        for (String suffix : OAUTH_SETTINGS) {
            String envSuffix = "_" + envName(suffix).substring("ACCESSPASS_".length());
            if (rest.endsWith(envSuffix) && rest.length() > envSuffix.length()) {
                String provider = rest.substring(0, rest.length() - envSuffix.length()).toLowerCase(Locale.ROOT);
                return "oauth." + provider + "." + suffix;
            }
        }
        return null;
    }

    /**
     * Every key {@link Builder#set} accepts besides the {@code oauth.<provider>.*} ones, in the contract's order: for
     * integrations that read the keys from their own configuration system (the Spring Boot starter).
     */
    public static List<String> keys() {
        return List.copyOf(Builder.SETTERS.keySet());
    }

    /** The settings of one OAuth provider, as in {@code oauth.<provider>.<setting>}. */
    public static List<String> oauthSettings() {
        return OAUTH_SETTINGS;
    }

    /** The environment variable name for a key: {@code access-token-ttl} → {@code ACCESSPASS_ACCESS_TOKEN_TTL}. */
    public static String envName(String key) {
        return "ACCESSPASS_" + key.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    public String prefix() { return prefix; }
    public Duration accessTokenTtl() { return accessTokenTtl; }
    /** {@link Duration#ZERO} when refresh tokens never expire. */
    public Duration refreshTokenTtl() { return refreshTokenTtl; }
    /** {@link Duration#ZERO} when sessions have no absolute cap. */
    public Duration sessionMaxLifetime() { return sessionMaxLifetime; }
    public int passwordMinLength() { return passwordMinLength; }
    public Duration refreshGrace() { return refreshGrace; }
    public boolean requireConfirmedEmail() { return requireConfirmedEmail; }
    /** Whether the account's address is mailed a notice after a credential or identity change. */
    public boolean notifySecurityChanges() { return notifySecurityChanges; }
    /** Whether a login from a browser that is not a known device of the user mails a notice. */
    public boolean notifyNewDevice() { return notifyNewDevice; }
    /** How recent the last authentication must be on sensitive routes for a user without a password. */
    public Duration reauthMaxAge() { return reauthMaxAge; }
    /** The issuer authenticator apps show: {@code mfa-issuer}, else the {@code base-url} host, else AccessPass. */
    public String mfaIssuer() {
        if (mfaIssuer != null) {
            return mfaIssuer;
        }
        return baseUrl != null && baseUrl.getHost() != null ? baseUrl.getHost() : "AccessPass";
    }
    /**
     * The passkey relying party id: {@code webauthn-rp-id}, else the {@code base-url} host; empty when neither is
     * set (passkeys are then off).
     */
    public Optional<String> webauthnRpId() {
        if (webauthnRpId != null) {
            return Optional.of(webauthnRpId);
        }
        return baseUrl == null || baseUrl.getHost() == null ? Optional.empty()
                : Optional.of(baseUrl.getHost().toLowerCase(Locale.ROOT));
    }
    /** The relying party name browsers show: {@code webauthn-rp-name}, else {@link #mfaIssuer()}. */
    public String webauthnRpName() {
        return webauthnRpName != null ? webauthnRpName : mfaIssuer();
    }
    /** The origins a passkey ceremony may come from: {@code webauthn-origins}, else the {@code base-url} origin. */
    public List<String> webauthnOrigins() {
        if (webauthnOrigins != null) {
            return webauthnOrigins;
        }
        if (baseUrl == null) {
            return List.of();
        }
        // A browser's origin has a lower-case host and no path.
        return List.of((baseUrl.getScheme() + "://" + baseUrl.getRawAuthority()).toLowerCase(Locale.ROOT));
    }
    /** The AES-256 key TOTP secrets are sealed with ({@code secret-encryption-key}), if set; a copy. */
    public Optional<byte[]> secretEncryptionKey() {
        return Optional.ofNullable(secretEncryptionKey).map(byte[]::clone);
    }
    public Duration confirmTokenTtl() { return confirmTokenTtl; }
    public Duration resetTokenTtl() { return resetTokenTtl; }
    public Optional<URI> baseUrl() { return Optional.ofNullable(baseUrl); }
    public Optional<URI> confirmRedirectUrl() { return Optional.ofNullable(confirmRedirectUrl); }
    public Optional<URI> resetPasswordUrl() { return Optional.ofNullable(resetPasswordUrl); }
    public Optional<URI> oauthSuccessUrl() { return Optional.ofNullable(oauthSuccessUrl); }
    /** {@code memory} or {@code jdbc}. */
    public String store() { return store; }
    /** Where sessions, tokens, one-time tokens and counters live: {@code memory}, {@code jdbc} or {@code redis}. */
    public String tokenStore() { return tokenStore; }
    /** The Lettuce URI (or comma-separated URIs of a Cluster) of the redis token store. */
    public Optional<String> redisUrl() { return Optional.ofNullable(redisUrl); }
    public Optional<String> jdbcUrl() { return Optional.ofNullable(jdbcUrl); }
    public Optional<String> jdbcUser() { return Optional.ofNullable(jdbcUser); }
    public Optional<String> jdbcPassword() { return Optional.ofNullable(jdbcPassword); }
    public int jdbcPoolSize() { return jdbcPoolSize; }
    /** {@link Duration#ZERO} when the local validation cache (jdbc store, redis token store) is off. */
    public Duration tokenCacheTtl() { return tokenCacheTtl; }
    /** {@code log} or {@code smtp}. */
    public String mailer() { return mailer; }
    public Optional<String> smtpHost() { return Optional.ofNullable(smtpHost); }
    public int smtpPort() { return smtpPort; }
    public Optional<String> smtpUser() { return Optional.ofNullable(smtpUser); }
    public Optional<String> smtpPassword() { return Optional.ofNullable(smtpPassword); }
    public boolean smtpStarttls() { return smtpStarttls; }
    public String mailFrom() { return mailFrom; }
    /** Class name of an {@link AuthHooks} implementation. */
    public Optional<String> hooks() { return Optional.ofNullable(hooks); }
    public List<String> protectedPaths() { return protectedPaths; }
    public int maxBodyBytes() { return maxBodyBytes; }
    public int loginMaxAttempts() { return loginMaxAttempts; }
    public Duration loginWindow() { return loginWindow; }
    /** Failed logins one client address may make per window, apart from the per-account limit. */
    public int loginAddressMaxAttempts() { return loginAddressMaxAttempts; }
    /** IPv6 clients are counted per network of this prefix length (one host usually holds a whole /64). */
    public int loginIpv6Prefix() { return loginIpv6Prefix; }
    /** Whether new passwords are looked up in the breached-password range API. */
    public boolean breachedPasswordCheck() { return breachedPasswordCheck; }
    /** The range API's base URL; {@code <url>/<5 hex>} answers {@code SUFFIX:COUNT} lines. */
    public URI breachedPasswordApiUrl() { return breachedPasswordApiUrl; }
    /** Registrations one client address may attempt per hour; 0 = no limit. */
    public int registerMaxPerAddress() { return registerMaxPerAddress; }
    /** The realm of {@code WWW-Authenticate} challenges. */
    public String realm() { return realm; }
    /** Whether {@code introspection-clients} names at least one client, so that {@code /introspect} is served. */
    public boolean introspectionEnabled() { return !introspectionClients.isEmpty(); }
    /** The clients allowed to call {@code /introspect}; their secrets only as digests. */
    IntrospectionClients introspectionClients() { return introspectionClients; }
    /** Enabled providers (those with a client id), by name. */
    public Map<String, OAuthProviderConfig> oauthProviders() { return oauthProviders; }

    /**
     * The settings that were given, secrets masked, for the one start-up log line; it says that every key not
     * listed is at its default, e.g. {@code store=jdbc, jdbc-password=****; every other key at its default}.
     */
    public String describe() {
        StringBuilder text = new StringBuilder();
        raw.forEach((key, value) -> {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(key).append('=').append(isSecret(key) ? "****"
                    : key.equals("redis-url") ? maskUserInfo(value) : value);
        });
        return text.length() == 0 ? "every key at its default" : text + "; every other key at its default";
    }

    /** A Redis URI may carry {@code user:password@}: shown as {@code ****@}, in every URI of a list. */
    static String maskUserInfo(String uris) {
        return uris.replaceAll("//[^/@,]*@", "//****@");
    }

    static boolean isSecret(String key) {
        // introspection-clients holds id:secret pairs: the whole value is masked.
        return key.equals("introspection-clients") || SECRET_SUFFIXES.stream().anyMatch(key::endsWith);
    }

    /** One OAuth provider's settings. Missing URLs mean "use the built-in provider of that name". */
    public record OAuthProviderConfig(String name, String clientId, String clientSecret, String scope,
                                      String authorizeUrl, String tokenUrl, String userinfoUrl) {
        @Override
        public String toString() {
            return "OAuthProviderConfig[name=" + name + ", clientId=" + clientId + "]";
        }
    }

    /**
     * Builds an {@link AccessPassConfig}. Values are checked as they are set and combinations in {@link #build()};
     * every failure is an {@link IllegalArgumentException} whose message starts with the key. Not thread-safe.
     */
    public static final class Builder {
        /**
         * The longest grace window: it is for two tabs refreshing at the same moment, and every second of it is a
         * second in which a stolen, already rotated refresh token still gets the live pair instead of revoking it.
         */
        static final Duration MAX_REFRESH_GRACE = Duration.ofSeconds(60);
        private static final Map<String, BiConsumer<Builder, String>> SETTERS = new LinkedHashMap<>();

        static {
            SETTERS.put("prefix", (b, v) -> b.prefix(v));
            SETTERS.put("access-token-ttl", (b, v) -> b.accessTokenTtl = seconds("access-token-ttl", v, false));
            SETTERS.put("refresh-token-ttl", (b, v) -> b.refreshTokenTtl = seconds("refresh-token-ttl", v, true));
            SETTERS.put("session-max-lifetime",
                    (b, v) -> b.sessionMaxLifetime = seconds("session-max-lifetime", v, true));
            SETTERS.put("password-min-length", (b, v) -> b.passwordMinLength(integer("password-min-length", v)));
            SETTERS.put("refresh-grace", (b, v) -> b.refreshGrace = atMost("refresh-grace", v,
                    seconds("refresh-grace", v, true), MAX_REFRESH_GRACE));
            SETTERS.put("require-confirmed-email",
                    (b, v) -> b.requireConfirmedEmail = bool("require-confirmed-email", v));
            SETTERS.put("notify-security-changes",
                    (b, v) -> b.notifySecurityChanges = bool("notify-security-changes", v));
            SETTERS.put("notify-new-device", (b, v) -> b.notifyNewDevice = bool("notify-new-device", v));
            SETTERS.put("mfa-issuer", (b, v) -> b.mfaIssuer = issuer(v));
            SETTERS.put("webauthn-rp-id", (b, v) -> b.webauthnRpId = rpId(v));
            SETTERS.put("webauthn-rp-name", (b, v) -> b.webauthnRpName = rpName(v));
            SETTERS.put("webauthn-origins", (b, v) -> b.webauthnOrigins = origins(v));
            SETTERS.put("secret-encryption-key", (b, v) -> b.secretEncryptionKey = aesKey(v));
            SETTERS.put("reauth-max-age", (b, v) -> b.reauthMaxAge = seconds("reauth-max-age", v, false));
            SETTERS.put("confirm-token-ttl", (b, v) -> b.confirmTokenTtl = seconds("confirm-token-ttl", v, false));
            SETTERS.put("reset-token-ttl", (b, v) -> b.resetTokenTtl = seconds("reset-token-ttl", v, false));
            SETTERS.put("base-url", (b, v) -> b.baseUrl = url("base-url", v, true));
            SETTERS.put("confirm-redirect-url", (b, v) -> b.confirmRedirectUrl = url("confirm-redirect-url", v, false));
            SETTERS.put("reset-password-url", (b, v) -> b.resetPasswordUrl = url("reset-password-url", v, false));
            SETTERS.put("oauth-success-url", (b, v) -> b.oauthSuccessUrl = url("oauth-success-url", v, false));
            SETTERS.put("store", (b, v) -> b.store = oneOf("store", v, Set.of("memory", "jdbc")));
            SETTERS.put("token-store", (b, v) -> b.tokenStore = oneOf("token-store", v, Set.of("memory", "jdbc", "redis")));
            SETTERS.put("redis-url", (b, v) -> b.redisUrl = checkRedisUrl(v));
            SETTERS.put("jdbc-url", (b, v) -> b.jdbcUrl = jdbcUrl(v));
            SETTERS.put("jdbc-user", (b, v) -> b.jdbcUser = v);
            SETTERS.put("jdbc-password", (b, v) -> b.jdbcPassword = v);
            SETTERS.put("jdbc-pool-size", (b, v) -> b.jdbcPoolSize = range("jdbc-pool-size", integer("jdbc-pool-size", v), 1, 1000));
            SETTERS.put("token-cache-ttl", (b, v) -> b.tokenCacheTtl = seconds("token-cache-ttl", v, true));
            SETTERS.put("mailer", (b, v) -> b.mailer = oneOf("mailer", v, Set.of("log", "smtp")));
            SETTERS.put("smtp-host", (b, v) -> b.smtpHost = v);
            SETTERS.put("smtp-port", (b, v) -> b.smtpPort = range("smtp-port", integer("smtp-port", v), 1, 65535));
            SETTERS.put("smtp-user", (b, v) -> b.smtpUser = v);
            SETTERS.put("smtp-password", (b, v) -> b.smtpPassword = v);
            SETTERS.put("smtp-starttls", (b, v) -> b.smtpStarttls = bool("smtp-starttls", v));
            SETTERS.put("mail-from", (b, v) -> b.mailFrom = mailbox("mail-from", v));
            SETTERS.put("hooks", (b, v) -> b.hooks = v);
            SETTERS.put("protected-paths", (b, v) -> b.protectedPaths(v));
            SETTERS.put("max-body-bytes", (b, v) -> b.maxBodyBytes = range("max-body-bytes", integer("max-body-bytes", v), 256, 1 << 20));
            SETTERS.put("login-max-attempts", (b, v) -> b.loginMaxAttempts = range("login-max-attempts", integer("login-max-attempts", v), 1, 100));
            SETTERS.put("login-window", (b, v) -> b.loginWindow = seconds("login-window", v, false));
            SETTERS.put("login-address-max-attempts", (b, v) -> b.loginAddressMaxAttempts =
                    range("login-address-max-attempts", integer("login-address-max-attempts", v), 1, 100_000));
            SETTERS.put("login-address-ipv6-prefix", (b, v) -> b.loginIpv6Prefix =
                    range("login-address-ipv6-prefix", integer("login-address-ipv6-prefix", v), 32, 128));
            SETTERS.put("breached-password-check", (b, v) -> b.breachedPasswordCheck = onOff("breached-password-check", v));
            SETTERS.put("breached-password-api-url", (b, v) -> b.breachedPasswordApiUrl = url("breached-password-api-url", v, false));
            SETTERS.put("register-max-per-address", (b, v) -> b.registerMaxPerAddress =
                    range("register-max-per-address", integer("register-max-per-address", v), 0, 100_000));
            SETTERS.put("realm", (b, v) -> b.realm = realm(v));
            SETTERS.put("introspection-clients", (b, v) -> b.introspectionClients = IntrospectionClients.parse(v));
        }

        private final Map<String, String> raw = new TreeMap<>();
        private String prefix = "/auth";
        private Duration accessTokenTtl = Duration.ofSeconds(300);
        private Duration refreshTokenTtl = Duration.ofSeconds(2_592_000);
        private Duration sessionMaxLifetime = Duration.ZERO;
        private int passwordMinLength = 8;
        private Duration refreshGrace = Duration.ofSeconds(10);
        private boolean requireConfirmedEmail;
        private boolean notifySecurityChanges = true;
        private boolean notifyNewDevice;
        private Duration reauthMaxAge = Duration.ofSeconds(300);
        private String mfaIssuer;
        private String webauthnRpId;
        private String webauthnRpName;
        private List<String> webauthnOrigins;
        private byte[] secretEncryptionKey;
        private Duration confirmTokenTtl = Duration.ofSeconds(86_400);
        private Duration resetTokenTtl = Duration.ofSeconds(3_600);
        private URI baseUrl;
        private URI confirmRedirectUrl;
        private URI resetPasswordUrl;
        private URI oauthSuccessUrl;
        private String store = "memory";
        private String tokenStore;
        private String redisUrl;
        private String jdbcUrl;
        private String jdbcUser;
        private String jdbcPassword;
        private int jdbcPoolSize = 10;
        private Duration tokenCacheTtl = Duration.ZERO;
        private String mailer = "log";
        private String smtpHost;
        private int smtpPort = 25;
        private String smtpUser;
        private String smtpPassword;
        private boolean smtpStarttls;
        private String mailFrom = "no-reply@localhost";
        private String hooks;
        private List<String> protectedPaths = List.of();
        private int maxBodyBytes = 16_384;
        private int loginMaxAttempts = 5;
        private Duration loginWindow = Duration.ofSeconds(900);
        private int loginAddressMaxAttempts = 100;
        private int loginIpv6Prefix = 64;
        private boolean breachedPasswordCheck;
        private URI breachedPasswordApiUrl = URI.create("https://api.pwnedpasswords.com/range");
        private int registerMaxPerAddress = 20;
        private String realm = "accesspass";
        private IntrospectionClients introspectionClients = IntrospectionClients.NONE;
        private final Map<String, Map<String, String>> oauth = new TreeMap<>();

        private Builder() {
        }

        /**
         * Sets a key of API.md §5 from its text form, exactly as an init-param would.
         *
         * @throws IllegalArgumentException for an unknown key or a bad value, naming the key
         */
        public Builder set(String key, String value) {
            if (key == null || value == null) {
                throw new IllegalArgumentException(key + ": a value is required");
            }
            String trimmed = value.trim();
            BiConsumer<Builder, String> setter = SETTERS.get(key);
            if (setter != null) {
                setter.accept(this, trimmed);
            } else {
                var matcher = OAUTH_KEY.matcher(key);
                if (!matcher.matches()) {
                    throw new IllegalArgumentException(key + ": not a known AccessPass setting"
                            + NearestKey.hint(key, SETTERS.keySet()));
                }
                if (matcher.group(2).endsWith("-url")) {
                    url(key, trimmed, true);
                }
                oauth.computeIfAbsent(matcher.group(1), p -> new TreeMap<>()).put(matcher.group(2), trimmed);
            }
            // Enumerations are shown as they were understood: store=JDBC is logged as store=jdbc.
            raw.put(key, key.equals("store") || key.equals("token-store") || key.equals("mailer") ? trimmed.toLowerCase(Locale.ROOT) : trimmed);
            return this;
        }

        public Builder prefix(String value) {
            if (!PREFIX.matcher(value).matches()) {
                throw new IllegalArgumentException("prefix: \"" + value
                        + "\" must start with / and contain only URL path characters, without a trailing /");
            }
            this.prefix = value;
            raw.put("prefix", value);
            return this;
        }

        public Builder accessTokenTtl(Duration ttl) { return set("access-token-ttl", Long.toString(ttl.toSeconds())); }
        public Builder refreshTokenTtl(Duration ttl) { return set("refresh-token-ttl", Long.toString(ttl.toSeconds())); }
        public Builder sessionMaxLifetime(Duration cap) { return set("session-max-lifetime", Long.toString(cap.toSeconds())); }
        public Builder refreshGrace(Duration grace) { return set("refresh-grace", Long.toString(grace.toSeconds())); }
        public Builder requireConfirmedEmail(boolean on) { return set("require-confirmed-email", Boolean.toString(on)); }
        public Builder notifySecurityChanges(boolean on) { return set("notify-security-changes", Boolean.toString(on)); }
        public Builder notifyNewDevice(boolean on) { return set("notify-new-device", Boolean.toString(on)); }
        public Builder mfaIssuer(String issuer) { return set("mfa-issuer", issuer); }
        public Builder webauthnRpId(String rpId) { return set("webauthn-rp-id", rpId); }
        public Builder webauthnRpName(String name) { return set("webauthn-rp-name", name); }
        /** Comma-separated origins ({@code https://host[:port]}), matched exactly. */
        public Builder webauthnOrigins(String origins) { return set("webauthn-origins", origins); }
        public Builder secretEncryptionKey(String base64) { return set("secret-encryption-key", base64); }
        public Builder reauthMaxAge(Duration age) { return set("reauth-max-age", Long.toString(age.toSeconds())); }
        public Builder confirmTokenTtl(Duration ttl) { return set("confirm-token-ttl", Long.toString(ttl.toSeconds())); }
        public Builder resetTokenTtl(Duration ttl) { return set("reset-token-ttl", Long.toString(ttl.toSeconds())); }
        public Builder baseUrl(String url) { return set("base-url", url); }
        public Builder store(String name) { return set("store", name); }
        public Builder tokenStore(String name) { return set("token-store", name); }
        public Builder redisUrl(String uris) { return set("redis-url", uris); }
        public Builder mailer(String name) { return set("mailer", name); }
        public Builder maxBodyBytes(int bytes) { return set("max-body-bytes", Integer.toString(bytes)); }
        public Builder loginMaxAttempts(int attempts) { return set("login-max-attempts", Integer.toString(attempts)); }
        public Builder loginWindow(Duration window) { return set("login-window", Long.toString(window.toSeconds())); }
        public Builder loginAddressMaxAttempts(int attempts) { return set("login-address-max-attempts", Integer.toString(attempts)); }
        public Builder breachedPasswordCheck(boolean on) { return set("breached-password-check", on ? "on" : "off"); }
        public Builder breachedPasswordApiUrl(String url) { return set("breached-password-api-url", url); }
        public Builder registerMaxPerAddress(int registrations) { return set("register-max-per-address", Integer.toString(registrations)); }
        public Builder tokenCacheTtl(Duration ttl) { return set("token-cache-ttl", Long.toString(ttl.toSeconds())); }
        /** {@code id:secret} pairs, comma-separated, allowed to call {@code /introspect}. */
        public Builder introspectionClients(String pairs) { return set("introspection-clients", pairs); }

        public Builder passwordMinLength(int length) {
            // NIST SP 800-63B: never below 8; the 256 maximum leaves room for passphrases.
            this.passwordMinLength = range("password-min-length", length, 8, 256);
            raw.put("password-min-length", Integer.toString(length));
            return this;
        }

        /** Comma-separated servlet URL patterns: {@code /api/*}, {@code *.json}, or exact paths. */
        public Builder protectedPaths(String patterns) {
            List<String> list = new ArrayList<>();
            for (String part : patterns.split(",")) {
                String pattern = part.trim();
                if (pattern.isEmpty()) {
                    continue;
                }
                boolean valid = pattern.startsWith("/") ? !pattern.substring(0, pattern.length() - 1).contains("*")
                        && (!pattern.contains("*") || pattern.endsWith("/*"))
                        : pattern.startsWith("*.") && pattern.indexOf('/') < 0 && pattern.lastIndexOf('*') == 0;
                if (!valid) {
                    throw new IllegalArgumentException("protected-paths: \"" + pattern
                            + "\" is not a servlet URL pattern (/path, /path/*, *.ext)");
                }
                list.add(pattern);
            }
            this.protectedPaths = List.copyOf(list);
            raw.put("protected-paths", String.join(",", list));
            return this;
        }

        /**
         * Checks the combinations and builds the configuration.
         *
         * @throws IllegalArgumentException naming the key at fault
         */
        public AccessPassConfig build() {
            // jdbc-url is checked when the stores are opened (Assembly): stores given in code on an application's
            // own DataSource need none.
            String tokens = tokenStore != null ? tokenStore : store;
            if ("redis".equals(tokens) && redisUrl == null) {
                throw new IllegalArgumentException("redis-url: required when token-store=redis");
            }
            if ("jdbc".equals(tokens) && !"jdbc".equals(store)) {
                // The JDBC store keeps tokens beside the users they belong to, in one database.
                throw new IllegalArgumentException("token-store: jdbc needs store=jdbc (use memory or redis for "
                        + "tokens apart from the users)");
            }
            if ("smtp".equals(mailer)) {
                if (smtpHost == null) {
                    throw new IllegalArgumentException("smtp-host: required when mailer=smtp");
                }
                if (baseUrl == null) {
                    // Links must never come from the request's Host header outside development (SR-39).
                    throw new IllegalArgumentException("base-url: required when mailer=smtp");
                }
            }
            if (!tokenCacheTtl.isZero() && !"jdbc".equals(store) && !"redis".equals(tokens)) {
                throw new IllegalArgumentException("token-cache-ttl: only applies to store=jdbc or token-store=redis");
            }
            oauth.forEach((name, values) -> {
                if (values.containsKey("client-id")) {
                    boolean builtIn = name.equals("github") || name.equals("google");
                    if (!builtIn && (!values.containsKey("authorize-url") || !values.containsKey("token-url"))) {
                        throw new IllegalArgumentException("oauth." + name
                                + ".authorize-url: required with oauth." + name + ".token-url for a provider that is not built in");
                    }
                }
            });
            return new AccessPassConfig(this);
        }

        private static Duration atMost(String key, String value, Duration parsed, Duration max) {
            if (parsed.compareTo(max) > 0) {
                throw new IllegalArgumentException(key + ": \"" + value + "\" is more than " + max.toSeconds()
                        + " seconds");
            }
            return parsed;
        }

        private static Duration seconds(String key, String value, boolean zeroAllowed) {
            long seconds;
            try {
                seconds = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": \"" + value + "\" is not a whole number of seconds");
            }
            if (seconds < 0 || (!zeroAllowed && seconds == 0) || seconds > 100L * 365 * 86_400) {
                throw new IllegalArgumentException(key + ": \"" + value + "\" is not a "
                        + (zeroAllowed ? "non-negative" : "positive") + " number of seconds (at most 100 years)");
            }
            return Duration.ofSeconds(seconds);
        }

        private static int integer(String key, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": \"" + value + "\" is not a whole number");
            }
        }

        private static int range(String key, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(key + ": " + value + " is outside " + min + ".." + max);
            }
            return value;
        }

        private static boolean bool(String key, String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException(key + ": \"" + value + "\" is not true or false");
            };
        }

        /** {@code on}/{@code off} as the contract spells it; {@code true}/{@code false} are accepted too. */
        private static boolean onOff(String key, String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "on", "true" -> true;
                case "off", "false" -> false;
                default -> throw new IllegalArgumentException(key + ": \"" + value + "\" is not on or off");
            };
        }

        /** An enumerated value, in any case ({@code JDBC} is {@code jdbc}); returned in lower case. */
        private static String oneOf(String key, String value, Set<String> allowed) {
            String lower = value.toLowerCase(Locale.ROOT);
            if (!allowed.contains(lower)) {
                throw new IllegalArgumentException(key + ": \"" + value + "\" is not one of " + new TreeSet<>(allowed));
            }
            return lower;
        }

        /** Absolute http(s) URL; plain http only for loopback hosts (SR-39, SR-45). */
        private static URI url(String key, String value, boolean originOnly) {
            URI uri;
            try {
                uri = new URI(value);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(key + ": not a valid URL");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost();
            if (host == null || !(scheme.equals("https") || scheme.equals("http"))) {
                throw new IllegalArgumentException(key + ": must be an absolute https URL (http only for localhost)");
            }
            boolean loopback = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
            if (scheme.equals("http") && !loopback) {
                throw new IllegalArgumentException(key + ": must use https (http is allowed only for localhost)");
            }
            if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException(key + ": must not contain user info or a fragment");
            }
            if (originOnly && key.equals("base-url") && uri.getRawQuery() != null) {
                throw new IllegalArgumentException(key + ": must not contain a query");
            }
            return uri;
        }

        /** Only the schemes here; the redis store parses the rest. Never echoes the value: it may hold a password. */
        private static String checkRedisUrl(String value) {
            for (String part : value.split(",", -1)) {
                String uri = part.trim();
                if (!(uri.startsWith("redis://") || uri.startsWith("rediss://") || uri.startsWith("redis-sentinel://")
                        || uri.startsWith("rediss-sentinel://") || uri.startsWith("redis-socket://"))) {
                    throw new IllegalArgumentException("redis-url: each URI must start with redis://, rediss://, "
                            + "redis-sentinel://, rediss-sentinel:// or redis-socket:// (several are separated by commas)");
                }
            }
            return value;
        }

        private static String jdbcUrl(String value) {
            if (!value.startsWith("jdbc:")) {
                throw new IllegalArgumentException("jdbc-url: must start with jdbc:");
            }
            return value;
        }

        private static String mailbox(String key, String value) {
            if (value.length() > 254 || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)
                    || value.indexOf('@') <= 0 || value.indexOf('@') != value.lastIndexOf('@')) {
                throw new IllegalArgumentException(key + ": not a single bare email address");
            }
            return value;
        }

        private static String issuer(String value) {
            // Shown in authenticator apps and put into the otpauth label, where ':' separates issuer and account.
            if (value.isBlank() || value.length() > 64 || value.indexOf(':') >= 0
                    || value.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
                throw new IllegalArgumentException("mfa-issuer: 1 to 64 characters, no colon or control character");
            }
            return value;
        }

        /** A registrable domain or {@code localhost}: lower-case labels of letters, digits and hyphens. */
        private static String rpId(String value) {
            String id = value.trim();
            if (id.isEmpty() || id.length() > 253
                    || !id.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")) {
                throw new IllegalArgumentException("webauthn-rp-id: a lower-case domain name such as example.com");
            }
            return id;
        }

        private static String rpName(String value) {
            if (value.isBlank() || value.length() > 64 || value.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
                throw new IllegalArgumentException("webauthn-rp-name: 1 to 64 characters, no control character");
            }
            return value;
        }

        /** Exact origins: scheme, host and optional port, nothing more (a browser sends them so). */
        private static List<String> origins(String value) {
            List<String> list = new ArrayList<>();
            for (String part : value.split(",")) {
                String origin = part.trim();
                if (origin.isEmpty()) {
                    continue;
                }
                URI uri = url("webauthn-origins", origin, true);
                String path = uri.getRawPath();
                if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null) {
                    throw new IllegalArgumentException("webauthn-origins: \"" + origin
                            + "\" is not an origin (scheme://host[:port], no path)");
                }
                list.add((uri.getScheme() + "://" + uri.getRawAuthority()).toLowerCase(Locale.ROOT));
            }
            if (list.isEmpty()) {
                throw new IllegalArgumentException("webauthn-origins: at least one origin");
            }
            return List.copyOf(list);
        }

        private static byte[] aesKey(String value) {
            byte[] key;
            try {
                key = java.util.Base64.getDecoder().decode(value.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("secret-encryption-key: must be base64");
            }
            if (key.length != 32) {
                throw new IllegalArgumentException("secret-encryption-key: must be base64 of 32 bytes");
            }
            return key;
        }

        private static String realm(String value) {
            if (value.isEmpty() || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '"' || c == '\\')) {
                throw new IllegalArgumentException("realm: must be non-empty, without quotes, backslashes or control characters");
            }
            return value;
        }
    }
}
