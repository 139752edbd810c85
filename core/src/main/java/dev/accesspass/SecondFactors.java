package dev.accesspass;

import dev.accesspass.event.SecurityEvent;
import dev.accesspass.store.OneTimeToken;
import dev.accesspass.store.SecondFactor;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenPurpose;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The second factor (API.md §8): TOTP setup, confirmation and removal, recovery codes, and the second step of a
 * login at {@code /mfa/verify}. Every code check goes through the one account throttle, reserved before the check;
 * which TOTP step was used and which recovery codes are left are compare-and-set steps of the user store, so two
 * instances can never both accept one code. Thread-safe.
 */
final class SecondFactors {
    /** How long an {@code mfa_token} lives. */
    static final Duration MFA_TOKEN_TTL = Duration.ofSeconds(300);
    /** How many wrong codes kill an {@code mfa_token}. */
    static final int MFA_TOKEN_MAX_FAILURES = 5;
    /** How long a setup may stay unconfirmed. */
    static final Duration PENDING_TTL = Duration.ofMinutes(10);
    static final int RECOVERY_CODES = 10;
    /** The methods {@code mfa_required} offers. */
    static final List<String> METHODS = List.of("totp", "recovery_code");

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int RECOVERY_MAX_LENGTH = 64;

    private final UserStore users;
    private final TokenStore tokens;
    private final Accounts accounts;
    private final LoginThrottle throttle;
    private final SecurityNotices notices;
    private final SecurityLog security;
    private final AccessPassConfig config;
    private final Clock clock;
    private final SecretSeal seal;

    SecondFactors(ServiceContext context, Accounts accounts, LoginThrottle throttle, SecurityNotices notices) {
        this.users = context.users();
        this.tokens = context.tokens();
        this.accounts = accounts;
        this.throttle = throttle;
        this.notices = notices;
        this.security = context.security();
        this.config = context.config();
        this.clock = context.clock();
        this.seal = new SecretSeal(context.config().secretEncryptionKey().orElse(null));
    }

    /** What {@code POST /mfa/totp/setup} answers. */
    record Setup(String secret, String otpauthUri) {
        @Override
        public String toString() {
            return "Setup[****]";
        }
    }

    Setup setup(Authentication auth, String password, ClientContext client) {
        UserRecord user = accounts.current(auth);
        if (enabled(user).isPresent()) {
            throw alreadyEnabled();
        }
        accounts.reauthenticate(user, auth, password, client);
        byte[] secret = new byte[Totp.SECRET_BYTES];
        RANDOM.nextBytes(secret);
        if (!users.savePendingTotp(user.id(), seal.seal(secret, user.id()), clock.instant().plus(PENDING_TTL))) {
            throw alreadyEnabled();
        }
        String base32 = Base32.encode(secret);
        return new Setup(base32, otpauthUri(config.mfaIssuer(), user.username(), base32));
    }

    /** The Key Uri Format: {@code otpauth://totp/Issuer:account?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30}. */
    static String otpauthUri(String issuer, String account, String base32) {
        String label = uri(issuer) + ":" + uri(account);
        return "otpauth://totp/" + label + "?secret=" + base32 + "&issuer=" + uri(issuer)
                + "&algorithm=SHA1&digits=" + Totp.DIGITS + "&period=" + Totp.PERIOD;
    }

    private static String uri(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    List<String> confirm(Authentication auth, String code, ClientContext client) {
        String checked = requireCode(code);
        UserRecord user = accounts.current(auth);
        Instant now = clock.instant();
        SecondFactor factor = users.findSecondFactor(user.id()).orElseThrow(SecondFactors::invalidCode);
        if (factor.enabled()) {
            throw alreadyEnabled();
        }
        if (factor.lapsed(now)) {
            throw invalidCode();
        }
        LoginThrottle.Attempt attempt = throttle.reserve(LoginThrottle.Key.user(user.id()), client);
        OptionalLong step = Totp.match(seal.open(factor.secret(), user.id()), checked, now);
        List<String> codes = newRecoveryCodes();
        if (step.isEmpty() || !users.enableTotp(user.id(), factor.secret(), step.getAsLong(),
                digests(user, codes), now)) {
            failed(user, client, "confirm");
            throw invalidCode();
        }
        attempt.succeeded();
        security.emit(SecurityEvent.Type.MFA_ENABLED, user.id(), auth.sessionId(), client.address(), Map.of());
        notices.notify(user, "mfa_enabled", null, client);
        return codes;
    }

    /**
     * {@code DELETE /mfa/totp}: with the password, or for a user without one a current code (TOTP or recovery).
     */
    void disable(Authentication auth, String password, String code, ClientContext client) {
        UserRecord user = accounts.current(auth);
        if (enabled(user).isEmpty()) {
            throw new AccessPassException(ErrorCode.NOT_FOUND, "Two-step login is not on.");
        }
        if (user.passwordHash() != null) {
            if (password == null || password.isEmpty()) {
                throw AccessPassException.validation(new FieldErrors().add("password", "is required"));
            }
            accounts.verifyUnderThrottle(user, password, client);
        } else {
            checkTotp(user, requireCode(code), client);
        }
        users.deleteSecondFactor(user.id());
        security.emit(SecurityEvent.Type.MFA_DISABLED, user.id(), auth.sessionId(), client.address(), Map.of());
        notices.notify(user, "mfa_disabled", null, client);
    }

    /** {@code POST /mfa/recovery-codes}: ten new codes after a current TOTP code; the old ones are dead. */
    List<String> regenerate(Authentication auth, String code, ClientContext client) {
        String checked = requireCode(code);
        UserRecord user = accounts.current(auth);
        if (enabled(user).isEmpty()) {
            throw new AccessPassException(ErrorCode.NOT_FOUND, "Two-step login is not on.");
        }
        checkTotp(user, checked, client);
        List<String> codes = newRecoveryCodes();
        if (!users.replaceRecoveryCodes(user.id(), digests(user, codes))) {
            throw new AccessPassException(ErrorCode.NOT_FOUND, "Two-step login is not on.");
        }
        security.emit(SecurityEvent.Type.RECOVERY_CODES_REGENERATED, user.id(), auth.sessionId(), client.address(),
                Map.of());
        return codes;
    }

    /**
     * A TOTP code of a user with TOTP on, under the account throttle, its step used up atomically.
     *
     * @return the step it was for
     * @throws AccessPassException {@code invalid_code}, {@code too_many_attempts}
     */
    long checkTotp(UserRecord user, String code, ClientContext client) {
        SecondFactor factor = enabled(user).orElseThrow(SecondFactors::invalidCode);
        LoginThrottle.Attempt attempt = throttle.reserve(LoginThrottle.Key.user(user.id()), client);
        OptionalLong step = Totp.match(seal.open(factor.secret(), user.id()), code, clock.instant());
        // The store's compare-and-set decides a replay: a code of a used (or older) step is refused.
        if (step.isEmpty() || !users.useTotpStep(user.id(), step.getAsLong())) {
            failed(user, client, "totp");
            throw invalidCode();
        }
        attempt.succeeded();
        return step.getAsLong();
    }

    /** What {@code POST /reauth} answers: the session's new authentication facts. */
    record Reauthenticated(Instant authTime, List<String> amr, int aal) {
    }

    /**
     * {@code POST /reauth}: the password or a TOTP code, under the account throttle; raises the current session's
     * {@code auth_time} (and, with a code, its {@code aal} to 2) without new tokens.
     */
    Reauthenticated reauthenticate(Authentication auth, String password, String code, ClientContext client) {
        if ((password == null) == (code == null)) {
            throw AccessPassException.validation(new FieldErrors().add("password", "send either password or code"));
        }
        UserRecord user = accounts.current(auth);
        Set<String> amr = new LinkedHashSet<>(auth.amr());
        int aal = auth.aal();
        if (password != null) {
            if (password.isEmpty()) {
                throw AccessPassException.validation(new FieldErrors().add("password", "is required"));
            }
            if (user.passwordHash() == null) {
                throw AccessPassException.validation(new FieldErrors().add("password",
                        "this account has no password"));
            }
            accounts.verifyUnderThrottle(user, password, client);
            amr.add("pwd");
        } else {
            checkTotp(user, requireCode(code), client);
            amr.add("otp");
            amr.add("mfa");
            aal = 2;
        }
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<String> methods = List.copyOf(amr);
        if (!tokens.recordReauthentication(auth.sessionId(), methods, aal, now)) {
            throw new AccessPassException(ErrorCode.INVALID_TOKEN, "The access token is invalid.");
        }
        security.emit(SecurityEvent.Type.REAUTHENTICATED, user.id(), auth.sessionId(), client.address(),
                Map.of("method", password != null ? "password" : "totp"));
        return new Reauthenticated(now, methods, aal);
    }

    /** Whether {@code user} has TOTP on. */
    boolean hasTotp(UserRecord user) {
        return enabled(user).isPresent();
    }

    /** {@code POST /mfa/verify} with a TOTP or recovery code. */
    TokenResponse verify(String mfaToken, String code, String recoveryCode, ClientContext client) {
        boolean byCode = code != null;
        if (byCode == (recoveryCode != null)) {
            throw AccessPassException.validation(new FieldErrors().add("code", "send either code or recovery_code"));
        }
        String checkedCode = byCode ? requireCode(code) : requireRecoveryCode(recoveryCode);
        return continueLogin(mfaToken, client, user -> {
            if (byCode) {
                checkTotp(user, checkedCode, client);
            } else {
                useRecoveryCode(user, checkedCode, client);
            }
            return List.of("otp");
        });
    }

    /** A second-factor check of the user an {@code mfa_token} is for; gives its RFC 8176 values. */
    @FunctionalInterface
    interface FactorCheck {
        /** @throws AccessPassException when the factor is wrong ({@code invalid_code}) or throttled */
        List<String> check(UserRecord user);
    }

    /**
     * Uses up the {@code mfa_token}, runs {@code factor} and opens the session. A wrong factor puts the token back,
     * unless it was its fifth; so the token is single use even under racing requests (only one of them holds it at
     * a time) and dies after five failures. TOTP, recovery codes and passkeys all come this way.
     */
    TokenResponse continueLogin(String mfaToken, ClientContext client, FactorCheck factor) {
        if (mfaToken == null || !Secrets.isToken(mfaToken)) {
            throw invalidGrant();
        }
        TokenHash hash = TokenHash.of(mfaToken);
        Instant now = clock.instant();
        OneTimeToken pending = tokens.consumeOneTimeToken(hash, TokenPurpose.MFA_LOGIN, now)
                .orElseThrow(SecondFactors::invalidGrant);
        PendingLogin login = PendingLogin.decode(pending.payload());
        UserRecord user = Optional.ofNullable(pending.user()).flatMap(users::findById)
                // A password change or reset since the first factor: that password proves nothing any more.
                .filter(found -> found.credentialEpoch() == login.epoch())
                .orElseThrow(SecondFactors::invalidGrant);
        String failuresKey = LoginThrottle.Key.of("mfa-token", mfaToken).value();
        List<String> proved;
        try {
            proved = factor.check(user);
        } catch (AccessPassException wrong) {
            if (wrong.code() == ErrorCode.TOO_MANY_ATTEMPTS
                    || tokens.recordFailedAttempt(failuresKey, now, MFA_TOKEN_TTL).failures()
                    < MFA_TOKEN_MAX_FAILURES) {
                tokens.saveOneTimeToken(pending);
            }
            throw wrong;
        }
        tokens.clearFailedAttempts(failuresKey);
        return accounts.openSession(user, login.meta(), login.method(), login.sessionMethod(), client, proved);
    }

    /**
     * The user an {@code mfa_token} is for, without using it up (a passkey step needs its options first); empty
     * when the token is unknown, used or expired.
     */
    Optional<UserId> pendingUser(String mfaToken) {
        if (mfaToken == null || !Secrets.isToken(mfaToken)) {
            return Optional.empty();
        }
        TokenHash hash = TokenHash.of(mfaToken);
        Optional<OneTimeToken> pending = tokens.consumeOneTimeToken(hash, TokenPurpose.MFA_LOGIN, clock.instant());
        // Read by consuming and putting back: the SPI has no peek, and the token stays exactly as it was.
        pending.ifPresent(tokens::saveOneTimeToken);
        return pending.map(OneTimeToken::user);
    }

    private void useRecoveryCode(UserRecord user, String code, ClientContext client) {
        LoginThrottle.Attempt attempt = throttle.reserve(LoginThrottle.Key.user(user.id()), client);
        if (enabled(user).isEmpty() || !users.useRecoveryCode(user.id(), digest(user, code))) {
            failed(user, client, "recovery_code");
            throw invalidCode();
        }
        attempt.succeeded();
        security.emit(SecurityEvent.Type.RECOVERY_CODE_USED, user.id(), null, client.address(), Map.of());
        notices.notify(user, "recovery_code_used", null, client);
    }

    private Optional<SecondFactor> enabled(UserRecord user) {
        return users.findSecondFactor(user.id()).filter(SecondFactor::enabled);
    }

    private void failed(UserRecord user, ClientContext client, String kind) {
        security.emit(SecurityEvent.Type.MFA_FAILED, user.id(), null, client.address(), Map.of("kind", kind));
    }

    /** Ten codes of 60 bits each from {@code SecureRandom}, as {@code xxxx-xxxx-xxxx} in base32. */
    static List<String> newRecoveryCodes() {
        List<String> codes = new ArrayList<>(RECOVERY_CODES);
        for (int i = 0; i < RECOVERY_CODES; i++) {
            byte[] bytes = new byte[8];
            RANDOM.nextBytes(bytes);
            String text = Base32.encode(bytes).substring(0, 12).toLowerCase(Locale.ROOT);
            codes.add(text.substring(0, 4) + "-" + text.substring(4, 8) + "-" + text.substring(8));
        }
        return List.copyOf(codes);
    }

    private static Set<String> digests(UserRecord user, List<String> codes) {
        Set<String> digests = new LinkedHashSet<>();
        for (String code : codes) {
            digests.add(digest(user, normalise(code)));
        }
        return digests;
    }

    /**
     * SHA-256 of the user id and the normalised code: the codes carry 60 random bits, so a slow hash adds nothing
     * against guessing online, and the user id keeps one digest from matching another user's code.
     */
    static String digest(UserRecord user, String normalised) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((user.id().value() + ":" + normalised).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Case, spaces and dashes do not matter. */
    static String normalise(String code) {
        StringBuilder kept = new StringBuilder(code.length());
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c != ' ' && c != '-') {
                kept.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
            }
        }
        return kept.toString();
    }

    /** Six ASCII digits, spaces ignored (apps show "123 456"); anything else is a 400, never a counted guess. */
    static String requireCode(String code) {
        if (code == null || code.isEmpty()) {
            throw AccessPassException.validation(new FieldErrors().add("code", "is required"));
        }
        String digits = code.length() > 16 ? code : code.replace(" ", "");
        if (!Totp.isWellFormed(digits)) {
            throw AccessPassException.validation(new FieldErrors().add("code", "must be 6 digits"));
        }
        return digits;
    }

    private static String requireRecoveryCode(String code) {
        if (code.isEmpty() || code.length() > RECOVERY_MAX_LENGTH) {
            throw AccessPassException.validation(new FieldErrors().add("recovery_code",
                    "must be 1 to " + RECOVERY_MAX_LENGTH + " characters"));
        }
        return normalise(code);
    }

    static AccessPassException invalidCode() {
        return new AccessPassException(ErrorCode.INVALID_CODE, "The code is wrong, expired or already used.");
    }

    private static AccessPassException invalidGrant() {
        return new AccessPassException(ErrorCode.INVALID_GRANT, "The mfa_token is invalid, expired or used up.");
    }

    private static AccessPassException alreadyEnabled() {
        return new AccessPassException(ErrorCode.ALREADY_ENABLED, "Two-step login is already on.");
    }

    /** What an {@code mfa_token} remembers of the login it continues. */
    record PendingLogin(long epoch, String method, String sessionMethod, Map<String, String> meta) {
        static PendingLogin decode(String payload) {
            String[] lines = payload.split("\n", -1);
            Map<String, String> meta = new LinkedHashMap<>();
            for (int i = 3; i < lines.length; i++) {
                int eq = lines[i].indexOf('=');
                if (eq > 0) {
                    meta.put(URLDecoder.decode(lines[i].substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(lines[i].substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return new PendingLogin(Long.parseLong(lines[0]), lines[1], lines[2], meta);
        }
    }

    /** The payload of an {@code mfa_token}: epoch, method, session method, then the session's meta, one per line. */
    static String pendingLogin(long epoch, String method, String sessionMethod, Map<String, String> meta) {
        StringBuilder text = new StringBuilder().append(epoch).append('\n').append(method).append('\n')
                .append(sessionMethod);
        meta.forEach((key, value) -> text.append('\n').append(URLEncoder.encode(key, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8)));
        return text.toString();
    }
}
