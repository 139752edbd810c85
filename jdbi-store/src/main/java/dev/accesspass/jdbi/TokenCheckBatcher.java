package dev.accesspass.jdbi;

import dev.accesspass.StoreUnavailableException;
import dev.accesspass.store.SessionUserLookup.Match;
import dev.accesspass.store.TokenHash;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Answers concurrent token checks together: while {@link #lanes} checks are at the database, the ones that arrive
 * meanwhile wait in a queue, and the next thread to get a lane takes the whole queue (up to {@link #MAX_BATCH}) into
 * one statement ({@code token_hash IN (…)}). A check that finds a lane free goes at once, alone: batching adds no
 * wait, it only forms while the database is busy. Thread-safe.
 *
 * <p>Why: one indexed read costs PostgreSQL far less than the statement around it (protocol, parse of the bound
 * plan, executor start-up, one send and one wake-up per check), and on a small machine those per-statement costs,
 * paid by request threads and database backends competing for the same cores, are what limits a JDBC deployment
 * without the validation cache. Under load a batch of N checks pays them once.
 *
 * <p>The answers are those of one statement per check: a batch reads committed rows as of its start, which is after
 * every member was queued, so a revocation that returned before a check began is seen by it; each member's own
 * {@code now} decides its expiry. If a batch fails, every member fails with it ({@link StoreUnavailableException},
 * a 503), and so does every check still queued when the database fails a lane's thread, a connection it could
 * not get included. So a queued check is answered or failed by the first lane's thread to get a connection, or to
 * give up on one, after it was queued: its wait is bounded by the pool's connection timeout plus the statements
 * ahead of it, never by one timeout per check queued before it.
 */
final class TokenCheckBatcher {
    /**
     * Checks per statement at most: bounds the statement's size and one batch's work. The largest of
     * {@code JdbiTokenStore}'s check statements lists this many digests.
     */
    static final int MAX_BATCH = 64;
    /** A waiting thread looks again this often even if nobody woke it (a safety net, not the mechanism). */
    private static final long RECHECK_NANOS = 5_000_000;

    /** The statement of one batch on a connection: the live sessions among {@code digests}, by digest. */
    @FunctionalInterface
    interface BatchStatement {
        Map<TokenHash, Match> run(Connection connection, List<TokenHash> digests, Instant earliest)
                throws SQLException;
    }

    private final Database database;
    private final BatchStatement statement;
    private final Semaphore lanes;
    private final ConcurrentLinkedQueue<Check> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong statements = new AtomicLong();

    /**
     * @param lanes at most this many batches at the database at once (each holds one connection while it runs)
     */
    TokenCheckBatcher(Database database, int lanes, BatchStatement statement) {
        if (lanes < 1) {
            throw new IllegalArgumentException("lanes must be at least 1");
        }
        this.database = database;
        this.lanes = new Semaphore(lanes);
        this.statement = statement;
    }

    /** The live session of a digest and its user, as the database has them now, or empty. */
    Optional<Match> check(TokenHash digest, Instant now) {
        Check mine = new Check(digest, now, Thread.currentThread());
        queue.add(mine);
        boolean interrupted = false;
        try {
            while (!mine.isDone()) {
                // Once a batch took ours, only its answer is awaited: taking a lane then would only cost a connection.
                if (!mine.taken && lanes.tryAcquire()) {
                    try {
                        if (!mine.taken) {
                            runBatch(mine);
                        }
                    } finally {
                        lanes.release();
                        wakeNextLeader();
                    }
                } else {
                    LockSupport.parkNanos(this, RECHECK_NANOS);
                    if (Thread.interrupted()) {
                        interrupted = true;
                        if (queue.remove(mine)) {
                            // Not taken into a batch yet: give up, as the pool's own wait does when interrupted.
                            throw Database.unavailable("check an access token",
                                    new InterruptedException("interrupted while waiting for a connection"));
                        }
                        // Already in a running batch: its answer comes within the database's timeouts.
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return mine.answer();
    }

    /** Statements run so far (each answers one batch); for tests and measurements. */
    long statements() {
        return statements.get();
    }

    /** Checks queued and not yet taken into a batch; for tests. */
    int waiting() {
        return queue.size();
    }

    /**
     * Takes what is queued into one batch, once a connection is in hand (so that the checks that arrived while it
     * was awaited join too), and answers every check it took, with the failure if the statement failed.
     *
     * <p>When the database fails this thread (no connection within the pool's timeout, a refused connection, a
     * statement cut off), every check queued by then fails with it too, taken or not. Each would otherwise go to the
     * same database in turn: with the pool's connections gone, the last of {@code n} queued checks would answer after
     * {@code n / lanes} connection timeouts instead of one, and the store circuit, which opens on the first failure,
     * fails every later request at once anyway. Only an interrupt of this thread fails just {@code mine} (and the
     * batch it took): it says nothing about the database.
     */
    private void runBatch(Check mine) {
        List<Check> batch = new ArrayList<>();
        try {
            database.read("check an access token", connection -> {
                take(batch, MAX_BATCH);
                if (batch.isEmpty()) {
                    return null; // another lane took ours meanwhile
                }
                Map<TokenHash, Match> rows = statement.run(connection, distinctDigests(batch), earliest(batch));
                statements.incrementAndGet();
                for (Check check : batch) {
                    Match row = rows.get(check.digest);
                    // The statement used the earliest now of the batch; each check's own now decides its expiry.
                    check.answer(row != null && check.now.isBefore(row.grant().accessExpiresAt())
                            ? Optional.of(row) : Optional.empty());
                }
                return null;
            });
        } catch (RuntimeException | Error e) {
            if (e instanceof StoreUnavailableException && !Thread.currentThread().isInterrupted()) {
                take(batch, Integer.MAX_VALUE); // mine among them, unless another lane took it meanwhile
            } else if (batch.isEmpty() && queue.remove(mine)) {
                mine.fail(e);
            }
            // Every check taken gets the failure (those already answered keep their answer).
            for (Check check : batch) {
                check.fail(e);
            }
        } finally {
            for (Check check : batch) {
                if (check != mine) {
                    LockSupport.unpark(check.thread);
                }
            }
        }
    }

    /** Moves up to {@code max} queued checks, oldest first, into {@code batch}, marking them taken. */
    private void take(List<Check> batch, int max) {
        for (Check next; batch.size() < max && (next = queue.poll()) != null; ) {
            next.taken = true;
            batch.add(next);
        }
    }

    /**
     * A lane just came free: the oldest waiting check's thread takes it (unless a newcomer is faster; that one then
     * takes the queue). Without this, the queue would wait for its threads' safety-net recheck.
     */
    private void wakeNextLeader() {
        Check head = queue.peek();
        if (head != null) {
            LockSupport.unpark(head.thread);
        }
    }

    private static List<TokenHash> distinctDigests(List<Check> batch) {
        List<TokenHash> digests = new ArrayList<>(batch.size());
        for (Check check : batch) {
            // Parallel requests of one client send the same token; a batch is small, so a linear scan is cheapest.
            if (!digests.contains(check.digest)) {
                digests.add(check.digest);
            }
        }
        return digests;
    }

    private static Instant earliest(List<Check> batch) {
        Instant earliest = batch.get(0).now;
        for (Check check : batch) {
            if (check.now.isBefore(earliest)) {
                earliest = check.now;
            }
        }
        return earliest;
    }

    /** One waiting check. Its outcome is written once, by the thread running its batch. */
    private static final class Check {
        final TokenHash digest;
        final Instant now;
        final Thread thread;
        /** Set when a batch took it from the queue. */
        volatile boolean taken;
        private volatile Optional<Match> answer;
        private volatile Throwable failure;
        private volatile boolean done;

        Check(TokenHash digest, Instant now, Thread thread) {
            this.digest = digest;
            this.now = now;
            this.thread = thread;
        }

        boolean isDone() {
            return done;
        }

        void answer(Optional<Match> value) {
            answer = value;
            done = true;
        }

        void fail(Throwable e) {
            if (!done) {
                failure = e;
                done = true;
            }
        }

        Optional<Match> answer() {
            Throwable e = failure;
            if (e == null) {
                return answer;
            }
            if (e instanceof StoreUnavailableException unavailable) {
                // A new exception per waiting thread, so each request's stack trace is its own.
                throw new StoreUnavailableException(unavailable.getMessage(), unavailable);
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) e;
        }
    }
}
