package dev.accesspass.benchmarks;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.Authentication;
import dev.accesspass.micrometer.MicrometerAuthMetrics;
import dev.accesspass.store.SessionGrant;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Access-token checks per second on one core, against the in-memory stores, over {@code sessions} live sessions
 * (10 per user) picked at random:
 * <ul>
 *   <li>{@link #storeLookup}: {@code TokenStore.findByAccessToken} with an already-hashed token (the store alone);</li>
 *   <li>{@link #authenticate}: {@code AccessPass.authenticate(token)}, the full check the filter makes per request
 *       (SHA-256 of the 43-character token, store lookup, clock read, user lookup, user view);</li>
 *   <li>{@link #authenticateFreshToken}: the same check of a fresh copy of the token, as a request's header parsing
 *       makes one: {@code authenticate} also pays two cache misses for a random {@code String} of a 100 k array
 *       (the object and its bytes) that a request does not. {@link FreshTokens} copies {@value #FRESH_BATCH} random
 *       tokens into new strings before each invocation (outside the time), which then checks them;</li>
 * </ul>
 * and, measured in the same run to say where the time goes: {@link #sha256} ({@code TokenHash.of}, the hashing step
 * of {@code authenticate} as it is), {@link #sha256ReusedDigest} (the same digest with one reused
 * {@code MessageDigest}, i.e. without the provider look-up of {@code MessageDigest.getInstance}),
 * {@link #mapGetBaseline} (a bare {@code ConcurrentHashMap.get} over the same digests: the floor for any lookup).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar TokenCheckBenchmark}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Threads(1)
@State(Scope.Benchmark)
public class TokenCheckBenchmark {
    private static final int SESSIONS_PER_USER = 10;
    /** Pre-drawn random picks, so the benchmark loop spends nothing on a random generator. */
    private static final int PICKS = 1 << 20;
    /** Tokens copied per invocation of {@link #authenticateFreshToken}; their strings (about 6 KiB) stay cached. */
    static final int FRESH_BATCH = 64;

    @Param("100000")
    int sessions;

    /** {@code none}: no metrics listener; {@code micrometer}: accesspass-micrometer on a SimpleMeterRegistry. */
    @Param({"none", "micrometer"})
    String metrics = "none";

    private AccessPass accessPass;
    private TokenStore store;
    private String[] tokens;
    private TokenHash[] hashes;
    private byte[][] tokenBytes;
    private ConcurrentHashMap<TokenHash, Object> plainMap;
    private int[] picks;
    private int cursor;
    private Instant now;
    private MessageDigest reusedSha256;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        AccessPassConfig config = AccessPassConfig.builder().accessTokenTtl(Duration.ofHours(2)).build();
        store = TokenStore.inMemory();
        UserStore users = UserStore.inMemory();
        AccessPass.Builder builder = AccessPass.builder(config).stores(store, users);
        if (metrics.equals("micrometer")) {
            builder.metrics(new MicrometerAuthMetrics(new SimpleMeterRegistry()));
        }
        accessPass = builder.build();
        tokens = LiveSessions.open(accessPass, sessions, SESSIONS_PER_USER);
        hashes = new TokenHash[sessions];
        tokenBytes = new byte[sessions][];
        plainMap = new ConcurrentHashMap<>();
        for (int i = 0; i < sessions; i++) {
            hashes[i] = TokenHash.of(tokens[i]);
            tokenBytes[i] = tokens[i].getBytes(StandardCharsets.US_ASCII);
            plainMap.put(hashes[i], hashes[i]);
        }
        SplittableRandom random = new SplittableRandom(42);
        picks = new int[PICKS];
        for (int i = 0; i < PICKS; i++) {
            picks[i] = random.nextInt(sessions);
        }
        now = Instant.now();
        reusedSha256 = MessageDigest.getInstance("SHA-256");
        // Every token must check out, or the benchmark would measure the fast "unknown token" path.
        for (int i = 0; i < sessions; i += 997) {
            if (accessPass.authenticate(tokens[i]).isEmpty()) {
                throw new IllegalStateException("session " + i + " does not authenticate");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        accessPass.close();
    }

    private int next() {
        int index = picks[cursor];
        cursor = (cursor + 1) & (PICKS - 1);
        return index;
    }

    @Benchmark
    public Optional<SessionGrant> storeLookup() {
        return store.findByAccessToken(hashes[next()], now);
    }

    @Benchmark
    public Optional<Authentication> authenticate() {
        return accessPass.authenticate(tokens[next()]);
    }

    /** {@value #FRESH_BATCH} checks of freshly copied tokens ({@link FreshTokens}); returns how many were valid. */
    @Benchmark
    @OperationsPerInvocation(FRESH_BATCH)
    public int authenticateFreshToken(FreshTokens fresh) {
        return checkFresh(fresh.copies);
    }

    /** Checks each token; returns how many were valid. */
    public int checkFresh(String[] copies) {
        int valid = 0;
        for (String token : copies) {
            if (accessPass.authenticate(token).isPresent()) {
                valid++;
            }
        }
        return valid;
    }

    /** Fills {@code copies} with new strings of random tokens, as header parsing makes them: hot in the cache. */
    public void copyFresh(String[] copies) {
        for (int i = 0; i < copies.length; i++) {
            copies[i] = new String(tokenBytes[next()], StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * The request's side of {@link #authenticateFreshToken}: a new batch of copies before every invocation, so the
     * cold reads of the random source token stay out of the time. An invocation is {@value #FRESH_BATCH} checks
     * (tens of microseconds), long enough for the per-invocation set-up's timestamps not to matter.
     */
    @State(Scope.Thread)
    public static class FreshTokens {
        final String[] copies = new String[FRESH_BATCH];

        @Setup(Level.Invocation)
        public void copy(TokenCheckBenchmark bench) {
            bench.copyFresh(copies);
        }
    }

    @Benchmark
    public TokenHash sha256() {
        return TokenHash.of(tokens[next()]);
    }

    @Benchmark
    public byte[] sha256ReusedDigest() {
        return reusedSha256.digest(tokenBytes[next()]);
    }

    @Benchmark
    public Object mapGetBaseline() {
        return plainMap.get(hashes[next()]);
    }
}
