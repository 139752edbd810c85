package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.StoreUnavailableException;
import dev.accesspass.UserId;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.SessionUserLookup.Match;
import dev.accesspass.store.TokenHash;
import dev.accesspass.testing.Await;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The token check's batching ({@link TokenCheckBatcher}) on a real PostgreSQL: concurrent checks share statements
 * and each still gets exactly its own answer, a failed batch fails every member promptly, and batching never lets a
 * check see a session revoked before it began.
 *
 * <p>The pool has two connections, so one check statement runs at a time. To make a batch form deterministically, a
 * test holds an exclusive lock on the access-token table from a connection of its own: the running check's statement
 * waits on it, the checks that arrive meanwhile queue, and releasing the lock lets them all go in one statement.
 */
class TokenCheckBatchingTest {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static Database database;
    private static JdbiTokenStore tokens;
    private static JdbiUserStore users;
    private static AccessPass accessPass;
    private static UserId user;
    private static int names;

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private Connection lock;

    @BeforeAll
    static void open() {
        AccessPassConfig config = POSTGRES.config().set("jdbc-pool-size", "2").accessTokenTtl(Duration.ofHours(1))
                .build();
        database = Database.open(config);
        tokens = new JdbiTokenStore(database, null, () -> { });
        users = new JdbiUserStore(database, null, () -> { });
        accessPass = AccessPass.builder(config).stores(tokens, users).build();
        user = newUser();
    }

    @AfterAll
    static void close() {
        accessPass.close();
        database.close();
    }

    @AfterEach
    void cleanUp() throws Exception {
        releaseChecks();
        threads.shutdownNow();
        assertThat(threads.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    private static UserId newUser() {
        String name = "batched" + (++names);
        return users.create(new NewUser(name, name + "@example.com", true, null, Set.of("user"), Instant.now())).id();
    }

    /** Of our tokens' shape (256 random bits, base64url), but never issued. */
    private static String unknownToken() {
        byte[] bits = new byte[32];
        new SecureRandom().nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    private static String newSession(UserId owner) {
        return accessPass.openSession(owner, Map.of()).accessToken();
    }

    @Test
    void concurrentChecksShareOneStatementAndEachGetsItsOwnAnswer() throws Exception {
        UserId other = newUser();
        List<String> live = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            live.add(newSession(i % 2 == 0 ? user : other));
        }
        String revoked = newSession(user);
        accessPass.revokeSession(accessPass.authenticate(revoked).orElseThrow().sessionId());
        // What each check must answer: live tokens (some asked twice, as parallel requests of one client do), a
        // revoked one and never-issued ones.
        List<String> asked = new ArrayList<>(live);
        asked.add(live.get(0));
        asked.add(live.get(5));
        asked.add(revoked);
        asked.add(unknownToken());
        asked.add(unknownToken());

        Future<Optional<Match>> first = holdTheLaneWith(newSession(user));
        long before = tokens.checkStatements();
        List<Future<Optional<Match>>> answers = new ArrayList<>();
        for (String token : asked) {
            answers.add(threads.submit(() -> tokens.findSessionAndUser(TokenHash.of(token), Instant.now())));
        }
        Await.until(WAIT, "every check queued behind the running one", () -> tokens.checksWaiting() == asked.size());
        releaseChecks();

        assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isPresent();
        List<Optional<Match>> got = new ArrayList<>();
        for (Future<Optional<Match>> answer : answers) {
            got.add(answer.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        // The running check's statement, then one for all the queued checks.
        assertThat(tokens.checkStatements() - before).isEqualTo(2);
        for (int i = 0; i < asked.size(); i++) {
            String token = asked.get(i);
            Optional<Match> answer = got.get(i);
            if (live.contains(token)) {
                Match expected = tokens.findSessionAndUser(TokenHash.of(token), Instant.now()).orElseThrow();
                assertThat(answer).as("check %d", i).hasValueSatisfying(match -> {
                    assertThat(match.grant().id()).isEqualTo(expected.grant().id());
                    assertThat(match.user().id()).isEqualTo(live.indexOf(token) % 2 == 0 ? user : other);
                });
            } else {
                assertThat(answer).as("check %d", i).isEmpty();
            }
        }
    }

    @Test
    void sr06_eachCheckOfABatchIsJudgedByItsOwnTime() throws Exception {
        String token = newSession(user);
        Instant expiresAt = tokens.findSessionAndUser(TokenHash.of(token), Instant.now()).orElseThrow()
                .grant().accessExpiresAt();

        Future<Optional<Match>> first = holdTheLaneWith(newSession(user));
        Future<Optional<Match>> before = threads.submit(() ->
                tokens.findSessionAndUser(TokenHash.of(token), expiresAt.minusSeconds(1)));
        Future<Optional<Match>> after = threads.submit(() ->
                tokens.findSessionAndUser(TokenHash.of(token), expiresAt));
        Await.until(WAIT, "both checks queued", () -> tokens.checksWaiting() == 2);
        long statements = tokens.checkStatements();
        releaseChecks();

        assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isPresent();
        assertThat(before.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isPresent();
        assertThat(after.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEmpty();
        Await.until(WAIT, "the running statement counted", () -> tokens.checkStatements() == statements + 2);
    }

    @Test
    void sr65_aFailedBatchFailsEveryMemberAtOnceAndTheNextCheckWorks() throws Exception {
        String token = newSession(user);
        Future<Optional<Match>> first = holdTheLaneWith(token);
        List<Future<Optional<Match>>> queued = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            queued.add(threads.submit(() -> tokens.findSessionAndUser(TokenHash.of(token), Instant.now())));
        }
        Await.until(WAIT, "the checks queued", () -> tokens.checksWaiting() == 8);

        // Cut the pool's connections while the statements wait: the running one fails, and the batch of the eight
        // either fails on a dead connection or waits on the lock on a new one and is cut as well.
        AtomicBoolean cutting = new AtomicBoolean(true);
        Future<?> cutter = threads.submit(() -> {
            while (cutting.get()) {
                terminatePoolConnections();
                Thread.sleep(20);
            }
            return null;
        });
        try {
            assertThat(first).failsWithin(WAIT).withThrowableThat().havingCause()
                    .isInstanceOf(StoreUnavailableException.class);
            for (Future<Optional<Match>> check : queued) {
                assertThat(check).failsWithin(WAIT).withThrowableThat().havingCause()
                        .isInstanceOf(StoreUnavailableException.class);
            }
        } finally {
            cutting.set(false);
            cutter.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        assertThat(tokens.checksWaiting()).isZero();

        releaseChecks();
        Await.until(WAIT, "checks work again", () -> {
            try {
                return tokens.findSessionAndUser(TokenHash.of(token), Instant.now()).isPresent();
            } catch (StoreUnavailableException e) {
                return false;
            }
        });
    }

    /**
     * With every connection of the pool taken, the lane's thread gives up after the pool's timeout, and the checks
     * queued behind it fail with that same failure, at once. (Each taking the lane in turn would wait out the timeout
     * again: with the database gone, the eighth would answer after 16 s, and the circuit could not open meanwhile.)
     */
    @Test
    void sr65_whenNoConnectionComesEveryQueuedCheckFailsWithTheLanesFailure() throws Exception {
        String token = newSession(user);
        CountDownLatch holding = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<?>> holders = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            holders.add(threads.submit(() -> database.read("hold a connection", connection -> {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            })));
        }
        try {
            assertThat(holding.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            Future<Optional<Match>> first = threads.submit(() ->
                    tokens.findSessionAndUser(TokenHash.of(token), Instant.now()));
            Await.until(WAIT, "the lane's thread waits for a connection", () -> threadWaitingIn(PoolGate.class));
            List<Future<Optional<Match>>> queued = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                queued.add(threads.submit(() -> tokens.findSessionAndUser(TokenHash.of(token), Instant.now())));
            }
            Await.until(WAIT, "the checks queued", () -> tokens.checksWaiting() == 9); // the lane's own and 8
            assertThat(first).as("the pool's wait (2 s) outlasted queueing the checks").isNotDone();

            Throwable lanesFailure = failureOf(first);
            assertThat(lanesFailure).isInstanceOf(StoreUnavailableException.class);
            for (Future<Optional<Match>> check : queued) {
                assertThat(failureOf(check)).isSameAs(lanesFailure);
            }
            assertThat(tokens.checksWaiting()).isZero();
        } finally {
            release.countDown();
        }
        for (Future<?> holder : holders) {
            holder.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        assertThat(tokens.findSessionAndUser(TokenHash.of(token), Instant.now())).isPresent();
    }

    /** The store's failure behind a check's: each waiting thread throws its own exception around the shared one. */
    private static Throwable failureOf(Future<Optional<Match>> check) throws InterruptedException {
        try {
            check.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(StoreUnavailableException.class);
            return e.getCause().getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the check neither answered nor failed", e);
        }
        throw new AssertionError("the check answered though no connection was free");
    }

    @Test
    void anInterruptedWaitGivesUpAt503AndKeepsTheInterrupt() throws Exception {
        String token = newSession(user);
        Future<Optional<Match>> first = holdTheLaneWith(newSession(user));
        CountDownLatch interruptFlagSeen = new CountDownLatch(1);
        Future<Throwable> waiter = threads.submit(() -> {
            try {
                tokens.findSessionAndUser(TokenHash.of(token), Instant.now());
                return null;
            } catch (StoreUnavailableException e) {
                if (Thread.currentThread().isInterrupted()) {
                    interruptFlagSeen.countDown();
                }
                return e;
            }
        });
        Await.until(WAIT, "the check queued", () -> tokens.checksWaiting() == 1);
        Thread waiting = findThreadWaitingInTheBatcher();
        waiting.interrupt();

        assertThat(waiter.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(StoreUnavailableException.class);
        assertThat(interruptFlagSeen.getCount()).isZero();
        assertThat(tokens.checksWaiting()).isZero();
        releaseChecks();
        assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isPresent();
    }

    @Test
    void sr09_noCheckThatBeganAfterARevocationReturnedSeesTheSession() throws Exception {
        // Eight threads check the same token as fast as they can (batches form by themselves: one lane, eight
        // threads) while the main thread revokes it; each check records when it began.
        String token = newSession(user);
        var sessionId = accessPass.authenticate(token).orElseThrow().sessionId();
        record Observation(long began, boolean live) { }
        ConcurrentLinkedQueue<Observation> observations = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Future<?>> checkers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            checkers.add(threads.submit(() -> {
                while (running.get()) {
                    long began = System.nanoTime();
                    observations.add(new Observation(began,
                            tokens.findSessionAndUser(TokenHash.of(token), Instant.now()).isPresent()));
                }
                return null;
            }));
        }
        long statementsBefore = tokens.checkStatements();
        Await.until(WAIT, "checks under way", () -> observations.size() > 200);
        assertThat(tokens.revokeSession(sessionId)).isTrue();
        long revoked = System.nanoTime();
        Await.until(WAIT, "checks after the revocation", () ->
                observations.stream().filter(o -> o.began() > revoked).count() > 200);
        running.set(false);
        for (Future<?> checker : checkers) {
            checker.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        assertThat(observations).filteredOn(o -> o.began() > revoked).isNotEmpty().noneMatch(Observation::live);
        assertThat(observations).filteredOn(o -> o.began() < revoked).anyMatch(Observation::live);
        // Eight threads on one lane: checks waited for one another and were answered together.
        assertThat(tokens.checkStatements() - statementsBefore).isLessThan(observations.size());
    }

    @Test
    void checkStatementsUseAtMostHalfThePoolAndOneLanePerCore() {
        assertThat(Database.checkLanes(10, 2)).isEqualTo(2);
        assertThat(Database.checkLanes(10, 16)).isEqualTo(5);
        assertThat(Database.checkLanes(2, 8)).isEqualTo(1);
        assertThat(Database.checkLanes(1, 8)).isEqualTo(1);
        assertThat(database.checkLanes()).isEqualTo(1);
    }

    @Test
    void everyBatchSizeAnswersExactlyItsLiveDigests() {
        UserId other = newUser();
        List<String> live = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            live.add(newSession(i % 2 == 0 ? user : other));
        }
        // Around each of the statement's list sizes (1, 8, 64): the padding repeats a digest and must add nothing.
        for (int size : new int[] {1, 2, 7, 8, 9, 33, 63, 64}) {
            List<TokenHash> digests = new ArrayList<>();
            Map<TokenHash, UserId> expected = new HashMap<>();
            for (int i = 0; i < size; i++) {
                if (i % 3 == 1) {
                    digests.add(TokenHash.of(unknownToken()));
                } else {
                    int which = (size + i) % live.size();
                    TokenHash digest = TokenHash.of(live.get(which));
                    digests.add(digest);
                    expected.put(digest, which % 2 == 0 ? user : other);
                }
            }
            Map<TokenHash, Match> rows = database.read("check a batch", connection ->
                    JdbiTokenStore.checkBatch(connection, digests, Instant.now()));
            assertThat(rows.keySet()).as("%d digests", size).isEqualTo(expected.keySet());
            rows.forEach((digest, match) ->
                    assertThat(match.user().id()).as("%d digests", size).isEqualTo(expected.get(digest)));
        }
        List<TokenHash> tooMany = Stream.generate(() -> TokenHash.of(unknownToken()))
                .limit(TokenCheckBatcher.MAX_BATCH + 1).toList();
        assertThat(catchThrowable(() -> database.read("check a batch", connection ->
                JdbiTokenStore.checkBatch(connection, tooMany, Instant.now()))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Each of the check's statements runs on the plan PostgreSQL kept for it, not on one made per execution: with
     * an array parameter ({@code = ANY(?)}) every execution was planned anew (custom plans only), half of the
     * database's CPU per check under load.
     */
    @Test
    void theCheckStatementsRunOnTheirKeptPlan() {
        String token = newSession(user);
        List<Long[]> plans = database.read("count plans", connection -> {
            for (int size : new int[] {1, 5, 40}) {
                List<TokenHash> digests = Stream.concat(Stream.of(TokenHash.of(token)),
                        Stream.generate(() -> TokenHash.of(unknownToken())).limit(size - 1)).toList();
                for (int run = 0; run < 20; run++) {
                    assertThat(JdbiTokenStore.checkBatch(connection, digests, Instant.now())).hasSize(1);
                }
            }
            List<Long[]> found = new ArrayList<>();
            // The check statements by their own condition, as the driver sent it (? became $1).
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                         + " WHERE statement LIKE '%a.expires_at > $1 AND a.token_hash IN (%'")) {
                while (rs.next()) {
                    found.add(new Long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
            return found;
        });
        // One prepared statement per list size; the driver prepares it on the server from its fifth execution, and
        // PostgreSQL plans the first five executions of a prepared statement for their values, then keeps one plan.
        assertThat(plans).hasSize(3).allSatisfy(counts -> {
            assertThat(counts[0]).as("generic plans").isGreaterThanOrEqualTo(10);
            assertThat(counts[1]).as("custom plans").isLessThanOrEqualTo(5);
        });
    }

    /**
     * Takes the lock that makes check statements wait, starts a check of {@code token} and returns once its
     * statement waits on the lock: the one lane is busy, so the next checks queue.
     */
    private Future<Optional<Match>> holdTheLaneWith(String token) throws SQLException {
        lock = DriverManager.getConnection(POSTGRES.jdbcUrl(), "postgres", "");
        lock.setAutoCommit(false);
        try (Statement statement = lock.createStatement()) {
            statement.execute("LOCK TABLE accesspass_access_tokens IN ACCESS EXCLUSIVE MODE");
        }
        Future<Optional<Match>> first = threads.submit(() ->
                tokens.findSessionAndUser(TokenHash.of(token), Instant.now()));
        Await.until(WAIT, "the first check's statement waits on the lock", () -> lockWaiters() == 1);
        assertThat(tokens.checksWaiting()).isZero();
        return first;
    }

    private void releaseChecks() throws SQLException {
        if (lock != null) {
            lock.rollback();
            lock.close();
            lock = null;
        }
    }

    private int lockWaiters() {
        try (Connection connection = DriverManager.getConnection(POSTGRES.jdbcUrl(), "postgres", "");
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("""
                     SELECT count(*) FROM pg_stat_activity
                     WHERE application_name = 'accesspass' AND wait_event_type = 'Lock'""")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void terminatePoolConnections() throws SQLException {
        try (Connection connection = DriverManager.getConnection(POSTGRES.jdbcUrl(), "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute("""
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE application_name = 'accesspass' AND pid <> pg_backend_pid()""");
        }
    }

    private static boolean threadWaitingIn(Class<?> type) {
        return threadsWaitingIn(type).findAny().isPresent();
    }

    private static Thread findThreadWaitingInTheBatcher() {
        return Await.until(WAIT, "a thread parked in the batcher", () -> threadsWaitingIn(TokenCheckBatcher.class)
                .filter(e -> List.of(e.getValue()).stream()
                        .noneMatch(frame -> frame.getClassName().startsWith("org.postgresql")))
                .map(Map.Entry::getKey)
                .findFirst().orElse(null), found -> found != null);
    }

    /** The threads in a timed wait with a frame of {@code type} on their stack, with their stacks. */
    private static Stream<Map.Entry<Thread, StackTraceElement[]>> threadsWaitingIn(Class<?> type) {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getState() == Thread.State.TIMED_WAITING)
                .filter(e -> List.of(e.getValue()).stream()
                        .anyMatch(frame -> frame.getClassName().equals(type.getName())));
    }
}
