package dev.accesspass.benchmarks;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.Authentication;
import dev.accesspass.TokenResponse;
import dev.accesspass.UserId;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntSupplier;

/**
 * How the cost of AccessPass operations grows, on the in-memory stores (a plain program, not JMH: each figure needs
 * its own heap, and the per-user operations are milliseconds, not nanoseconds).
 *
 * <p>{@code checks N}: {@code N} live sessions (10 per user, as in {@link TokenCheckBenchmark}), then
 * {@code AccessPass.authenticate} on sessions picked at random. Reports the heap in use after set-up and after every
 * session was checked once (the memory store then holds each one's ready grant), the CPU time of a first check
 * (that pass, in random order) and of a repeat check (interleaved batches timed by the thread's CPU time, median),
 * and the latency of single checks (p50, p99, p99.9 of {@code System.nanoTime} around each call, which adds about
 * 20 ns). Run each size in its own JVM with a heap that fits it: about 1 KiB per session with its token string.
 *
 * <p>{@code per-user}: one user with 1, 10, 100 and 1 000 sessions; for each size the median wall time of opening
 * one more session (a login without the password hash, which costs the same whatever the size), refreshing one,
 * checking one, listing them all, revoking one by id, revoking all the others ({@code /logout-others}) and all of
 * them ({@code /logout-all}); the sessions are opened again, untimed, after each revoking step.
 *
 * <p>Run: {@code java -Xmx8g -cp benchmarks/target/benchmarks.jar dev.accesspass.benchmarks.ScalingBenchmark checks
 * 5000000}, {@code java -Xmx1g -cp benchmarks/target/benchmarks.jar dev.accesspass.benchmarks.ScalingBenchmark
 * per-user}
 */
public final class ScalingBenchmark {
    private static final int SESSIONS_PER_USER = 10;
    private static final int BATCH = 200_000;
    private static final int PICKS = 1 << 22;

    private ScalingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("checks")) {
            checks(Integer.parseInt(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 11);
        } else if (args.length >= 1 && args[0].equals("per-user")) {
            perUser(args.length > 1 ? Integer.parseInt(args[1]) : 200);
        } else {
            System.err.println("usage: ScalingBenchmark checks <sessions> [rounds] | per-user [repetitions]");
            System.exit(2);
        }
    }

    private static AccessPass accessPass() {
        // Tokens that outlive the run; no password hashing anywhere (users come without one, as from a provider).
        AccessPassConfig config = AccessPassConfig.builder().accessTokenTtl(Duration.ofHours(2)).build();
        return AccessPass.builder(config).stores(TokenStore.inMemory(), UserStore.inMemory()).build();
    }

    // ------------------------------------------------------------------------------------------- token checks

    private static void checks(int sessions, int rounds) throws Exception {
        // Everything of the benchmark's own that outlives set-up is allocated before the first reading.
        SplittableRandom random = new SplittableRandom(42);
        int[] picks = new int[PICKS];
        for (int i = 0; i < PICKS; i++) {
            picks[i] = random.nextInt(sessions);
        }
        long heapBefore = HeapUse.usedAfterGc();
        AccessPass accessPass = accessPass();
        long setUp = System.nanoTime();
        String[] tokens = LiveSessions.open(accessPass, sessions, SESSIONS_PER_USER);
        double setUpSeconds = (System.nanoTime() - setUp) / 1e9;
        long heapOpened = HeapUse.usedAfterGc() - heapBefore;

        // First checks, in a random order (a shuffled permutation), so that their cost is not that of a scan.
        int[] order = new int[sessions];
        for (int i = 0; i < sessions; i++) {
            order[i] = i;
        }
        for (int i = sessions - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long valid = 0;
        for (int i : order) {
            valid += accessPass.authenticate(tokens[i]).isPresent() ? 1 : 0;
        }
        double firstCheckNanos = (double) (threads.getCurrentThreadCpuTime() - cpu0) / sessions;
        if (valid != sessions) {
            throw new IllegalStateException((sessions - valid) + " sessions did not authenticate");
        }
        order = null;
        long heapChecked = HeapUse.usedAfterGc() - heapBefore;

        int[] cursor = {0};
        IntSupplier check = () -> accessPass.authenticate(tokens[picks[cursor[0]++ & (PICKS - 1)]]).isPresent() ? 1 : 0;
        long sink = 0;
        for (int warm = 0; warm < 5; warm++) {
            sink += batch(check);
        }
        double[] cpuNanos = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            long start = threads.getCurrentThreadCpuTime();
            sink += batch(check);
            cpuNanos[round] = (double) (threads.getCurrentThreadCpuTime() - start) / BATCH;
        }
        int samples = 1_000_000;
        long[] latencies = new long[samples];
        for (int i = 0; i < samples; i++) {
            String token = tokens[picks[cursor[0]++ & (PICKS - 1)]];
            long t0 = System.nanoTime();
            sink += accessPass.authenticate(token).isPresent() ? 1 : 0;
            latencies[i] = System.nanoTime() - t0;
        }
        Arrays.sort(latencies);
        long tokenStrings = (long) sessions * (24 + 64 + 4); // String, its 43 bytes padded to 64, the array slot
        System.out.printf("sessions %,d (%,d users), -Xmx %,d MiB, set-up %.1f s%n", sessions,
                sessions / SESSIONS_PER_USER, Runtime.getRuntime().maxMemory() >> 20, setUpSeconds);
        System.out.printf("heap after set-up  %,8d MiB (%.0f B per session, %.0f B without the benchmark's token "
                + "strings)%n", heapOpened >> 20, (double) heapOpened / sessions,
                (double) (heapOpened - tokenStrings) / sessions);
        System.out.printf("heap after checks  %,8d MiB (%.0f B per session, %.0f B without the token strings)%n",
                heapChecked >> 20, (double) heapChecked / sessions, (double) (heapChecked - tokenStrings) / sessions);
        System.out.printf("first check        %8.0f cpu ns%n", firstCheckNanos);
        System.out.printf("repeat check       %8.0f cpu ns (median of %d batches of %,d; %,.0f checks/s per core)%n",
                median(cpuNanos), rounds, BATCH, 1e9 / median(cpuNanos));
        System.out.printf("latency            p50 %,d ns, p99 %,d ns, p99.9 %,d ns, max %,d ns (%,d checks)%n",
                latencies[samples / 2], latencies[samples * 99 / 100], latencies[samples * 999 / 1000],
                latencies[samples - 1], samples);
        System.out.printf("load average       %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        if (sink == 42) {
            System.out.println();
        }
        accessPass.close();
    }

    private static long batch(IntSupplier operation) {
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += operation.getAsInt();
        }
        return sum;
    }

    // ------------------------------------------------------------------------------------ sessions of one user

    private static void perUser(int repetitions) {
        int[] sizes = {1, 10, 100, 1_000};
        System.out.printf("one user with N sessions, median wall time of %d repetitions (after %d warm-up ones), "
                + "in microseconds; 'per session' divides by N%n", repetitions, repetitions);
        System.out.printf("%-6s %9s %9s %9s %11s %11s %13s %13s %12s %12s%n", "N", "login", "refresh", "check",
                "list", "revoke-one", "revoke-others", "per session", "logout-all", "per session");
        for (int size : sizes) {
            perUser(size, repetitions); // warm-up: the same work, not reported
            double[] row = perUser(size, repetitions);
            System.out.printf("%-6d %9.1f %9.1f %9.2f %11.1f %11.1f %13.1f %13.2f %12.1f %12.2f%n", size, row[0],
                    row[1], row[2], row[3], row[4], row[5], row[5] / Math.max(1, size - 1), row[6], row[6] / size);
        }
        System.out.printf("load average %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** Medians in microseconds: login, refresh, check, list, revoke-one, revoke-others, logout-all. */
    private static double[] perUser(int size, int repetitions) {
        AccessPass accessPass = accessPass();
        UserId user = LiveSessions.newUser(accessPass, 0);
        List<TokenResponse> open = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            open.add(accessPass.openSession(user, Map.of()));
        }
        SplittableRandom random = new SplittableRandom(7);
        double[][] micros = new double[7][repetitions];
        for (int r = 0; r < repetitions; r++) {
            // Login: one more session, then ended again (untimed) so that the user keeps N.
            long t0 = System.nanoTime();
            TokenResponse extra = accessPass.openSession(user, Map.of());
            micros[0][r] = (System.nanoTime() - t0) / 1e3;
            accessPass.revokeSession(accessPass.authenticate(extra.accessToken()).orElseThrow().sessionId());

            int pick = random.nextInt(size);
            t0 = System.nanoTime();
            TokenResponse refreshed = accessPass.refresh(open.get(pick).refreshToken());
            micros[1][r] = (System.nanoTime() - t0) / 1e3;
            open.set(pick, refreshed);

            String token = open.get(random.nextInt(size)).accessToken();
            t0 = System.nanoTime();
            Authentication auth = accessPass.authenticate(token).orElseThrow();
            micros[2][r] = (System.nanoTime() - t0) / 1e3;

            t0 = System.nanoTime();
            int listed = accessPass.sessions(user).size();
            micros[3][r] = (System.nanoTime() - t0) / 1e3;
            if (listed != size) {
                throw new IllegalStateException("listed " + listed + " of " + size);
            }

            // Revoke one by id (DELETE /sessions/{id}), then open a replacement.
            int victim = random.nextInt(size);
            Authentication doomed = accessPass.authenticate(open.get(victim).accessToken()).orElseThrow();
            t0 = System.nanoTime();
            boolean revoked = accessPass.revokeSession(user, doomed.sessionId());
            micros[4][r] = (System.nanoTime() - t0) / 1e3;
            if (!revoked) {
                throw new IllegalStateException("not revoked");
            }
            open.set(victim, accessPass.openSession(user, Map.of()));

            // Every other session (/logout-others), then reopened.
            auth = accessPass.authenticate(open.get(0).accessToken()).orElseThrow();
            t0 = System.nanoTime();
            int others = accessPass.logoutOthers(auth);
            micros[5][r] = (System.nanoTime() - t0) / 1e3;
            if (others != size - 1) {
                throw new IllegalStateException("revoked " + others + " others of " + size);
            }
            for (int i = 1; i < size; i++) {
                open.set(i, accessPass.openSession(user, Map.of()));
            }

            // Every session (/logout-all: the credential epoch advances too), then reopened.
            auth = accessPass.authenticate(open.get(0).accessToken()).orElseThrow();
            t0 = System.nanoTime();
            accessPass.logoutAll(auth);
            micros[6][r] = (System.nanoTime() - t0) / 1e3;
            for (int i = 0; i < size; i++) {
                open.set(i, accessPass.openSession(user, Map.of()));
            }
        }
        accessPass.close();
        double[] medians = new double[7];
        for (int k = 0; k < 7; k++) {
            medians[k] = median(micros[k]);
        }
        return medians;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
