package dev.accesspass.jdbi;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.accesspass.UserId;
import dev.accesspass.store.SessionGrant;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.UserRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional local caches ({@code token-cache-ttl}) of positive access-token checks and of user records read by
 * id (the per-request role look-up), kept honest across instances by PostgreSQL {@code LISTEN/NOTIFY}.
 * Thread-safe.
 *
 * <p>Notes for maintainers. A revoking token store commits its change together with a {@code pg_notify} on
 * {@link #CHANNEL} naming the session ({@code s:<id>}) or user ({@code u:<id>}: all of the user's grants and the
 * user record); a user store write (roles, password hash, email flag, identities) commits a {@code r:<id>}
 * (the user record only), and a user deletion a {@code u:<id>}. Every instance's listener thread evicts the matching
 * entries on receipt, typically within a few milliseconds; the writing instance evicts locally at once after the
 * commit. Three rules keep a revoked token or a stale role set from living on in a cache:
 * <ol>
 *   <li>The cache is used only while the listener is connected and listening ({@link #active}). When the
 *       connection is lost the cache is cleared and bypassed until a new {@code LISTEN} is in place, since
 *       notifications sent meanwhile are lost.</li>
 *   <li>A result read from the database is cached only if no eviction happened between the read and the put
 *       ({@link #evictions} is a counter bumped before every eviction; the put re-checks it after), so a check that
 *       raced with a revocation cannot re-insert the revoked grant.</li>
 *   <li>An entry is returned only while its access token is unexpired at the caller's {@code now}, so it never
 *       outlives the token, whatever the TTL.</li>
 * </ol>
 * Only positive results are cached: an unknown token always goes to the database.
 */
final class ValidationCache implements AutoCloseable {
    static final String CHANNEL = "accesspass_revocations";
    static final long MAX_ENTRIES = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(ValidationCache.class);
    private static final long POLL_MILLIS = 250;
    private static final long VALIDATE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Cache<TokenHash, SessionGrant> grants;
    private final Cache<UserId, UserRecord> users;
    private final Database database;
    private final AtomicLong evictions = new AtomicLong();
    private final Thread listener;
    private volatile boolean active;
    private volatile boolean closed;
    private volatile Connection connection;

    ValidationCache(Database database, Duration ttl) {
        this.database = database;
        // Maintenance on the calling thread: handing it to the common fork-join pool cost throughput and p99 on
        // small machines (docs/BENCHMARKS-JDBC.md). Evictions themselves are synchronous either way.
        this.grants = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).expireAfterWrite(ttl).executor(Runnable::run).build();
        this.users = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).expireAfterWrite(ttl).executor(Runnable::run).build();
        this.listener = new Thread(this::listen, "accesspass-revocation-listener");
        listener.setDaemon(true);
        listener.start();
    }

    /** Whether the cache may be used now (the listener is listening). */
    boolean active() {
        return active;
    }

    /** A cached grant whose access token is still live at {@code now}, or null. */
    SessionGrant get(TokenHash hash, Instant now) {
        if (!active) {
            return null;
        }
        SessionGrant grant = grants.getIfPresent(hash);
        if (grant == null) {
            return null;
        }
        if (!now.isBefore(grant.accessExpiresAt())) {
            grants.invalidate(hash);
            return null;
        }
        return grant;
    }

    /** The eviction counter to pass to {@link #put} after reading from the database. */
    long stamp() {
        return evictions.get();
    }

    /** Caches a grant read from the database, unless an eviction happened since {@code stamp} was taken. */
    void put(TokenHash hash, SessionGrant grant, long stamp) {
        if (!active || evictions.get() != stamp) {
            return;
        }
        grants.put(hash, grant);
        if (!active || evictions.get() != stamp) {
            // An eviction ran concurrently: it may have scanned before our put landed.
            grants.invalidate(hash);
        }
    }

    /** A cached user record, or null. */
    UserRecord getUser(UserId id) {
        return active ? users.getIfPresent(id) : null;
    }

    /** Caches a user record read from the database, unless an eviction happened since {@code stamp} was taken. */
    void putUser(UserRecord user, long stamp) {
        if (!active || evictions.get() != stamp) {
            return;
        }
        users.put(user.id(), user);
        if (!active || evictions.get() != stamp) {
            users.invalidate(user.id());
        }
    }

    /**
     * Queues a notification on {@link #CHANNEL}; PostgreSQL delivers it to every listening instance when the
     * transaction of {@code handle} commits (and drops it on rollback).
     */
    static void send(Handle handle, String message) {
        handle.createQuery("SELECT 1 FROM (SELECT pg_notify(:channel, :message)) AS sent")
                .bind("channel", CHANNEL)
                .bind("message", message)
                .mapTo(Integer.class)
                .one();
    }

    /** Applies one message ({@code s:<session>}, {@code u:<user>} or {@code r:<user>}) locally. */
    void evict(String message) {
        evictions.incrementAndGet();
        if (message.startsWith("s:")) {
            String session = message.substring(2);
            grants.asMap().values().removeIf(grant -> grant.id().value().equals(session));
        } else if (message.startsWith("u:")) {
            String user = message.substring(2);
            grants.asMap().values().removeIf(grant -> grant.user().value().equals(user));
            users.invalidate(new UserId(user));
        } else if (message.startsWith("r:")) {
            users.invalidate(new UserId(message.substring(2)));
        } else {
            // Not ours (someone else used the channel): clearing is always safe.
            grants.invalidateAll();
            users.invalidateAll();
        }
    }

    private void deactivate() {
        active = false;
        evictions.incrementAndGet();
        grants.invalidateAll();
        users.invalidateAll();
    }

    private void listen() {
        long backoff = 100;
        boolean reportedDown = false;
        while (!closed) {
            try (Connection listening = database.connectDirectly()) {
                connection = listening;
                try (Statement statement = listening.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL); // a constant identifier: LISTEN takes no parameters
                }
                PGConnection pg = listening.unwrap(PGConnection.class);
                // Anything cached before this LISTEN may have missed a notification.
                evictions.incrementAndGet();
                grants.invalidateAll();
                users.invalidateAll();
                active = true;
                backoff = 100;
                if (reportedDown) {
                    LOG.info("revocation listener reconnected; the validation cache is on again");
                    reportedDown = false;
                }
                long lastValidated = System.nanoTime();
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications((int) POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            evict(notification.getParameter());
                        }
                    }
                    if (System.nanoTime() - lastValidated > VALIDATE_EVERY_NANOS) {
                        // A half-open TCP connection delivers nothing and reports nothing: probe it.
                        if (!listening.isValid(2)) {
                            throw new SQLException("the listening connection is no longer valid");
                        }
                        lastValidated = System.nanoTime();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                deactivate();
                if (closed) {
                    break;
                }
                if (!reportedDown) {
                    LOG.warn("revocation listener lost its connection ({}); the validation cache is off until it "
                            + "reconnects", e.getClass().getSimpleName());
                    reportedDown = true;
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
                backoff = Math.min(backoff * 2, 2000);
            } finally {
                connection = null;
            }
        }
        deactivate();
    }

    @Override
    public void close() {
        closed = true;
        deactivate();
        listener.interrupt();
        Connection current = connection;
        if (current != null) {
            try {
                current.close();
            } catch (SQLException e) {
                // Closing to wake the listener; it is going away either way, so there is nothing to report.
                LOG.debug("closing the listening connection failed", e);
            }
        }
        try {
            listener.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
