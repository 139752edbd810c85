package dev.accesspass.benchmarks;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.TokenResponse;
import dev.accesspass.password.Argon2Parameters;
import dev.accesspass.password.PasswordHasher;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserStore;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one successful password login ({@link #login}: {@code AccessPass.login}, with the user look-up,
 * throttle check, one Argon2id verify handed to the hashing pool, the rehash check, a new session and its tokens)
 * against the baseline of one bare {@link #verify} at the same OWASP parameters (m=19 MiB, t=2, p=1), measured in
 * the same run. Target: login within 10 % of the bare verify. {@link #hash} is the cost of a registration's or
 * password change's hash. Only successful logins are made, so throttling never triggers.
 *
 * <p>Sample-time mode: every call is timed (a few hundred per benchmark), so besides the mean JMH reports the
 * median and the minimum. On a shared, noisy machine compare the medians (p0.50) and minimums (p0.00): other
 * processes can only add time to a sample, never remove it.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar LoginCostBenchmark}
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Benchmark)
public class LoginCostBenchmark {
    private static final String USERNAME = "benchuser";
    private static final String PASSWORD = "correct horse battery staple 42";

    private PasswordHasher hasher;
    private AccessPass accessPass;
    private String storedHash;

    @Setup(Level.Trial)
    public void setUp() {
        hasher = PasswordHasher.argon2id(Argon2Parameters.owaspDefault());
        storedHash = hasher.hash(PASSWORD);
        UserStore users = UserStore.inMemory();
        users.create(new NewUser(USERNAME, USERNAME + "@example.com", true, storedHash, Set.of(), Instant.now()));
        // The highest allowed limit; only successful logins are made anyway, and each clears the account counter.
        AccessPassConfig config = AccessPassConfig.builder().loginMaxAttempts(100).build();
        // The same hasher object for both sides, so both compute exactly the same Argon2id.
        accessPass = AccessPass.builder(config).stores(TokenStore.inMemory(), users).passwordHasher(hasher).build();
        if (!hasher.verify(PASSWORD, storedHash) || hasher.needsRehash(storedHash)) {
            throw new IllegalStateException("the stored hash must verify and need no rehash");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        accessPass.close();
    }

    @Benchmark
    public TokenResponse login() {
        return accessPass.login(USERNAME, PASSWORD, "127.0.0.1");
    }

    @Benchmark
    public boolean verify() {
        return hasher.verify(PASSWORD, storedHash);
    }

    @Benchmark
    public String hash() {
        return hasher.hash(PASSWORD);
    }
}
