package dev.accesspass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.accesspass.password.CountingHasher;
import dev.accesspass.store.OneTimeToken;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenPurpose;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import dev.accesspass.testing.MutableClock;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * One AccessPass built only through its public builder, for core's specification tests: memory stores, a clock the
 * test moves, a cheap counting Argon2id hasher and recording hooks. No HTTP. Close it after each test.
 */
final class SpecRig implements AutoCloseable {
    static final String PASSWORD = "correct horse battery";
    static final String CLIENT = "192.0.2.10";

    final MutableClock clock = MutableClock.startingNow();
    final CountingHasher hasher;
    final RecordingHooks hooks = new RecordingHooks();
    final TokenStore tokenStore;
    final UserStore userStore;
    final AccessPass accessPass;

    private SpecRig(AccessPassConfig config, CountingHasher hasher, TokenStore tokenStore, UserStore userStore) {
        this.hasher = hasher;
        this.tokenStore = tokenStore;
        this.userStore = userStore;
        this.accessPass = AccessPass.builder(config).clock(clock).hooks(hooks).stores(tokenStore, userStore)
                .passwordHasher(hasher).build();
    }

    /** Default settings. */
    static SpecRig start() {
        return start(config -> config);
    }

    static SpecRig start(UnaryOperator<AccessPassConfig.Builder> settings) {
        return new SpecRig(settings.apply(AccessPassConfig.builder()).build(), CountingHasher.weak(),
                TokenStore.inMemory(), UserStore.inMemory());
    }

    static SpecRig start(UnaryOperator<AccessPassConfig.Builder> settings, TokenStore tokenStore) {
        return new SpecRig(settings.apply(AccessPassConfig.builder()).build(), CountingHasher.weak(), tokenStore,
                UserStore.inMemory());
    }

    /** A second instance over the same stores (another node, or a restart with other settings). */
    SpecRig sibling(CountingHasher otherHasher) {
        return new SpecRig(accessPass.config(), otherHasher, tokenStore, userStore);
    }

    /** Registers {@code name} with {@code name@example.org} and {@link #PASSWORD}; returns its first tokens. */
    TokenResponse register(String name) {
        return accessPass.register(name, name + "@example.org", PASSWORD, PASSWORD, CLIENT).orElseThrow();
    }

    TokenResponse login(String name) {
        return accessPass.login(name, PASSWORD, CLIENT);
    }

    Authentication auth(TokenResponse tokens) {
        return accessPass.authenticate(tokens.accessToken()).orElseThrow();
    }

    UserRecord user(String name) {
        return userStore.findByUsername(name).orElseThrow();
    }

    /** Stores a reset token for {@code name} the way the mailed link carries it; returns the token. */
    String resetToken(String name, Duration ttl) {
        return oneTimeToken(name, TokenPurpose.RESET_PASSWORD, ttl);
    }

    String oneTimeToken(String name, TokenPurpose purpose, Duration ttl) {
        String token = Secrets.newToken();
        tokenStore.saveOneTimeToken(new OneTimeToken(TokenHash.of(token), purpose, user(name).id(),
                clock.instant().plus(ttl), null));
        return token;
    }

    /** Whether the one-time token is still there (consuming it to find out). */
    boolean oneTimeTokenLives(String token, TokenPurpose purpose) {
        return tokenStore.consumeOneTimeToken(TokenHash.of(token), purpose, clock.instant()).isPresent();
    }

    static AccessPassException failure(ThrowingCallable call) {
        AccessPassException thrown = catchThrowableOfType(AccessPassException.class, call);
        assertThat(thrown).as("an AccessPassException").isNotNull();
        return thrown;
    }

    static ErrorCode code(ThrowingCallable call) {
        return failure(call).code();
    }

    private boolean closed;

    /** Closes the instance, draining its mail queue first; a second call does nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            accessPass.close();
        }
    }
}
