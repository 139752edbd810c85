package dev.accesspass.benchmarks;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * A cross-check of {@link TokenCheckBenchmark} for a machine shared with other busy processes, where JMH's wall-clock
 * throughput mostly measures how much CPU the scheduler granted. It runs the same set-up and the same operations,
 * interleaved in short batches (so every variant sees the same neighbours), and times each batch by the thread's own
 * CPU time as well as by the wall clock. CPU nanoseconds per operation give checks per second per core; they leave
 * out garbage-collection work done on other threads; the bytes the thread allocated per operation (what
 * {@code -prof gc} on the JMH benchmark shows) are reported too. {@code authenticateFresh} is
 * {@link TokenCheckBenchmark#authenticateFreshToken}: only the checks are timed, not the making of the copies.
 *
 * <p>Run: {@code java -Xms2g -Xmx2g -cp benchmarks/target/benchmarks.jar
 * dev.accesspass.benchmarks.TokenCheckCpuTime [rounds] [none|micrometer]}; the second argument sets
 * {@link TokenCheckBenchmark#metrics} (run both in separate JVMs, A B B A, and compare {@code cpu vs lookup}).
 */
public final class TokenCheckCpuTime {
    private static final int BATCH = 200_000;
    /** Fresh copies per timed chunk: about 22 KiB of strings, which stay cached; over 100 µs between clock reads. */
    private static final int FRESH_CHUNK = 250;

    private TokenCheckCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        TokenCheckBenchmark bench = new TokenCheckBenchmark();
        bench.sessions = 100_000;
        bench.metrics = args.length > 1 ? args[1] : "none";
        bench.setUp();
        Map<String, IntSupplier> variants = new LinkedHashMap<>();
        variants.put("authenticate", () -> bench.authenticate().isPresent() ? 1 : 0);
        variants.put("authenticateFresh", null); // timed apart: see fresh()
        variants.put("storeLookup", () -> bench.storeLookup().isPresent() ? 1 : 0);
        variants.put("sha256", () -> bench.sha256().hashCode());
        variants.put("sha256ReusedDigest", () -> bench.sha256ReusedDigest()[0]);
        variants.put("mapGetBaseline", () -> bench.mapGetBaseline() != null ? 1 : 0);
        String[] names = variants.keySet().toArray(new String[0]);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();

        long sink = 0;
        for (int warm = 0; warm < 5; warm++) {
            for (String name : names) {
                sink += variants.get(name) == null ? fresh(bench, threads)[2] : batch(variants.get(name));
            }
        }
        double[][] cpuNanos = new double[names.length][rounds];
        double[][] wallNanos = new double[names.length][rounds];
        double[][] bytes = new double[names.length][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < names.length; k++) {
                // Rotate the order every round so no variant always runs first or last.
                int v = (k + round) % names.length;
                if (variants.get(names[v]) == null) {
                    long[] times = fresh(bench, threads);
                    sink += times[2];
                    cpuNanos[v][round] = (double) times[0] / BATCH;
                    wallNanos[v][round] = (double) times[1] / BATCH;
                    bytes[v][round] = (double) times[3] / BATCH;
                    continue;
                }
                long bytes0 = threads.getCurrentThreadAllocatedBytes();
                long cpu0 = threads.getCurrentThreadCpuTime();
                long wall0 = System.nanoTime();
                sink += batch(variants.get(names[v]));
                wallNanos[v][round] = (double) (System.nanoTime() - wall0) / BATCH;
                cpuNanos[v][round] = (double) (threads.getCurrentThreadCpuTime() - cpu0) / BATCH;
                bytes[v][round] = (double) (threads.getCurrentThreadAllocatedBytes() - bytes0) / BATCH;
            }
        }
        bench.tearDown();
        int reference = 0; // authenticate
        double referenceCpu = median(cpuNanos[reference]);
        System.out.printf("%d rounds of %,d operations per variant, interleaved; medians; metrics=%s%n", rounds, BATCH,
                bench.metrics);
        System.out.printf("%-20s %12s %16s %16s %14s %10s%n", "variant", "cpu ns/op", "ops/s per core", "ops/s wall",
                "cpu vs auth", "B/op");
        for (int v = 0; v < names.length; v++) {
            double cpu = median(cpuNanos[v]);
            double wall = median(wallNanos[v]);
            System.out.printf("%-20s %12.1f %,16.0f %,16.0f %13.1f%% %10.0f%n", names[v], cpu, 1e9 / cpu, 1e9 / wall,
                    100 * cpu / referenceCpu, median(bytes[v]));
        }
        if (sink == 42) {
            System.out.println(); // keeps the results alive
        }
    }

    private static long batch(IntSupplier operation) {
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += operation.getAsInt();
        }
        return sum;
    }

    /**
     * {@link #BATCH} checks of fresh token copies, in chunks of {@value #FRESH_CHUNK}: each chunk's copies are made
     * untimed, then its checks are timed. The two clock reads per chunk add a few nanoseconds per check.
     *
     * @return CPU and wall nanoseconds of the checks, how many were valid, and the bytes they allocated
     */
    private static long[] fresh(TokenCheckBenchmark bench, ThreadMXBean threads) {
        String[] copies = new String[FRESH_CHUNK];
        long cpu = 0;
        long wall = 0;
        long valid = 0;
        long allocated = 0;
        for (int done = 0; done < BATCH; done += FRESH_CHUNK) {
            bench.copyFresh(copies);
            long bytes0 = threads.getCurrentThreadAllocatedBytes();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            valid += bench.checkFresh(copies);
            wall += System.nanoTime() - wall0;
            cpu += threads.getCurrentThreadCpuTime() - cpu0;
            allocated += threads.getCurrentThreadAllocatedBytes() - bytes0;
        }
        return new long[] {cpu, wall, valid, allocated};
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
