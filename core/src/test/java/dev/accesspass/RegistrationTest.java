package dev.accesspass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.accesspass.mail.SentMail;
import dev.accesspass.password.HashingPool;
import dev.accesspass.password.PasswordHasher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * /register against enumeration and hashing-pool starvation (issue #10 item 5): with confirmation required a taken
 * email gets the answer and the work of a new account (SR-32); registrations are limited per address; one address
 * flooding the hashing pool does not starve another's login (SR-22).
 */
class RegistrationTest {
    private static final String PASSWORD = "correct horse battery staple";
    private final CountingHasher hasher = new CountingHasher();
    private final List<AccessPass> built = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void close() {
        threads.shutdownNow();
        built.forEach(AccessPass::close);
    }

    private AccessPass build(AccessPassConfig.Builder config, HashingPool pool) {
        AccessPass.Builder builder = AccessPass.builder(config.build()).passwordHasher(hasher);
        if (pool != null) {
            builder.hashingPool(pool);
        }
        AccessPass accessPass = builder.build();
        built.add(accessPass);
        return accessPass;
    }

    @Test
    void sr32_takenEmailWithConfirmationRequiredGetsTheSameAnswerAndWorkAndTheOwnerANotice() throws Exception {
        AccessPass accessPass = build(AccessPassConfig.builder().set("require-confirmed-email", "true"), null);
        int before = hasher.hashes.get();
        Optional<TokenResponse> fresh = accessPass.register("alice", "alice@example.com", PASSWORD, PASSWORD,
                "192.0.2.1");
        int freshHashes = hasher.hashes.get() - before;

        before = hasher.hashes.get();
        Optional<TokenResponse> taken = accessPass.register("mallory", "ALICE@example.com", PASSWORD, PASSWORD,
                "192.0.2.2");
        int takenHashes = hasher.hashes.get() - before;

        assertThat(taken).isEqualTo(fresh).isEmpty();
        assertThat(takenHashes).as("same Argon2 work as a new account").isEqualTo(freshHashes).isEqualTo(1);
        assertThat(accessPass.findUser("mallory")).as("nothing created").isEmpty();
        List<SentMail> outbox = awaitMail(accessPass, 2);
        assertThat(outbox).extracting(mail -> mail.message().kind())
                .containsExactlyInAnyOrder("confirm_email", "registration_attempt");
        SentMail notice = outbox.stream().filter(mail -> mail.message().kind().equals("registration_attempt"))
                .findFirst().orElseThrow();
        assertThat(notice.message().to()).isEqualTo("alice@example.com");
        assertThat(notice.message().text()).doesNotContain("token=").doesNotContain("mallory");

        AccessPassException usernameTaken = catchThrowableOfType(AccessPassException.class, () ->
                accessPass.register("Alice", "other@example.com", PASSWORD, PASSWORD, "192.0.2.3"));
        assertThat(usernameTaken.code()).as("a taken username stays 409").isEqualTo(ErrorCode.USERNAME_TAKEN);
    }

    @Test
    void takenEmailWithoutConfirmationRequiredStaysEmailTaken() {
        AccessPass accessPass = build(AccessPassConfig.builder(), null);
        accessPass.register("alice", "alice@example.com", PASSWORD, PASSWORD, "192.0.2.1");
        AccessPassException taken = catchThrowableOfType(AccessPassException.class, () ->
                accessPass.register("mallory", "alice@example.com", PASSWORD, PASSWORD, "192.0.2.1"));
        assertThat(taken.code()).isEqualTo(ErrorCode.EMAIL_TAKEN);
    }

    @Test
    void sr31_registrationsAreLimitedPerAddressWithRetryAfter() {
        AccessPass accessPass = build(AccessPassConfig.builder().set("register-max-per-address", "3"), null);
        for (int i = 0; i < 3; i++) {
            accessPass.register("user" + i, "user" + i + "@example.com", PASSWORD, PASSWORD, "192.0.2.1");
        }
        int before = hasher.hashes.get();
        AccessPassException refused = catchThrowableOfType(AccessPassException.class, () ->
                accessPass.register("user9", "user9@example.com", PASSWORD, PASSWORD, "192.0.2.1"));
        assertThat(refused.code()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThat(refused.retryAfter()).hasValueSatisfying(wait ->
                assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofHours(1)));
        AccessPassException probe = catchThrowableOfType(AccessPassException.class, () ->
                accessPass.register("user0", "x@example.com", PASSWORD, PASSWORD, "192.0.2.1"));
        assertThat(probe.code()).as("probing names is throttled too").isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThat(hasher.hashes.get()).as("refused before any hashing").isEqualTo(before);

        assertThat(accessPass.register("other", "other@example.com", PASSWORD, PASSWORD, "192.0.2.2")).isPresent();
    }

    @Test
    void sr22_oneAddressFloodingTheHashingPoolDoesNotStarveAnotherAddress() throws Exception {
        // Two workers, the default queue of 64 and the default share (16 per client); each hash takes 20 ms.
        hasher.pauseMillis = 20;
        // Throttle limits out of the way: this is about the pool (attempts are reserved before they are verified).
        AccessPass accessPass = build(AccessPassConfig.builder().loginMaxAttempts(100).loginAddressMaxAttempts(1000),
                new HashingPool(2, 64, Duration.ofSeconds(2)));
        accessPass.register("flooder", "flooder@example.com", PASSWORD, PASSWORD, "198.51.100.1");
        accessPass.register("victim", "victim@example.com", PASSWORD, PASSWORD, "203.0.113.5");

        int flood = 100;
        CyclicBarrier start = new CyclicBarrier(flood + 1);
        List<Future<ErrorCode>> flooders = new ArrayList<>();
        for (int i = 0; i < flood; i++) {
            flooders.add(threads.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                try {
                    accessPass.login("flooder", PASSWORD, "198.51.100.1");
                    return null;
                } catch (AccessPassException e) {
                    return e.code();
                }
            }));
        }
        Future<List<ErrorCode>> victim = threads.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            List<ErrorCode> outcomes = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                try {
                    accessPass.login("victim", PASSWORD, "203.0.113.5");
                    outcomes.add(null);
                } catch (AccessPassException e) {
                    outcomes.add(e.code());
                }
            }
            return outcomes;
        });
        int busy = 0;
        for (Future<ErrorCode> f : flooders) {
            if (f.get(30, TimeUnit.SECONDS) == ErrorCode.SERVER_BUSY) {
                busy++;
            }
        }
        assertThat(victim.get(30, TimeUnit.SECONDS)).as("every login of the other address").containsOnlyNulls();
        assertThat(busy).as("the flooding address is turned away").isGreaterThanOrEqualTo(flood / 2);
    }

    private static List<SentMail> awaitMail(AccessPass accessPass, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (accessPass.outbox().orElseThrow().size() < count) {
            assertThat(System.nanoTime()).as("mail never came").isLessThan(deadline);
            Thread.sleep(10);
        }
        return accessPass.outbox().orElseThrow();
    }

    /** A fast fake that counts hashes; not a password hasher. */
    private static final class CountingHasher implements PasswordHasher {
        final AtomicInteger hashes = new AtomicInteger();
        volatile int pauseMillis;

        @Override
        public String hash(String password) {
            hashes.incrementAndGet();
            pause();
            return "$fake$" + password.hashCode();
        }

        @Override
        public boolean verify(String password, String encodedHash) {
            pause();
            return ("$fake$" + password.hashCode()).equals(encodedHash);
        }

        @Override
        public boolean needsRehash(String encodedHash) {
            return false;
        }

        @Override
        public void verifyDummy(String password) {
            pause();
        }

        private void pause() {
            if (pauseMillis > 0) {
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
