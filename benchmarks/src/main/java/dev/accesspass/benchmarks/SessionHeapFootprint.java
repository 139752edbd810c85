package dev.accesspass.benchmarks;

import dev.accesspass.UserId;
import dev.accesspass.store.NewSession;
import dev.accesspass.store.Rotation;
import dev.accesspass.store.SessionMetadata;
import dev.accesspass.store.Successor;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Heap bytes per live session in the in-memory {@link TokenStore} (a plain program, not JMH).
 *
 * <p>Creates {@code users × sessionsPerUser} sessions (default 100 000 × 10 = 1 000 000), each with its own random
 * 32-byte access and refresh digests, forces full collections and reports
 * {@code (heap used after − heap used before) / sessions}. User ids are made before the first reading because they
 * belong to the user store (a session shares its user's {@code UserId} object). Then every session is rotated once
 * (a new pair; the used refresh digest, its sealed successor pair and the history ring stay for reuse detection) and
 * the figure is reported again; {@code --rotations=N} rotates N times (the history keeps at most 16 used digests per
 * session, so N=16 is the steady state of a long-lived session) and reports after the first and the last round.
 * With {@code --histogram} it also prints the top of {@code jcmd GC.class_histogram}. With {@code --checked} every
 * session's access token is also checked once before the rotations ({@code findByAccessToken}), and the figure
 * reported again: the store then holds each checked session's ready grant until that access token expires.
 *
 * <p>Every session carries the metadata a login records (API.md §7): a random IPv4 client address per session, a
 * {@code User-Agent} drawn from a pool of {@value #USER_AGENTS} realistic strings (each session gets its own copy
 * of the string, as each request brings its own, so only the store's sharing can make them one), method
 * {@code password}, {@code amr ["pwd"]}, {@code aal} 1. {@code --no-metadata} leaves it out, for the figure
 * without it.
 *
 * <p>Run: {@code java -Xmx2g -cp benchmarks/target/benchmarks.jar dev.accesspass.benchmarks.SessionHeapFootprint
 * [users] [sessionsPerUser] [--rotations=N] [--histogram] [--no-metadata] [--checked]}
 */
public final class SessionHeapFootprint {
    /** What {@code Secrets.seal} returns for two 43-character tokens: 12-byte nonce, 87 bytes of text, 16-byte tag. */
    private static final int SEALED_PAIR_BYTES = 12 + 43 + 1 + 43 + 16;
    /** Distinct browsers in the pool; a real user base is dominated by a few dozen. */
    static final int USER_AGENTS = 50;

    private SessionHeapFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int users = 100_000;
        int perUser = 10;
        boolean histogram = false;
        int rotations = 1;
        boolean metadata = true;
        boolean checked = false;
        int position = 0;
        for (String arg : args) {
            if (arg.equals("--checked")) {
                checked = true;
            } else if (arg.equals("--no-metadata")) {
                metadata = false;
            } else if (arg.equals("--histogram")) {
                histogram = true;
            } else if (arg.startsWith("--rotations=")) {
                rotations = Integer.parseInt(arg.substring("--rotations=".length()));
            } else if (position++ == 0) {
                users = Integer.parseInt(arg);
            } else {
                perUser = Integer.parseInt(arg);
            }
        }
        int sessions = users * perUser;
        SplittableRandom random = new SplittableRandom();
        Instant now = Instant.now();

        UserId[] userIds = new UserId[users];
        for (int i = 0; i < users; i++) {
            userIds[i] = new UserId(UUID.randomUUID().toString());
        }
        // Kept to rotate later; allocated before the first reading so that only the store is counted.
        TokenHash[] refreshHashes = new TokenHash[sessions];
        TokenHash[] accessHashes = new TokenHash[checked ? sessions : 0];
        TokenStore store = TokenStore.inMemory();
        String[] agents = userAgents(random);
        List<String> pwd = List.of("pwd");

        long before = HeapUse.usedAfterGc();
        for (int i = 0; i < sessions; i++) {
            TokenHash refresh = randomDigest(random);
            refreshHashes[i] = refresh;
            TokenHash access = randomDigest(random);
            if (checked) {
                accessHashes[i] = access;
            }
            // Defaults of AccessPassConfig: 300 s access token, 30-day refresh token, no session cap.
            SessionMetadata recorded = !metadata ? null : SessionMetadata.of(randomIpv4(random),
                    new String(agents[random.nextInt(USER_AGENTS)].toCharArray()), "password", pwd, now, 1);
            store.createSession(new NewSession(userIds[i / perUser], 0, now, null, Map.of(),
                    access, now.plus(Duration.ofSeconds(300)),
                    refresh, now.plus(Duration.ofDays(30)), recorded));
        }
        long afterCreate = HeapUse.usedAfterGc();
        report("live sessions, never rotated", afterCreate - before, sessions);
        if (histogram) {
            printHistogram();
        }
        if (checked) {
            for (int i = 0; i < sessions; i++) {
                if (store.findByAccessToken(accessHashes[i], now).isEmpty()) {
                    throw new IllegalStateException("session " + i + " does not check out");
                }
            }
            report("live sessions, each checked once", HeapUse.usedAfterGc() - before, sessions);
            if (histogram) {
                printHistogram();
            }
        }

        for (int rotation = 1; rotation <= rotations; rotation++) {
            rotateAll(store, refreshHashes, now.plusSeconds(60L * rotation), random);
            if (rotation == 1 || rotation == rotations) {
                long afterRotate = HeapUse.usedAfterGc();
                // refreshHashes holds the live refresh digests (also held by the store), as many as before.
                report("live sessions, rotated " + rotation + "x", afterRotate - before, sessions);
                if (histogram) {
                    printHistogram();
                }
            }
        }
        // Keep everything reachable until the last reading.
        if (store.findByAccessToken(randomDigest(random), now).isPresent() || userIds.length == 0) {
            System.out.println("unexpected");
        }
    }

    /** Rotates every session once; {@code refreshHashes} then holds the new live refresh digests. */
    private static void rotateAll(TokenStore store, TokenHash[] refreshHashes, Instant later, SplittableRandom random) {
        for (int i = 0; i < refreshHashes.length; i++) {
            TokenHash nextRefresh = randomDigest(random);
            byte[] sealed = new byte[SEALED_PAIR_BYTES];
            random.nextBytes(sealed);
            Rotation rotation = store.rotate(refreshHashes[i], new Successor(randomDigest(random),
                    later.plus(Duration.ofSeconds(300)), nextRefresh, later.plus(Duration.ofDays(30)), sealed),
                    later);
            if (!(rotation instanceof Rotation.Rotated)) {
                throw new IllegalStateException("rotation " + i + " failed: " + rotation);
            }
            refreshHashes[i] = nextRefresh;
        }
    }

    /** {@value #USER_AGENTS} desktop and mobile user agents of realistic length (about 110 to 140 characters). */
    static String[] userAgents(SplittableRandom random) {
        String[] platforms = {"Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10_15_7", "X11; Linux x86_64",
            "iPhone; CPU iPhone OS 17_5 like Mac OS X", "Linux; Android 14; Pixel 8"};
        String[] agents = new String[USER_AGENTS];
        for (int i = 0; i < USER_AGENTS; i++) {
            String platform = platforms[i % platforms.length];
            agents[i] = switch (i % 3) {
                case 0 -> "Mozilla/5.0 (" + platform + ") AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"
                        + (110 + i) + ".0.0.0 Safari/537.36";
                case 1 -> "Mozilla/5.0 (" + platform + "; rv:" + (100 + i) + ".0) Gecko/20100101 Firefox/"
                        + (100 + i) + ".0";
                default -> "Mozilla/5.0 (" + platform + ") AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17."
                        + i + " Safari/605.1.15";
            };
        }
        return agents;
    }

    private static String randomIpv4(SplittableRandom random) {
        return (1 + random.nextInt(223)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
                + (1 + random.nextInt(254));
    }

    private static TokenHash randomDigest(SplittableRandom random) {
        byte[] digest = new byte[TokenHash.LENGTH];
        random.nextBytes(digest);
        return TokenHash.fromBytes(digest);
    }

    private static void report(String what, long bytes, int sessions) {
        System.out.printf("%-34s %,d sessions: %,d bytes of heap, %.1f bytes per session (target <= 400 with metadata)%n",
                what + ":", sessions, bytes, (double) bytes / sessions);
    }

    private static void printHistogram() throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process process = new ProcessBuilder(jcmd, Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            reader.lines().limit(18).forEach(System.out::println);
        }
        process.waitFor();
    }
}
