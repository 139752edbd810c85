package dev.accesspass;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.oauth.OAuthProfile;
import dev.accesspass.oauth.OAuthResolution;
import dev.accesspass.password.PasswordHasher;
import dev.accesspass.store.OneTimeToken;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenPurpose;
import dev.accesspass.store.UserRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SR-71 on a whole {@link AccessPass}: logins with the old password race a password reset, a password change, an
 * OAuth takeover and a logout-all, many rounds; afterwards not one of the sessions those logins opened may work (by
 * access token or by refresh). Each store module extends this with its stores ({@link #config()}).
 *
 * <p>The hasher is a fast fake whose verify takes a random 0–2 ms, so that logins are in flight, between reading the
 * hash and opening the session, at the moment the credential changes. Threads are released by one barrier and
 * every wait is bounded.
 */
public abstract class CredentialChangeRaceContract {
    private static final String OLD_PASSWORD = "old password, long enough";
    private static final String NEW_PASSWORD = "new password, long enough";
    private static final int LOGINS = 4;
    private static final long TIMEOUT_SECONDS = 30;

    private final Map<String, UserId> takeOvers = new ConcurrentHashMap<>();
    private final AtomicInteger registrations = new AtomicInteger();
    private SlowFakeHasher hasher;
    private AccessPass accessPass;
    private ExecutorService pool;

    /** The configuration with the stores under test (e.g. {@code store=jdbc}); the test adds nothing to it. */
    protected abstract AccessPassConfig.Builder config();

    /** Rounds per scenario; each round is one user with {@value #LOGINS} racing login threads. */
    protected int rounds() {
        return 40;
    }

    @BeforeEach
    void build() {
        hasher = new SlowFakeHasher();
        accessPass = AccessPass.builder(config().build())
                .passwordHasher(hasher)
                // The takeover is what the standard resolver decides for a verified provider email on an
                // unconfirmed account; here the test names the account so the scenario does not depend on it.
                .oauthUserResolver((profile, users) -> OAuthResolution.takeOver(takeOvers.get(profile.subject())))
                .build();
        pool = Executors.newFixedThreadPool(LOGINS + 1);
    }

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        accessPass.close();
    }

    @Test
    public void sr71_loginsInFlightDoNotSurviveAPasswordReset() throws Exception {
        for (int round = 0; round < rounds(); round++) {
            UserRecord user = register("reset" + round);
            String token = Secrets.newToken();
            accessPass.tokenStore().saveOneTimeToken(new OneTimeToken(TokenHash.of(token),
                    TokenPurpose.RESET_PASSWORD, user.id(), accessPass.clock().instant().plus(Duration.ofHours(1)),
                    null));

            List<TokenResponse> opened = race(round, user, () ->
                    accessPass.resetPassword(token, NEW_PASSWORD, NEW_PASSWORD, "192.0.2.1"));

            assertNoneLive(round, opened);
        }
    }

    @Test
    public void sr71_loginsInFlightDoNotSurviveAPasswordChangeAndTheCallersSessionDoes() throws Exception {
        for (int round = 0; round < rounds(); round++) {
            UserRecord user = register("change" + round);
            TokenResponse own = accessPass.login(user.username(), OLD_PASSWORD, "192.0.2.1");
            Authentication caller = accessPass.authenticate(own.accessToken()).orElseThrow();

            List<TokenResponse> opened = race(round, user, () ->
                    accessPass.changePassword(caller, OLD_PASSWORD, NEW_PASSWORD, NEW_PASSWORD, "192.0.2.1"));

            assertNoneLive(round, opened);
            assertThat(accessPass.authenticate(own.accessToken())).as("round %d: the caller's session", round)
                    .isPresent();
            assertThat(accessPass.refresh(own.refreshToken()).accessToken()).isNotNull();
        }
    }

    @Test
    public void sr71_loginsInFlightDoNotSurviveAnOAuthTakeover() throws Exception {
        for (int round = 0; round < rounds(); round++) {
            UserRecord squatted = register("squat" + round);
            String subject = "subject-" + round;
            takeOvers.put(subject, squatted.id());
            AtomicReference<TokenResponse> owner = new AtomicReference<>();
            String login = "owner" + round;

            List<TokenResponse> opened = race(round, squatted, () -> owner.set(accessPass.oauthLogins().login(
                    new OAuthProfile("github", subject, squatted.email(), true, login, null,
                            Map.of("id", subject)), "198.51.100.7")));

            assertNoneLive(round, opened);
            assertThat(accessPass.authenticate(owner.get().accessToken())).as("round %d: the owner's session", round)
                    .isPresent();
        }
    }

    /**
     * The same four credential changes, each with one login held inside its password check (after it read the user)
     * until the change has returned: deterministic, so this fails on every run without epochs.
     */
    @Test
    public void sr71_loginHeldInItsPasswordCheckAcrossEachCredentialChangeOpensNoLiveSession() throws Exception {
        UserRecord resetUser = register("held-reset");
        String token = Secrets.newToken();
        accessPass.tokenStore().saveOneTimeToken(new OneTimeToken(TokenHash.of(token), TokenPurpose.RESET_PASSWORD,
                resetUser.id(), accessPass.clock().instant().plus(Duration.ofHours(1)), null));
        assertHeldLoginDies(resetUser, () -> accessPass.resetPassword(token, NEW_PASSWORD, NEW_PASSWORD, "192.0.2.1"));

        UserRecord changeUser = register("held-change");
        TokenResponse own = accessPass.login(changeUser.username(), OLD_PASSWORD, "192.0.2.1");
        Authentication caller = accessPass.authenticate(own.accessToken()).orElseThrow();
        assertHeldLoginDies(changeUser, () ->
                accessPass.changePassword(caller, OLD_PASSWORD, NEW_PASSWORD, NEW_PASSWORD, "192.0.2.1"));
        assertThat(accessPass.authenticate(own.accessToken())).as("the caller's session survives").isPresent();

        UserRecord squatted = register("held-squat");
        takeOvers.put("held-subject", squatted.id());
        assertHeldLoginDies(squatted, () -> accessPass.oauthLogins().login(new OAuthProfile("github",
                "held-subject", squatted.email(), true, "owner", null, Map.of()), "198.51.100.7"));

        UserRecord allUser = register("held-all");
        TokenResponse mine = accessPass.login(allUser.username(), OLD_PASSWORD, "192.0.2.1");
        Authentication asker = accessPass.authenticate(mine.accessToken()).orElseThrow();
        assertHeldLoginDies(allUser, () -> accessPass.logoutAll(asker));
    }

    private void assertHeldLoginDies(UserRecord user, ThrowingRunnable change) throws Exception {
        SlowFakeHasher.Gate gate = new SlowFakeHasher.Gate();
        hasher.gate = gate;
        Future<Optional<TokenResponse>> login = pool.submit(() -> {
            try {
                return Optional.of(accessPass.login(user.username(), OLD_PASSWORD, "203.0.113.9"));
            } catch (AccessPassException refused) {
                return Optional.<TokenResponse>empty();
            }
        });
        assertThat(gate.entered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("login reached its check").isTrue();
        hasher.gate = null;
        change.run();
        gate.release.countDown();
        Optional<TokenResponse> opened = login.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNoneLive(0, opened.stream().toList());
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private UserRecord register(String username) {
        // One address per registration: registrations are limited per address.
        int n = registrations.incrementAndGet();
        accessPass.register(username, username + "@example.com", OLD_PASSWORD, OLD_PASSWORD,
                "198.18." + (n / 250) + "." + (n % 250 + 1));
        return accessPass.userStore().findByUsername(username).orElseThrow();
    }

    /**
     * Starts {@value #LOGINS} threads that log in as {@code user} with the old password again and again, and one
     * that runs {@code change}, all from one barrier; the login threads stop a few attempts after the change
     * returned. Returns every token pair a login got.
     */
    private List<TokenResponse> race(int round, UserRecord user, ThrowingRunnable change) throws Exception {
        CyclicBarrier start = new CyclicBarrier(LOGINS + 1);
        AtomicBoolean changed = new AtomicBoolean();
        List<TokenResponse> opened = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < LOGINS; i++) {
            String address = "10." + (round % 250) + "." + i + ".1";
            futures.add(pool.submit(() -> {
                start.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                int after = 0;
                for (int attempt = 0; attempt < 500 && after < 3; attempt++) {
                    if (changed.get()) {
                        after++;
                    }
                    try {
                        opened.add(accessPass.login(user.username(), OLD_PASSWORD, address));
                    } catch (AccessPassException refused) {
                        // invalid_credentials once the password is gone, or too_many_attempts: both are fine.
                    }
                }
                return null;
            }));
        }
        futures.add(pool.submit(() -> {
            start.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            // Let the logins get going first, so some are between their password check and their session.
            Thread.sleep(ThreadLocalRandom.current().nextInt(1, 4));
            try {
                change.run();
            } finally {
                changed.set(true);
            }
            return null;
        }));
        for (Future<?> future : futures) {
            future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        return opened;
    }

    private void assertNoneLive(int round, List<TokenResponse> opened) {
        List<String> live = new ArrayList<>();
        for (TokenResponse tokens : opened) {
            if (accessPass.authenticate(tokens.accessToken()).isPresent()) {
                live.add("access");
            }
            try {
                accessPass.refresh(tokens.refreshToken());
                live.add("refresh");
            } catch (AccessPassException expected) {
                // invalid_grant: the session is gone.
            }
        }
        assertThat(live).as("round %d: of %d sessions opened by racing logins, these still worked", round,
                opened.size()).isEmpty();
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /**
     * Not a password hasher: a salted SHA-256 with a random 0–2 ms pause in verify, so that a login stays in flight
     * long enough to meet a concurrent credential change.
     */
    private static final class SlowFakeHasher implements PasswordHasher {
        /** When set, the next verify announces itself and waits for the release. */
        volatile Gate gate;

        static final class Gate {
            final CountDownLatch entered = new CountDownLatch(1);
            final CountDownLatch release = new CountDownLatch(1);
        }

        @Override
        public String hash(String password) {
            String salt = Long.toHexString(ThreadLocalRandom.current().nextLong());
            return "$fake$" + salt + "$" + digest(salt + password);
        }

        @Override
        public boolean verify(String password, String encodedHash) {
            Gate held = gate;
            if (held != null) {
                held.entered.countDown();
                try {
                    held.release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else {
                pause();
            }
            if (encodedHash == null || !encodedHash.startsWith("$fake$")) {
                return false;
            }
            String[] parts = encodedHash.split("\\$");
            return MessageDigest.isEqual(parts[3].getBytes(StandardCharsets.US_ASCII),
                    digest(parts[2] + password).getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public boolean needsRehash(String encodedHash) {
            return false;
        }

        @Override
        public void verifyDummy(String password) {
            pause();
        }

        private static void pause() {
            try {
                Thread.sleep(ThreadLocalRandom.current().nextInt(0, 3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static String digest(String text) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
