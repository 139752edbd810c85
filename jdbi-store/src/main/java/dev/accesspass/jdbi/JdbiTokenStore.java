package dev.accesspass.jdbi;

import static dev.accesspass.jdbi.Database.instant;

import dev.accesspass.SessionId;
import dev.accesspass.UserId;
import dev.accesspass.store.AttemptWindow;
import dev.accesspass.store.LiveSession;
import dev.accesspass.store.NewSession;
import dev.accesspass.store.OneTimeToken;
import dev.accesspass.store.Rotation;
import dev.accesspass.store.SessionGrant;
import dev.accesspass.store.SessionMetadata;
import dev.accesspass.store.SessionUserLookup;
import dev.accesspass.store.Successor;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenPurpose;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;

/**
 * {@link TokenStore} on PostgreSQL. Thread-safe; every method is one statement or one transaction.
 *
 * <p>Notes for maintainers.
 * <ul>
 *   <li>Time: every expiry is written and checked with the {@code now} the caller passes in (AccessPass's injected
 *       {@link java.time.Clock}), never with SQL {@code now()} (SR-69). One time source decides each expiry, the
 *       shared conformance suite can drive this store with a fake clock, and instances must run NTP: a token
 *       checked on an instance whose clock is behind lives that much longer there.</li>
 *   <li>Rotation (SR-16, SR-17) runs in one transaction that first locks the session row ({@code FOR UPDATE}),
 *       then uses the presented token with one conditional {@code UPDATE … WHERE used_at IS NULL AND expires_at >
 *       :now RETURNING}, then inserts the successor. Revocation deletes the session row (its tokens go by
 *       {@code ON DELETE CASCADE}) and so takes the same row lock first: logout and refresh serialize on the
 *       session and can never leave a live token behind, and the lock order (session, then tokens) is the same
 *       everywhere, so they cannot deadlock.</li>
 *   <li>Validation is one primary-key look-up of the access digest joined to its session by primary key; the token
 *       check ({@link SessionUserLookup}) joins the user row by primary key too, so it is one statement and one
 *       round trip, and writes nothing.</li>
 *   <li>With a {@link ValidationCache}, every committed revocation or rotation also sends a notification that
 *       other instances use to evict, and this instance evicts at once after the commit.</li>
 * </ul>
 */
final class JdbiTokenStore implements TokenStore, SessionUserLookup {
    /** Rows deleted per purge statement. */
    static final int PURGE_BATCH = 1000;
    /**
     * How long one {@link #purgeExpired} call may keep deleting batches of one table. The purge runs once a minute;
     * a fixed ten batches (10 000 rows a minute) fell behind what unauthenticated OAuth starts alone could create
     * (SR-73). A batch of 1 000 through the expiry index takes milliseconds, so within this budget the purge keeps up
     * with far more than any legal rate, while a backlog still cannot hold one call for long.
     */
    static final Duration PURGE_BUDGET = Duration.ofSeconds(10);
    /**
     * The 128 random bits of a session id, kept in the uuid column: a random (version 4) UUID has only 122, and
     * API.md asks at least 128 for an id a caller may name in {@code DELETE /sessions/{id}}. Ids are handles, not
     * secrets; they only must not be guessable into someone else's session.
     */
    private static final SecureRandom ID_RANDOM = new SecureRandom();
    /** The metadata columns as {@link #metadata} reads them; NULL times are sessions from before version 3.1. */
    private static final String METADATA_COLUMNS = """
            s.address, s.user_agent, s.method, s.amr, COALESCE(s.auth_time, s.created_at) AS auth_time, s.aal,
            COALESCE(s.last_used_at, s.created_at) AS last_used_at
            """;

    /**
     * The token check: access token, session and user in one statement. The user columns are those of
     * {@code JdbiUserStore}'s user query (roles and the identities aggregate included) under the prefix {@code u_}.
     * Sessions keep the user id as text; only the canonical form of a uuid (what {@link #uuidOrNull} accepts) is
     * cast and joined, so any other id finds no user, as {@code findById} answers, instead of failing the cast.
     */
    private static final String CHECK_USER = """
            u.id AS u_id, u.username AS u_username, u.email AS u_email, u.email_confirmed AS u_email_confirmed,
            u.password_hash AS u_password_hash, u.roles AS u_roles, u.created_at AS u_created_at,
            u.credential_epoch AS u_credential_epoch,
            (SELECT coalesce(json_agg(json_build_object(
                        'provider', i.provider, 'subject', i.subject, 'profile', i.profile,
                        'linked_at_micros', (extract(epoch FROM i.linked_at) * 1000000)::bigint)
                        ORDER BY i.seq), '[]'::json)::text
             FROM accesspass_identities i WHERE i.user_id = u.id) AS u_identities
            FROM accesspass_access_tokens a
            JOIN accesspass_sessions s ON s.id = a.session_id
            JOIN accesspass_users u ON u.id = CASE
                WHEN s.user_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                THEN CAST(s.user_id AS uuid) END
            WHERE a.expires_at > ? AND a.token_hash IN\s""";
    /**
     * The token check of a batch ({@link TokenCheckBatcher}): the digest it answers, the session's columns, then
     * {@link #CHECK_USER}, up to the list of digests; run on plain JDBC, hence {@code ?}.
     */
    private static final String CHECK = """
            SELECT a.token_hash, s.id, s.user_id, s.credential_epoch, s.created_at, s.meta::text AS meta,
                   a.expires_at AS access_expires_at, s.refresh_expires_at,
            """ + METADATA_COLUMNS + ", " + CHECK_USER;
    /*
     * The check's digests as a list of 1, 8 or 64 parameters (a batch's size rounded up, the rest repeating its last
     * digest), not one array parameter ("= ANY(?)"). PostgreSQL estimates an array parameter of unknown length as ten
     * elements, so the plan it could keep for the statement always looks dearer than one made for the array at hand,
     * and it planned the four-table join anew at every execution: half of the database's CPU per check
     * (docs/BENCHMARKS.md §19). A list of k parameters is estimated as k rows either way, so from its sixth execution
     * on a connection the statement runs on its kept (generic) plan. The repeats cost the index scan nothing: it
     * skips repeated keys. Three sizes keep the prepared statements per connection few.
     */
    private static final String CHECK_1 = CHECK + "(?)";
    private static final String CHECK_8 = CHECK + "(?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String CHECK_64 = CHECK + """
            (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
             ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private final Database database;
    private final ValidationCache cache;
    private final TokenCheckBatcher checks;
    private final Runnable onClose;
    private volatile boolean closed;

    JdbiTokenStore(Database database, ValidationCache cache, Runnable onClose) {
        this.database = database;
        this.cache = cache;
        this.onClose = onClose;
        this.checks = new TokenCheckBatcher(database, database.checkLanes(), JdbiTokenStore::checkBatch);
    }

    @Override
    public SessionId createSession(NewSession session) {
        UUID id = new UUID(ID_RANDOM.nextLong(), ID_RANDOM.nextLong());
        Instant endsAt = session.endsAt();
        SessionMetadata metadata = session.metadata();
        Instant accessExpiresAt = min(session.accessExpiresAt(), endsAt);
        Instant refreshExpiresAt = min(session.refreshExpiresAt(), endsAt);
        database.inTransaction("create a session", handle -> {
            handle.createUpdate("""
                            INSERT INTO accesspass_sessions
                                (id, user_id, credential_epoch, created_at, ends_at, meta, refresh_expires_at,
                                 expires_at, last_used_at, address, user_agent, method, amr, auth_time, aal)
                            VALUES (:id, :user, :epoch, :createdAt, :endsAt, CAST(:meta AS jsonb), :refreshExpiresAt,
                                    :expiresAt, :createdAt, :address, :userAgent, :method, CAST(:amr AS text[]),
                                    :authTime, :aal)""")
                    .bindByType("address", metadata.address(), String.class)
                    .bindByType("userAgent", metadata.userAgent(), String.class)
                    .bind("method", metadata.method())
                    .bindArray("amr", String.class, metadata.amr())
                    .bind("authTime", metadata.authTime())
                    .bind("aal", (short) metadata.aal())
                    .bind("id", id)
                    .bind("user", session.user().value())
                    .bind("epoch", session.credentialEpoch())
                    .bind("meta", Json.write(session.meta()))
                    .bind("createdAt", session.createdAt())
                    .bindByType("endsAt", endsAt, Instant.class)
                    .bindByType("refreshExpiresAt", refreshExpiresAt, Instant.class)
                    .bindByType("expiresAt", deadAt(accessExpiresAt, refreshExpiresAt), Instant.class)
                    .execute();
            insertPair(handle, id, session.accessHash(), accessExpiresAt, session.refreshHash(), refreshExpiresAt);
            return null;
        });
        return new SessionId(id.toString());
    }

    @Override
    public Optional<SessionGrant> findByAccessToken(TokenHash accessHash, Instant now) {
        long stamp = 0;
        if (cache != null && cache.active()) {
            SessionGrant cached = cache.get(accessHash, now);
            if (cached != null) {
                return Optional.of(cached);
            }
            stamp = cache.stamp();
        }
        Optional<SessionGrant> found = database.withHandle("check an access token", handle ->
                handle.createQuery("""
                                SELECT s.id, s.user_id, s.credential_epoch, s.created_at, s.meta::text AS meta,
                                       a.expires_at AS access_expires_at, s.refresh_expires_at,
                                """ + METADATA_COLUMNS + """
                                FROM accesspass_access_tokens a
                                JOIN accesspass_sessions s ON s.id = a.session_id
                                WHERE a.token_hash = :hash AND a.expires_at > :now""")
                        .bind("hash", accessHash)
                        .bind("now", now)
                        .map((rs, ctx) -> grant(rs))
                        .findOne());
        if (cache != null && found.isPresent()) {
            cache.put(accessHash, found.get(), stamp);
        }
        return found;
    }

    @Override
    public boolean readsUsersOf(UserStore users) {
        return users instanceof JdbiUserStore jdbiUsers && jdbiUsers.on(database);
    }

    @Override
    public Optional<Match> findSessionAndUser(TokenHash accessHash, Instant now) {
        long stamp = 0;
        if (cache != null && cache.active()) {
            SessionGrant grant = cache.get(accessHash, now);
            UserRecord user = grant == null ? null : cache.getUser(grant.user());
            if (user != null) {
                return Optional.of(new Match(grant, user));
            }
            stamp = cache.stamp();
        }
        Optional<Match> found = checks.check(accessHash, now);
        if (cache != null && found.isPresent()) {
            cache.put(accessHash, found.get().grant(), stamp);
            cache.putUser(found.get().user(), stamp);
        }
        return found;
    }

    /**
     * The live sessions among {@code digests} (at most {@value TokenCheckBatcher#MAX_BATCH}) and their users, by
     * digest, in one statement; {@code earliest} is the batch's earliest {@code now}. Package-private for tests.
     */
    static Map<TokenHash, Match> checkBatch(Connection connection, List<TokenHash> digests, Instant earliest)
            throws SQLException {
        int count = digests.size();
        if (count < 1 || count > TokenCheckBatcher.MAX_BATCH) {
            throw new IllegalArgumentException("a batch holds 1 to " + TokenCheckBatcher.MAX_BATCH + " digests");
        }
        int parameters = count == 1 ? 1 : count <= 8 ? 8 : TokenCheckBatcher.MAX_BATCH;
        String sql = parameters == 1 ? CHECK_1 : parameters == 8 ? CHECK_8 : CHECK_64;
        try (PreparedStatement check = connection.prepareStatement(sql)) {
            check.setObject(1, earliest.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
            for (int i = 0; i < count - 1; i++) {
                check.setBytes(2 + i, digests.get(i).bytes());
            }
            byte[] last = digests.get(count - 1).bytes(); // and the padding: encoded once, not once per repeat
            for (int i = count - 1; i < parameters; i++) {
                check.setBytes(2 + i, last);
            }
            Map<TokenHash, Match> rows = new HashMap<>();
            try (ResultSet rs = check.executeQuery()) {
                while (rs.next()) {
                    rows.put(TokenHash.fromBytes(rs.getBytes("token_hash")),
                            new Match(grant(rs), JdbiUserStore.user(rs, "u_")));
                }
            }
            return rows;
        }
    }

    /** Statements the token check has run (each answers a batch of concurrent checks); for tests. */
    long checkStatements() {
        return checks.statements();
    }

    /** Token checks waiting for a batch; for tests. */
    int checksWaiting() {
        return checks.waiting();
    }

    @Override
    public boolean recordReauthentication(SessionId session, List<String> amr, int aal, Instant authTime) {
        UUID id = uuidOrNull(session.value());
        if (id == null) {
            return false;
        }
        // Cached grants elsewhere carry the old auth_time and aal.
        return changeSession("record a re-authentication", id, handle -> handle.createUpdate("""
                        UPDATE accesspass_sessions
                        SET amr = :amr, aal = :aal,
                            auth_time = GREATEST(COALESCE(auth_time, created_at), :authTime)
                        WHERE id = :id""")
                .bind("id", id)
                .bindArray("amr", String.class, amr)
                .bind("aal", (short) aal)
                .bindByType("authTime", authTime.truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                        Instant.class)
                .execute());
    }

    @Override
    public Optional<SessionId> findSessionByRefreshToken(TokenHash refreshHash, Instant now) {
        // Never from the validation cache: it holds access tokens only, and revocation must see the database.
        return database.withHandle("find the session of a refresh token", handle ->
                handle.createQuery("""
                                SELECT s.id
                                FROM accesspass_refresh_tokens r
                                JOIN accesspass_sessions s ON s.id = r.session_id
                                WHERE r.token_hash = :hash AND r.used_at IS NULL
                                  AND (r.expires_at IS NULL OR r.expires_at > :now)
                                  AND (s.ends_at IS NULL OR s.ends_at > :now)""")
                        .bind("hash", refreshHash)
                        .bind("now", now)
                        .mapTo(String.class)
                        .findOne()
                        .map(SessionId::new));
    }

    @Override
    public Rotation rotate(TokenHash presentedRefresh, Successor successor, Instant now) {
        Rotation outcome = database.inTransaction("rotate a refresh token", handle -> {
            // Lock the session first: revocation takes the same lock, so the two cannot interleave (SR-17).
            Optional<LockedSession> locked = handle.createQuery("""
                            SELECT s.id, s.user_id, s.credential_epoch, s.created_at, s.ends_at, s.meta::text AS meta,
                                   s.refresh_expires_at, s.expires_at, """ + METADATA_COLUMNS + """
                            FROM accesspass_refresh_tokens r
                            JOIN accesspass_sessions s ON s.id = r.session_id
                            WHERE r.token_hash = :hash
                            FOR UPDATE OF s""")
                    .bind("hash", presentedRefresh)
                    .map((rs, ctx) -> lockedSession(rs))
                    .findOne();
            if (locked.isEmpty()) {
                return new Rotation.Rejected();
            }
            LockedSession session = locked.get();
            if (session.endsAt() != null && !now.isBefore(session.endsAt())) {
                return new Rotation.Rejected();
            }
            // The atomic step (SR-16): of any number of concurrent callers, on any number of instances, exactly one
            // finds the token unused.
            boolean used = handle.createQuery("""
                            UPDATE accesspass_refresh_tokens
                            SET used_at = :now, successor_hash = :next, sealed_successor = :sealed
                            WHERE token_hash = :hash AND used_at IS NULL
                              AND (expires_at IS NULL OR expires_at > :now)
                            RETURNING session_id""")
                    .bind("hash", presentedRefresh)
                    .bind("next", successor.refreshHash())
                    .bind("sealed", successor.sealedPair())
                    .bind("now", now)
                    .mapTo(UUID.class)
                    .findOne()
                    .isPresent();
            if (!used) {
                return classifyUsed(handle, session, presentedRefresh, now);
            }
            Instant accessExpiresAt = min(successor.accessExpiresAt(), session.endsAt());
            Instant refreshExpiresAt = min(successor.refreshExpiresAt(), session.endsAt());
            // The parent's access token stays until it expires, so a logout sent with it while another tab
            // refreshes still finds and ends the session (SR-17); any older one goes now.
            handle.createUpdate("""
                            DELETE FROM accesspass_access_tokens
                            WHERE session_id = :session AND token_hash <> (
                                SELECT token_hash FROM accesspass_access_tokens
                                WHERE session_id = :session ORDER BY expires_at DESC LIMIT 1)""")
                    .bind("session", session.id())
                    .execute();
            insertPair(handle, session.id(), successor.accessHash(), accessExpiresAt, successor.refreshHash(),
                    refreshExpiresAt);
            handle.createUpdate("""
                            UPDATE accesspass_sessions SET refresh_expires_at = :refreshExpiresAt,
                                                           expires_at = :expiresAt, last_used_at = :now
                            WHERE id = :session""")
                    .bind("session", session.id())
                    .bind("now", now)
                    .bindByType("refreshExpiresAt", refreshExpiresAt, Instant.class)
                    .bindByType("expiresAt", deadAt(accessExpiresAt, refreshExpiresAt), Instant.class)
                    .execute();
            // An older access token may have died with this rotation: other instances drop it from their caches.
            ValidationCache.send(handle, "s:" + session.id());
            return new Rotation.Rotated(new SessionGrant(new SessionId(session.id().toString()),
                    session.user(), session.credentialEpoch(), session.createdAt(), Json.read(session.meta()), accessExpiresAt,
                    refreshExpiresAt, session.metadata()));
        });
        if (outcome instanceof Rotation.Rotated rotated && cache != null) {
            cache.evict("s:" + rotated.session().id().value());
        }
        return outcome;
    }

    /** The presented token was not usable: rotated before (report it, with the live successor if any) or expired. */
    private static Rotation classifyUsed(Handle handle, LockedSession session, TokenHash presented, Instant now) {
        Optional<UsedToken> usedToken = handle.createQuery("""
                        SELECT used_at, successor_hash, sealed_successor
                        FROM accesspass_refresh_tokens WHERE token_hash = :hash""")
                .bind("hash", presented)
                .map((rs, ctx) -> new UsedToken(instant(rs, "used_at"), rs.getBytes("successor_hash"),
                        rs.getBytes("sealed_successor")))
                .findOne();
        if (usedToken.isEmpty() || usedToken.get().usedAt() == null) {
            return new Rotation.Rejected(); // unused but expired
        }
        UsedToken used = usedToken.get();
        SessionId sessionId = new SessionId(session.id().toString());
        Optional<SessionGrant> live = Optional.empty();
        boolean sessionAlive = session.expiresAt() == null || now.isBefore(session.expiresAt());
        if (sessionAlive) {
            // The direct successor is live only while it is still the session's unused refresh token.
            live = handle.createQuery("""
                            SELECT a.expires_at
                            FROM accesspass_refresh_tokens r
                            JOIN accesspass_access_tokens a ON a.session_id = r.session_id
                            WHERE r.token_hash = :successor AND r.session_id = :session AND r.used_at IS NULL
                              AND (r.expires_at IS NULL OR r.expires_at > :now OR a.expires_at > :now)
                            ORDER BY a.expires_at DESC LIMIT 1""")
                    .bind("successor", used.successorHash())
                    .bind("session", session.id())
                    .bind("now", now)
                    .map((rs, ctx) -> new SessionGrant(sessionId, session.user(), session.credentialEpoch(),
                            session.createdAt(),
                            Json.read(session.meta()), instant(rs, "expires_at"), session.refreshExpiresAt(),
                            session.metadata()))
                    .findOne();
        }
        return new Rotation.AlreadyRotated(sessionId, used.usedAt(), used.sealedPair(), live);
    }

    private static void insertPair(Handle handle, UUID session, TokenHash access, Instant accessExpiresAt,
                                   TokenHash refresh, Instant refreshExpiresAt) {
        handle.createUpdate("""
                        INSERT INTO accesspass_access_tokens (token_hash, session_id, expires_at)
                        VALUES (:hash, :session, :expiresAt)""")
                .bind("hash", access)
                .bind("session", session)
                .bindByType("expiresAt", accessExpiresAt, Instant.class)
                .execute();
        handle.createUpdate("""
                        INSERT INTO accesspass_refresh_tokens (token_hash, session_id, expires_at)
                        VALUES (:hash, :session, :expiresAt)""")
                .bind("hash", refresh)
                .bind("session", session)
                .bindByType("expiresAt", refreshExpiresAt, Instant.class)
                .execute();
    }

    @Override
    public boolean advanceSessionEpoch(SessionId session, long credentialEpoch) {
        UUID id = uuidOrNull(session.value());
        if (id == null) {
            return false; // not an id this store issued
        }
        // One row update: it takes the session row's lock, so it serializes with rotation and revocation.
        // Cached grants elsewhere still carry the old epoch: they go, so the session keeps working there.
        return changeSession("advance a session's epoch", id, handle -> handle.createUpdate("""
                        UPDATE accesspass_sessions SET credential_epoch = GREATEST(credential_epoch, :epoch)
                        WHERE id = :id""")
                .bind("id", id)
                .bind("epoch", credentialEpoch)
                .execute());
    }

    @Override
    public boolean revokeSession(SessionId session) {
        UUID id = uuidOrNull(session.value());
        if (id == null) {
            return false; // not an id this store issued
        }
        return changeSession("revoke a session", id, handle -> handle
                .createUpdate("DELETE FROM accesspass_sessions WHERE id = :id")
                .bind("id", id)
                .execute());
    }

    @Override
    public boolean revokeSession(UserId owner, SessionId session) {
        UUID id = uuidOrNull(session.value());
        if (id == null) {
            return false; // not an id this store issued
        }
        // The owner is part of the one DELETE, so another user's id changes nothing and answers like an unknown one.
        return changeSession("revoke a user's session", id, handle -> handle
                .createUpdate("DELETE FROM accesspass_sessions WHERE id = :id AND user_id = :user")
                .bind("id", id)
                .bind("user", owner.value())
                .execute());
    }

    @Override
    public List<LiveSession> listSessions(UserId user, Instant now) {
        return database.withHandle("list a user's sessions", handle -> handle.createQuery("""
                        SELECT s.id, s.user_id, s.created_at, """ + METADATA_COLUMNS + """
                        FROM accesspass_sessions s
                        WHERE s.user_id = :user AND (s.expires_at IS NULL OR s.expires_at > :now)
                          AND (s.ends_at IS NULL OR s.ends_at > :now)
                        ORDER BY s.created_at DESC, s.id""")
                .bind("user", user.value())
                .bind("now", now)
                .map((rs, ctx) -> new LiveSession(new SessionId(rs.getString("id")),
                        new UserId(rs.getString("user_id")), instant(rs, "created_at"), instant(rs, "last_used_at"),
                        metadata(rs)))
                .list());
    }

    @Override
    public int revokeUserSessions(UserId user, SessionId keep) {
        UUID kept = keep == null ? null : uuidOrNull(keep.value());
        int revoked = database.inTransaction("revoke a user's sessions", handle -> {
            // Rows are locked in id order, so two revocations of one user cannot deadlock each other.
            var delete = handle.createUpdate(kept == null
                            ? """
                              DELETE FROM accesspass_sessions WHERE id IN (
                                  SELECT id FROM accesspass_sessions WHERE user_id = :user ORDER BY id FOR UPDATE)"""
                            : """
                              DELETE FROM accesspass_sessions WHERE id IN (
                                  SELECT id FROM accesspass_sessions WHERE user_id = :user AND id <> :keep
                                  ORDER BY id FOR UPDATE)""")
                    .bind("user", user.value());
            if (kept != null) {
                delete.bind("keep", kept);
            }
            int deleted = delete.execute();
            if (deleted > 0) {
                ValidationCache.send(handle, "u:" + user.value());
            }
            return deleted;
        });
        if (revoked > 0 && cache != null) {
            cache.evict("u:" + user.value());
        }
        return revoked;
    }

    @Override
    public void saveOneTimeToken(OneTimeToken token) {
        database.withHandle("save a one-time token", handle -> handle.createUpdate("""
                        INSERT INTO accesspass_one_time_tokens (token_hash, purpose, user_id, expires_at, payload)
                        VALUES (:hash, :purpose, :user, :expiresAt, :payload)""")
                .bind("hash", token.hash())
                .bind("purpose", token.purpose().name())
                .bind("user", token.user() == null ? null : token.user().value())
                .bind("payload", token.payload())
                .bind("expiresAt", token.expiresAt())
                .execute());
    }

    @Override
    public Optional<OneTimeToken> consumeOneTimeToken(TokenHash hash, TokenPurpose purpose, Instant now) {
        // One statement: of concurrent consumers exactly one gets the row. An expired token is removed too, so
        // that a clock set back cannot revive it.
        Optional<OneTimeToken> consumed = database.withHandle("consume a one-time token", handle ->
                handle.createQuery("""
                                DELETE FROM accesspass_one_time_tokens
                                WHERE token_hash = :hash AND purpose = :purpose
                                RETURNING user_id, expires_at, payload""")
                        .bind("hash", hash)
                        .bind("purpose", purpose.name())
                        .map((rs, ctx) -> {
                            String user = rs.getString("user_id");
                            return new OneTimeToken(hash, purpose, user == null ? null : new UserId(user),
                                    instant(rs, "expires_at"), rs.getString("payload"));
                        })
                        .findOne());
        return consumed.filter(token -> now.isBefore(token.expiresAt()));
    }

    @Override
    public int deleteOneTimeTokens(UserId user, TokenPurpose purpose) {
        return database.withHandle("delete one-time tokens", handle -> handle.createUpdate(
                        "DELETE FROM accesspass_one_time_tokens WHERE user_id = :user AND purpose = :purpose")
                .bind("user", user.value())
                .bind("purpose", purpose.name())
                .execute());
    }

    @Override
    public AttemptWindow recordFailedAttempt(String key, Instant now, Duration window) {
        // One upsert: counts from every instance add up, and concurrent failures are each counted once.
        return database.withHandle("count a failed login", handle -> handle.createQuery("""
                        INSERT INTO accesspass_login_attempts AS a (attempt_key, failures, window_ends_at)
                        VALUES (:key, 1, :windowEndsAt)
                        ON CONFLICT (attempt_key) DO UPDATE SET
                            failures = CASE WHEN a.window_ends_at <= :now THEN 1 ELSE a.failures + 1 END,
                            window_ends_at = CASE WHEN a.window_ends_at <= :now THEN EXCLUDED.window_ends_at
                                                  ELSE a.window_ends_at END
                        RETURNING failures, window_ends_at""")
                .bind("key", key)
                .bind("now", now)
                .bindByType("windowEndsAt", now.plus(window), Instant.class)
                .map((rs, ctx) -> new AttemptWindow(rs.getInt("failures"), instant(rs, "window_ends_at")))
                .one());
    }

    @Override
    public AttemptWindow failedAttempts(String key, Instant now) {
        return database.withHandle("read failed logins", handle -> handle.createQuery("""
                        SELECT failures, window_ends_at FROM accesspass_login_attempts
                        WHERE attempt_key = :key AND window_ends_at > :now""")
                .bind("key", key)
                .bind("now", now)
                .map((rs, ctx) -> new AttemptWindow(rs.getInt("failures"), instant(rs, "window_ends_at")))
                .findOne()
                .orElse(AttemptWindow.none(now)));
    }

    @Override
    public void clearFailedAttempts(String key) {
        database.withHandle("clear failed logins", handle -> handle.createUpdate(
                        "DELETE FROM accesspass_login_attempts WHERE attempt_key = :key")
                .bind("key", key)
                .execute());
    }

    @Override
    public AttemptWindow releaseAttempt(String key, Instant now) {
        return database.withHandle("release a login attempt", handle -> handle.createQuery("""
                        UPDATE accesspass_login_attempts SET failures = failures - 1
                        WHERE attempt_key = :key AND window_ends_at > :now AND failures > 0
                        RETURNING failures, window_ends_at""")
                .bind("key", key)
                .bind("now", now)
                .map((rs, ctx) -> new AttemptWindow(rs.getInt("failures"), instant(rs, "window_ends_at")))
                .findOne()
                .orElse(AttemptWindow.none(now)));
    }

    @Override
    public void saveKnownDevice(TokenHash digest, UserId user, Instant expiresAt) {
        // One transaction: the insert and the per-user bound, so two parallel logins cannot leave more than it.
        database.inTransaction("remember a known device", handle -> {
            handle.createUpdate("""
                            INSERT INTO accesspass_known_devices (digest, user_id, created_at, expires_at)
                            VALUES (:digest, :user, now(), :expiresAt)
                            ON CONFLICT (digest) DO UPDATE SET expires_at = EXCLUDED.expires_at""")
                    .bind("digest", digest)
                    .bind("user", user.value())
                    .bindByType("expiresAt", expiresAt, Instant.class)
                    .execute();
            return handle.createUpdate("""
                            DELETE FROM accesspass_known_devices WHERE digest IN (
                                SELECT digest FROM accesspass_known_devices WHERE user_id = :user
                                ORDER BY expires_at DESC OFFSET :keep)""")
                    .bind("user", user.value())
                    .bind("keep", KNOWN_DEVICES_PER_USER)
                    .execute();
        });
    }

    @Override
    public Optional<UserId> findKnownDevice(TokenHash digest, Instant now) {
        return database.withHandle("check a known device", handle -> handle.createQuery("""
                        SELECT user_id FROM accesspass_known_devices WHERE digest = :digest AND expires_at > :now""")
                .bind("digest", digest)
                .bind("now", now)
                .mapTo(String.class)
                .findOne()
                .map(UserId::new));
    }

    @Override
    public int purgeExpired(Instant now) {
        // Bounded batches found through the expiry indexes; SKIP LOCKED leaves rows that a request is using.
        int purged = 0;
        purged += purge("""
                DELETE FROM accesspass_sessions WHERE id IN (
                    SELECT id FROM accesspass_sessions WHERE expires_at <= :now
                    ORDER BY expires_at LIMIT :batch FOR UPDATE SKIP LOCKED)""", now);
        purged += purge("""
                DELETE FROM accesspass_one_time_tokens WHERE token_hash IN (
                    SELECT token_hash FROM accesspass_one_time_tokens WHERE expires_at <= :now
                    ORDER BY expires_at LIMIT :batch FOR UPDATE SKIP LOCKED)""", now);
        purged += purge("""
                DELETE FROM accesspass_login_attempts WHERE attempt_key IN (
                    SELECT attempt_key FROM accesspass_login_attempts WHERE window_ends_at <= :now
                    ORDER BY window_ends_at LIMIT :batch FOR UPDATE SKIP LOCKED)""", now);
        purged += purge("""
                DELETE FROM accesspass_known_devices WHERE digest IN (
                    SELECT digest FROM accesspass_known_devices WHERE expires_at <= :now
                    ORDER BY expires_at LIMIT :batch FOR UPDATE SKIP LOCKED)""", now);
        return purged;
    }

    private int purge(String sql, Instant now) {
        int total = 0;
        long deadline = System.nanoTime() + PURGE_BUDGET.toNanos();
        while (System.nanoTime() - deadline < 0) {
            int deleted = database.withHandle("purge expired entries", handle ->
                    handle.createUpdate(sql).bind("batch", PURGE_BATCH)
                    .bind("now", now).execute());
            total += deleted;
            if (deleted < PURGE_BATCH) {
                break;
            }
        }
        return total;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (cache != null) {
                cache.close();
            }
            onClose.run();
        }
    }

    private static SessionGrant grant(ResultSet rs) throws SQLException {
        return new SessionGrant(new SessionId(rs.getString("id")), new UserId(rs.getString("user_id")),
                rs.getLong("credential_epoch"), instant(rs, "created_at"), Json.read(rs.getString("meta")), instant(rs, "access_expires_at"),
                instant(rs, "refresh_expires_at"), metadata(rs));
    }

    private static SessionMetadata metadata(ResultSet rs) throws SQLException {
        Array amr = rs.getArray("amr");
        List<String> methods = amr == null ? List.of() : Arrays.asList((String[]) amr.getArray());
        return new SessionMetadata(rs.getString("address"), rs.getString("user_agent"), rs.getString("method"),
                methods, instant(rs, "auth_time"), rs.getShort("aal"));
    }

    private static LockedSession lockedSession(ResultSet rs) throws SQLException {
        return new LockedSession(rs.getObject("id", UUID.class), new UserId(rs.getString("user_id")),
                rs.getLong("credential_epoch"), instant(rs, "created_at"), instant(rs, "ends_at"), rs.getString("meta"),
                instant(rs, "refresh_expires_at"), instant(rs, "expires_at"), metadata(rs));
    }

    /** The earlier of two instants, where null means "never". */
    private static Instant min(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }

    /** When nothing of a pair is usable any more: the later expiry; null (never) if the refresh token never expires. */
    private static Instant deadAt(Instant accessExpiresAt, Instant refreshExpiresAt) {
        if (refreshExpiresAt == null) {
            return null;
        }
        return accessExpiresAt.isAfter(refreshExpiresAt) ? accessExpiresAt : refreshExpiresAt;
    }

    /**
     * Runs one statement that changes or deletes the session row {@code id}, in a transaction: when it touched the
     * row, every instance's validation cache drops the session's grants (NOTIFY, sent with the commit) and this
     * instance's at once. Returns whether a row was touched.
     */
    private boolean changeSession(String action, UUID id, HandleCallback<Integer, RuntimeException> change) {
        boolean changed = database.inTransaction(action, handle -> {
            boolean touched = change.withHandle(handle) > 0;
            if (touched) {
                ValidationCache.send(handle, "s:" + id);
            }
            return touched;
        });
        if (changed && cache != null) {
            cache.evict("s:" + id);
        }
        return changed;
    }

    static UUID uuidOrNull(String value) {
        try {
            UUID parsed = UUID.fromString(value);
            // UUID.fromString accepts short forms such as "1-1-1-1-1"; only our canonical form is an id we issued.
            return parsed.toString().equals(value) ? parsed : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private record LockedSession(UUID id, UserId user, long credentialEpoch, Instant createdAt, Instant endsAt,
                                 String meta, Instant refreshExpiresAt, Instant expiresAt, SessionMetadata metadata) {
    }

    private record UsedToken(Instant usedAt, byte[] successorHash, byte[] sealedPair) {
    }
}
