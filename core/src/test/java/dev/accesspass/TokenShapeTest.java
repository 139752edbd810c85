package dev.accesspass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accesspass.store.NewUser;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import dev.accesspass.testing.MutableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SR-05 through the Java API: one token-shape check guards every door, so a string that cannot be one of our tokens
 * never reaches a store, whether it came through the filter or straight from application code.
 */
class TokenShapeTest {
    private final AtomicInteger tokenStoreCalls = new AtomicInteger();
    private final AtomicInteger userStoreCalls = new AtomicInteger();
    private AccessPass accessPass;
    private String validToken;
    private String validRefresh;

    @BeforeEach
    void start() {
        accessPass = AccessPass.builder(AccessPassConfig.defaults()).clock(MutableClock.startingNow())
                .stores(counting(TokenStore.class, TokenStore.inMemory(), tokenStoreCalls),
                        counting(UserStore.class, UserStore.inMemory(), userStoreCalls))
                .build();
        UserRecord user = accessPass.userStore().create(new NewUser("alice", "alice@example.com", true, null,
                Set.of(), Instant.now()));
        TokenResponse tokens = accessPass.openSession(user.id(), Map.of());
        validToken = tokens.accessToken();
        validRefresh = tokens.refreshToken();
    }

    @AfterEach
    void stop() {
        accessPass.close();
    }

    static Stream<String> malformed() {
        String ours = "A".repeat(Secrets.TOKEN_LENGTH);
        return Stream.of("", " ", "abc", ours.substring(1), ours + "A", ours.substring(1) + ".",
                ours.substring(1) + "+", ours.substring(1) + "/", ours.substring(1) + "=", ours.substring(1) + "é",
                ours.substring(1) + "\u0000", ours.substring(1) + "\n", " " + ours.substring(1), "A".repeat(8192),
                "Bearer " + ours, ours.substring(1) + "\uD83D");
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void sr05_malformedAccessTokensNeverReachTheStoreThroughTheJavaApi(String candidate) {
        resetCounts();
        assertThat(accessPass.authenticate(candidate)).isEmpty();
        assertNoStoreCalls();
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void sr05_malformedRefreshAndOneTimeTokensNeverReachTheStore(String candidate) {
        resetCounts();
        if (candidate.isEmpty()) {
            assertThatThrownBy(() -> accessPass.refresh(candidate)).isInstanceOf(AccessPassException.class)
                    .extracting(e -> ((AccessPassException) e).code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
        } else {
            assertThatThrownBy(() -> accessPass.refresh(candidate)).isInstanceOf(AccessPassException.class)
                    .extracting(e -> ((AccessPassException) e).code()).isEqualTo(ErrorCode.INVALID_GRANT);
            assertThatThrownBy(() -> accessPass.confirmEmail(candidate)).isInstanceOf(AccessPassException.class)
                    .extracting(e -> ((AccessPassException) e).code()).isEqualTo(ErrorCode.INVALID_GRANT);
        }
        assertNoStoreCalls();
    }

    @Test
    void sr05_nullNeverReachesTheStore() {
        resetCounts();
        assertThat(accessPass.authenticate(null)).isEmpty();
        assertNoStoreCalls();
    }

    /** The control: the same doors open for a real token, and that does reach the store. */
    @Test
    void aTokenOfOurShapeIsLookedUp() {
        resetCounts();
        assertThat(accessPass.authenticate(validToken)).hasValueSatisfying(auth ->
                assertThat(auth.user().username()).isEqualTo("alice"));
        assertThat(tokenStoreCalls.get()).isPositive();
        resetCounts();
        String unknown = "B".repeat(Secrets.TOKEN_LENGTH);
        assertThat(accessPass.authenticate(unknown)).isEmpty();
        assertThat(tokenStoreCalls.get()).as("a well-formed unknown token is looked up").isPositive();
        assertThat(accessPass.refresh(validRefresh).accessToken()).isNotEqualTo(validToken);
    }

    @Test
    void theShapeIsExactlyWhatWeMint() {
        for (int i = 0; i < 1000; i++) {
            String token = Secrets.newToken();
            assertThat(Secrets.isToken(token)).isTrue();
            // The token check's one-pass form: the same shape, and the digest of the same text.
            assertThat(Secrets.digestIfToken(token)).isEqualTo(TokenHash.of(token));
        }
        for (String bad : malformed().toList()) {
            assertThat(Secrets.isToken(bad)).as(bad).isFalse();
            assertThat(Secrets.digestIfToken(bad)).as(bad).isNull();
        }
        assertThat(Secrets.isToken(null)).isFalse();
        assertThat(Secrets.digestIfToken(null)).isNull();
        assertThat(Secrets.isToken("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO-_")).isTrue();
    }

    @Test
    void sr05_everyCharacterOutsideTheBase64urlAlphabetIsRefusedAtAnyPosition() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char[] token = "A".repeat(Secrets.TOKEN_LENGTH).toCharArray();
        for (int position : new int[] {0, 21, Secrets.TOKEN_LENGTH - 1}) {
            for (int c = 0; c <= Character.MAX_VALUE; c++) {
                char[] candidate = token.clone();
                candidate[position] = (char) c;
                String text = new String(candidate);
                boolean ours = alphabet.indexOf(c) >= 0;
                assertThat(Secrets.isToken(text)).as("U+%04X at %d", c, position).isEqualTo(ours);
                // A character outside ASCII whose low byte is in the alphabet (U+0141 and 'A') must not pass as it.
                assertThat(Secrets.digestIfToken(text)).as("U+%04X at %d, digest", c, position)
                        .isEqualTo(ours ? TokenHash.of(text) : null);
            }
        }
    }

    private void resetCounts() {
        tokenStoreCalls.set(0);
        userStoreCalls.set(0);
    }

    private void assertNoStoreCalls() {
        assertThat(tokenStoreCalls.get()).as("token store calls").isZero();
        assertThat(userStoreCalls.get()).as("user store calls").isZero();
    }

    /** A store that counts every call and otherwise is the real in-memory store. */
    @SuppressWarnings("unchecked")
    private static <T> T counting(Class<T> type, T real, AtomicInteger calls) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() != Object.class) {
                        calls.incrementAndGet();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

}
