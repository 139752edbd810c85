package dev.accesspass.benchmarks;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.UserId;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * How long a logout on one instance takes to be refused on another, with tokens in one Redis
 * ({@code token-store=redis}): two {@link AccessPass} instances sharing one user store (as two servers share a
 * database) and each with its own Redis connection. Each trial opens a session on A, has B accept the token three
 * times (with the cache on, B now serves it from its cache), revokes on A and times how long B keeps accepting it.
 * Without the cache B reads Redis on every check, so the delay is the time to B's next check; with it, the time
 * Redis's invalidation message takes to reach B. Target: at most 50 ms.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.accesspass.benchmarks.RedisRevocationProbe
 * redis://127.0.0.1:6379 [trials] [token-cache-ttl]}
 */
public final class RedisRevocationProbe {
    private static final Duration GIVE_UP = Duration.ofSeconds(5);
    private static final String PASSWORD = "correct horse battery staple";

    private RedisRevocationProbe() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: RedisRevocationProbe <redis-url> [trials] [token-cache-ttl]");
            System.exit(2);
        }
        int trials = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        String cacheTtl = args.length > 2 ? args[2] : "60";
        AccessPassConfig config = AccessPassConfig.builder().set("token-store", "redis").set("redis-url", args[0])
                .set("token-cache-ttl", cacheTtl).build();
        // One user store for both, as two instances share a user database; tokens go through each one's Redis.
        UserStore users = UserStore.inMemory();
        TokenStore tokensA = open(config);
        TokenStore tokensB = open(config);
        try (AccessPass a = AccessPass.builder(config).stores(tokensA, users).build();
             AccessPass b = AccessPass.builder(config).stores(tokensB, users).build()) {
            String username = "probe" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
            a.register(username, username + "@example.com", PASSWORD, PASSWORD, "127.0.0.1");
            UserId user = a.findUser(username).orElseThrow().id();
            long[] micros = new long[trials];
            for (int trial = 0; trial < trials; trial++) {
                String access = a.openSession(user, Map.of()).accessToken();
                for (int warm = 0; warm < 3; warm++) {
                    if (b.authenticate(access).isEmpty()) {
                        throw new IllegalStateException("instance B does not accept a fresh token");
                    }
                }
                a.revokeSessions(user);
                long revoked = System.nanoTime();
                while (b.authenticate(access).isPresent()) {
                    if (System.nanoTime() - revoked > GIVE_UP.toNanos()) {
                        throw new IllegalStateException("B still accepts a revoked token after " + GIVE_UP);
                    }
                    Thread.onSpinWait();
                }
                micros[trial] = (System.nanoTime() - revoked) / 1_000;
            }
            a.deleteUser(user);
            Arrays.sort(micros);
            System.out.printf("token-cache-ttl=%s: logout on A refused on B (%d trials): p50 %.3f ms, p90 %.3f ms, "
                    + "p99 %.3f ms, max %.3f ms (target <= 50 ms)%n", cacheTtl, trials, micros[trials / 2] / 1000.0,
                    micros[trials * 9 / 10] / 1000.0, micros[Math.min(trials - 1, trials * 99 / 100)] / 1000.0,
                    micros[trials - 1] / 1000.0);
        } finally {
            tokensA.close();
            tokensB.close();
        }
    }

    private static TokenStore open(AccessPassConfig config) {
        return new dev.accesspass.redis.RedisStoreProvider().openTokenStore(config);
    }
}
