package dev.accesspass.benchmarks;

import dev.accesspass.store.TokenHash;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SR-03 report: the time to compare two 32-byte digests must not depend on how long their common prefix is.
 * Each comparison runs with the second digest {@code equal} to the first, differing at byte 0 ({@code first}),
 * or differing only at byte 31 ({@code last}, a 31-byte matching prefix):
 * <ul>
 *   <li>{@link #messageDigestIsEqual}: {@code MessageDigest.isEqual}, the JDK's constant-time compare;</li>
 *   <li>{@link #tokenHashEquals}: {@code TokenHash.equals}, which folds four 64-bit words without an early exit;</li>
 *   <li>{@link #earlyExitLoopControl}: a naive byte loop that returns at the first difference. It is not used
 *       anywhere in AccessPass; it is the positive control that shows this benchmark can see a prefix
 *       dependence when there is one.</li>
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ConstantTimeCompareBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
@State(Scope.Thread)
public class ConstantTimeCompareBenchmark {

    @Param({"equal", "first", "last"})
    String difference;

    private byte[] digest;
    private byte[] other;
    private TokenHash hash;
    private TokenHash otherHash;

    @Setup
    public void setUp() {
        digest = new byte[TokenHash.LENGTH];
        new SplittableRandom(7).nextBytes(digest);
        other = digest.clone();
        switch (difference) {
            case "equal" -> { }
            case "first" -> other[0] ^= 1;
            case "last" -> other[TokenHash.LENGTH - 1] ^= 1;
            default -> throw new IllegalArgumentException(difference);
        }
        hash = TokenHash.fromBytes(digest);
        otherHash = TokenHash.fromBytes(other);
    }

    @Benchmark
    public boolean messageDigestIsEqual() {
        return MessageDigest.isEqual(digest, other);
    }

    @Benchmark
    public boolean tokenHashEquals() {
        return hash.equals(otherHash);
    }

    @Benchmark
    public boolean earlyExitLoopControl() {
        byte[] a = digest;
        byte[] b = other;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }
}
