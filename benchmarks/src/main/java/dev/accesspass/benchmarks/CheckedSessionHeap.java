package dev.accesspass.benchmarks;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserStore;
import java.time.Duration;

/**
 * What a check through {@link AccessPass#authenticate} leaves on the heap per session with the in-memory stores (a
 * plain program, not JMH): {@link SessionHeapFootprint} checks through the store alone, which keeps the pair's grant
 * but not core's memo of the whole answer. Opens {@code sessions} sessions (10 per user) through the Java API, forces
 * full collections, checks every session once, measures again, then checks every session a second time (which must
 * keep nothing more: a repeated check reuses what the first built).
 *
 * <p>Run: {@code java -Xmx3g -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar
 * dev.accesspass.benchmarks.CheckedSessionHeap [sessions]} (default 500 000).
 */
public final class CheckedSessionHeap {
    private static final int SESSIONS_PER_USER = 10;

    private CheckedSessionHeap() {
    }

    public static void main(String[] args) throws InterruptedException {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        AccessPassConfig config = AccessPassConfig.builder().accessTokenTtl(Duration.ofHours(2)).build();
        try (AccessPass accessPass = AccessPass.builder(config)
                .stores(TokenStore.inMemory(), UserStore.inMemory()).build()) {
            String[] tokens = LiveSessions.open(accessPass, sessions, SESSIONS_PER_USER);
            long opened = HeapUse.usedAfterGc();
            checkAll(accessPass, tokens);
            long checkedOnce = HeapUse.usedAfterGc();
            checkAll(accessPass, tokens);
            long checkedTwice = HeapUse.usedAfterGc();
            System.out.printf("%,d sessions: %.1f bytes per session kept by the first check, %.1f more by the second%n",
                    sessions, (checkedOnce - opened) / (double) sessions,
                    (checkedTwice - checkedOnce) / (double) sessions);
        }
    }

    private static void checkAll(AccessPass accessPass, String[] tokens) {
        for (String token : tokens) {
            if (accessPass.authenticate(token).isEmpty()) {
                throw new IllegalStateException("a session did not authenticate");
            }
        }
    }
}
