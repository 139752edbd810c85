package dev.accesspass.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.accesspass.SessionId;
import dev.accesspass.UserId;
import dev.accesspass.store.LiveSession;
import dev.accesspass.store.NewSession;
import dev.accesspass.store.Rotation;
import dev.accesspass.store.SessionGrant;
import dev.accesspass.store.SessionMetadata;
import dev.accesspass.store.Successor;
import dev.accesspass.store.TokenHash;
import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Sessions and their tokens (see {@link Keys} for the layout).
 *
 * <p>The session hash is the single source of truth, as a family is in the in-memory store: a token works only
 * while the hash names it as the current pair (or, for the access token only, the previous one until it expires).
 * Every change of a session (rotation, revocation, epoch) is one Lua script on its two keys, which Redis runs
 * without interleaving, so a logout racing a refresh can never leave a live token behind and one refresh token can
 * never get two successors, on one server or a Cluster. The pointers from a token digest to its session live in
 * other slots and so are written and deleted around the scripts, never inside them: a pointer that names a
 * session which does not name the token back finds nothing. That is why a successor's pointers are written
 * <em>before</em> the rotation script: a second tab that receives the pair through the grace window may use it the
 * moment the script has run.
 *
 * <p>Revoke-all of a user goes through a per-user set of session ids ({@code ap:{u:<user>}:s}); a session is listed
 * there before it exists, so a concurrent revoke-all either sees it or ran before it could be used.
 *
 * <p>Session ids are 128 random bits (not a random UUID's 122) in the canonical UUID form, as in the JDBC store:
 * handles a caller may name in {@code DELETE /sessions/{id}}, never derived from a token. Each session hash also
 * keeps how and from where it was opened ({@code ip}, {@code ua}, {@code m}, {@code amr}, {@code at}, {@code aal})
 * and when it was last refreshed ({@code lu}, written by {@code rotate.lua} only: the token check writes nothing).
 * A hash without them (a session from before they were kept) reads as {@link SessionMetadata#unknown}, last used
 * when created, as the JDBC store reads its old rows.
 *
 * <p>Expiry is decided by the caller's {@code now} in the scripts (one time source for issuing and checking); the
 * Redis TTLs, computed from that same {@code now}, only collect what is dead. {@link #purge} finishes what TTLs
 * cannot see: sessions judged dead by a clock that differs from Redis's.
 */
final class RedisSessions {
    /** Used refresh digests remembered per session for reuse detection, as in the in-memory store. */
    static final int USED_HISTORY = 16;
    static final int PURGE_BATCH = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> META = new TypeReference<>() { };
    private static final TypeReference<List<String>> AMR = new TypeReference<>() { };
    /** Draws the 128 random bits of each session id (ids are handles, not secrets; see the class comment). */
    private static final SecureRandom ID_RANDOM = new SecureRandom();

    private final Redis redis;
    private final Script create = Script.load("create_session", ScriptOutputType.INTEGER);
    private final Script rotate = Script.load("rotate", ScriptOutputType.MULTI);
    private final Script end = Script.load("end_session", ScriptOutputType.MULTI);
    private final Script advanceEpoch = Script.load("advance_epoch", ScriptOutputType.INTEGER);
    private final Script check = Script.load("check_access_token", ScriptOutputType.MULTI);
    private final Script reauthenticate = Script.load("record_reauthentication", ScriptOutputType.INTEGER);
    private final Script indexAdd;
    private final GrantCache cache;

    /** {@code cache} may be null (no local cache). */
    RedisSessions(Redis redis, Script indexAdd, GrantCache cache) {
        this.redis = redis;
        this.indexAdd = indexAdd;
        this.cache = cache;
        for (Script script : List.of(create, rotate, end, advanceEpoch, check, reauthenticate)) {
            script.preload(redis);
        }
    }

    SessionId create(NewSession session) {
        String id = new UUID(ID_RANDOM.nextLong(), ID_RANDOM.nextLong()).toString();
        SessionMetadata metadata = session.metadata();
        long now = session.createdAt().toEpochMilli();
        Long ends = millis(session.endsAt());
        long accessExpiresAt = min(session.accessExpiresAt().toEpochMilli(), ends);
        Long refreshExpiresAt = session.refreshExpiresAt() == null ? ends
                : (Long) min(session.refreshExpiresAt().toEpochMilli(), ends);
        String ttl = refreshExpiresAt == null ? ""
                : Long.toString(Math.max(Math.max(accessExpiresAt, refreshExpiresAt) - now, 1));
        // Listed before its tokens are reachable, so a concurrent revoke-all either sees it or ran before it.
        indexAdd.run(redis, "create a session", new String[] {Keys.userSessions(session.user())}, id, ttl);
        create.run(redis, "create a session", new String[] {Keys.session(id)},
                session.user().value(), Long.toString(session.credentialEpoch()), Long.toString(now),
                ends == null ? "" : ends.toString(), writeJson(session.meta()), session.accessHash().hex(),
                Long.toString(accessExpiresAt), session.refreshHash().hex(),
                refreshExpiresAt == null ? "" : refreshExpiresAt.toString(), ttl,
                orEmpty(metadata.address()), orEmpty(metadata.userAgent()), metadata.method(),
                metadata.amr().isEmpty() ? "" : writeJson(metadata.amr()),
                Long.toString(metadata.authTime().getEpochSecond()), Integer.toString(metadata.aal()));
        List<RedisFuture<?>> writes = new ArrayList<>();
        writes.add(redis.commands().set(Keys.access(session.accessHash()), id,
                SetArgs.Builder.px(Math.max(accessExpiresAt - now, 1))));
        writes.add(ttl.isEmpty() ? redis.commands().set(Keys.refresh(session.refreshHash()), id)
                : redis.commands().set(Keys.refresh(session.refreshHash()), id, SetArgs.Builder.px(Long.parseLong(ttl))));
        if (!ttl.isEmpty()) {
            writes.add(redis.commands().zadd(Keys.PURGE_SESSIONS, (double) (now + Long.parseLong(ttl)), id));
        }
        awaitAll("create a session", writes);
        return new SessionId(id);
    }

    Optional<SessionGrant> find(TokenHash accessHash, Instant now) {
        var commands = redis.commands();
        long stamp = -1;
        if (cache != null && cache.active()) {
            SessionGrant cached = cache.get(accessHash, now);
            if (cached != null) {
                return Optional.of(cached);
            }
            // Read through the tracking connection, so that Redis tells this instance when these keys change.
            stamp = cache.stamp();
            commands = cache.commands();
        }
        String pointer = Keys.access(accessHash);
        String id;
        List<String> fields;
        if (stamp < 0 && !redis.isCluster()) {
            // One round trip; the cache reads separately so that Redis tracks exactly the keys it read.
            List<Object> reply = check.run(redis, "check an access token", new String[] {pointer});
            if (reply == null || reply.isEmpty()) {
                return Optional.empty();
            }
            id = (String) reply.get(0);
            fields = new ArrayList<>();
            for (int i = 1; i < reply.size(); i++) {
                String field = (String) reply.get(i);
                fields.add(field.isEmpty() ? null : field);
            }
        } else {
            var reads = commands;
            id = redis.call("check an access token", () -> reads.get(pointer));
            if (id == null) {
                return Optional.empty();
            }
            String key = Keys.session(id);
            fields = redis.call("check an access token", () -> reads
                    .hmget(key, "user", "epoch", "created", "meta", "a", "ax", "pa", "pax", "rx",
                            "ip", "ua", "m", "amr", "at", "aal"))
                    .stream().map(field -> field.getValueOrElse(null)).toList();
        }
        String sessionKey = Keys.session(id);
        String user = fields.get(0);
        if (user == null) {
            return Optional.empty();
        }
        String expiresAt;
        if (accessHash.hex().equals(fields.get(4))) {
            expiresAt = fields.get(5);
        } else if (accessHash.hex().equals(fields.get(6))) {
            // Rotated out just now: works until it expires, so a logout sent with it still ends the session.
            expiresAt = fields.get(7);
        } else {
            return Optional.empty();
        }
        long expiry = Long.parseLong(expiresAt);
        if (now.toEpochMilli() >= expiry) {
            return Optional.empty();
        }
        SessionGrant grant = grant(id, user, fields.get(1), fields.get(2), fields.get(3), expiresAt, fields.get(8),
                fields.subList(9, 15));
        if (stamp >= 0) {
            cache.put(accessHash, grant, sessionKey, pointer, stamp);
        }
        return Optional.of(grant);
    }

    Rotation rotate(TokenHash presented, Successor successor, Instant now) {
        String id = redis.call("rotate a refresh token", () -> redis.commands().get(Keys.refresh(presented)));
        if (id == null) {
            return new Rotation.Rejected();
        }
        long nowMillis = now.toEpochMilli();
        String nextAccess = Keys.access(successor.accessHash());
        String nextRefresh = Keys.refresh(successor.refreshHash());
        // Before the script: a pointer the session does not name is inert, and after the script the pair must be
        // usable at once by whoever receives it.
        awaitAll("rotate a refresh token", List.of(
                redis.commands().set(nextAccess, id,
                        SetArgs.Builder.px(Math.max(successor.accessExpiresAt().toEpochMilli() - nowMillis, 1))),
                successor.refreshExpiresAt() == null ? redis.commands().set(nextRefresh, id)
                        : redis.commands().set(nextRefresh, id, SetArgs.Builder.px(
                                Math.max(successor.refreshExpiresAt().toEpochMilli() - nowMillis, 1)))));
        List<Object> reply = rotate.run(redis, "rotate a refresh token",
                new String[] {Keys.session(id), Keys.used(id)}, presented.hex(), Long.toString(nowMillis),
                successor.accessHash().hex(), Long.toString(successor.accessExpiresAt().toEpochMilli()),
                successor.refreshHash().hex(), successor.refreshExpiresAt() == null ? ""
                        : Long.toString(successor.refreshExpiresAt().toEpochMilli()),
                Base64.getEncoder().encodeToString(successor.sealedPair()), Integer.toString(USED_HISTORY));
        String outcome = (String) reply.get(0);
        if (outcome.equals("rotated")) {
            evict(id); // an older access token may have died with this rotation
        } else {
            delete("rotate a refresh token", List.of(nextAccess, nextRefresh));
        }
        if (outcome.equals("rejected")) {
            return new Rotation.Rejected();
        }
        if (outcome.equals("used")) {
            String sealed = (String) reply.get(2);
            Optional<SessionGrant> live = ((Long) reply.get(3)) == 1
                    ? Optional.of(grant(id, (String) reply.get(4), (String) reply.get(5), (String) reply.get(6),
                            (String) reply.get(7), (String) reply.get(8), (String) reply.get(9),
                            strings(reply, 10, 16)))
                    : Optional.empty();
            return new Rotation.AlreadyRotated(new SessionId(id), Instant.ofEpochMilli(Long.parseLong(
                    (String) reply.get(1))), Base64.getDecoder().decode(sealed), live);
        }
        String ttl = (String) reply.get(7);
        List<RedisFuture<?>> writes = new ArrayList<>();
        // The used token is kept, pointing to its session, while the session lives: a replay is reuse.
        String used = Keys.refresh(presented);
        if (ttl.isEmpty()) {
            writes.add(redis.commands().persist(used));
            writes.add(redis.commands().persist(nextRefresh));
            writes.add(redis.commands().zrem(Keys.PURGE_SESSIONS, id));
        } else {
            writes.add(redis.commands().pexpire(used, Long.parseLong(ttl)));
            writes.add(redis.commands().pexpire(nextRefresh, Long.parseLong(ttl)));
            writes.add(redis.commands().zadd(Keys.PURGE_SESSIONS, (double) (nowMillis + Long.parseLong(ttl)), id));
        }
        List<String> dropped = pointers(reply, 14);
        if (!dropped.isEmpty()) {
            writes.add(redis.commands().del(dropped.toArray(String[]::new)));
        }
        awaitAll("rotate a refresh token", writes);
        return new Rotation.Rotated(grant(id, (String) reply.get(1), (String) reply.get(2), (String) reply.get(3),
                (String) reply.get(4), (String) reply.get(5), (String) reply.get(6), strings(reply, 8, 14)));
    }

    boolean advanceEpoch(SessionId session, long credentialEpoch) {
        String id = idOrNull(session);
        if (id == null) {
            return false;
        }
        Long live = advanceEpoch.run(redis, "advance a session's epoch", new String[] {Keys.session(id)},
                Long.toString(credentialEpoch));
        evict(id); // cached grants carry the old epoch
        return live == 1;
    }

    /** {@code recordReauthentication}: one script on the session's hash; cached grants carry the old facts. */
    boolean recordReauthentication(SessionId session, List<String> amr, int aal, Instant authTime) {
        String id = idOrNull(session);
        if (id == null) {
            return false;
        }
        Long live = reauthenticate.run(redis, "record a re-authentication", new String[] {Keys.session(id)},
                amr.isEmpty() ? "" : writeJson(amr), Integer.toString(aal), Long.toString(authTime.getEpochSecond()));
        evict(id);
        return live == 1;
    }

    boolean revoke(SessionId session) {
        String id = idOrNull(session);
        return id != null && end(id, null, null) == Ended.ENDED;
    }

    /** The owner is checked inside {@code end_session.lua}, so another user's id is exactly an unknown one. */
    boolean revoke(UserId owner, SessionId session) {
        String id = idOrNull(session);
        return id != null && end(id, null, owner) == Ended.ENDED;
    }

    /**
     * The session a live, not yet rotated refresh token belongs to. Read-only: the pointer leads to the session
     * hash, which decides (one {@code HMGET}, so one consistent view of the session).
     */
    Optional<SessionId> findByRefreshToken(TokenHash refreshHash, Instant now) {
        String id = redis.call("find the session of a refresh token",
                () -> redis.commands().get(Keys.refresh(refreshHash)));
        if (id == null) {
            return Optional.empty();
        }
        List<String> fields = values(redis.call("find the session of a refresh token",
                () -> redis.commands().hmget(Keys.session(id), "user", "r", "rx", "ends")));
        if (fields.get(0) == null || !refreshHash.hex().equals(fields.get(1))) {
            return Optional.empty(); // ended, or rotated out (its pointer stays for reuse detection)
        }
        long nowMillis = now.toEpochMilli();
        Long refreshExpiresAt = parseOrNull(fields.get(2));
        Long ends = parseOrNull(fields.get(3));
        if ((refreshExpiresAt != null && nowMillis >= refreshExpiresAt) || (ends != null && nowMillis >= ends)) {
            return Optional.empty();
        }
        return Optional.of(new SessionId(id));
    }

    /**
     * The user's live sessions, newest first: the per-user set names them, and each is one {@code HMGET} of its
     * hash (pipelined), so every entry is one consistent view of its session. Read-only.
     */
    List<LiveSession> list(UserId user, Instant now) {
        Set<String> ids = redis.call("list a user's sessions",
                () -> redis.commands().smembers(Keys.userSessions(user)));
        List<String> order = List.copyOf(ids);
        List<RedisFuture<List<KeyValue<String, String>>>> reads = new ArrayList<>();
        for (String id : order) {
            reads.add(redis.commands().hmget(Keys.session(id), "user", "created", "ends", "ax", "rx",
                    "ip", "ua", "m", "amr", "at", "aal", "lu"));
        }
        long nowMillis = now.toEpochMilli();
        List<LiveSession> live = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            List<String> fields = values(redis.await("list a user's sessions", reads.get(i)));
            if (fields.get(0) == null || !fields.get(0).equals(user.value())) {
                continue; // ended (or expired by its TTL) since the set was read
            }
            Long ends = parseOrNull(fields.get(2));
            long accessExpiresAt = Long.parseLong(fields.get(3));
            Long refreshExpiresAt = parseOrNull(fields.get(4));
            // As the in-memory store: dead once past its cap, or once both current tokens have expired.
            boolean dead = (ends != null && nowMillis >= ends)
                    || (refreshExpiresAt != null && nowMillis >= accessExpiresAt && nowMillis >= refreshExpiresAt);
            if (dead) {
                continue;
            }
            Instant created = Instant.ofEpochMilli(Long.parseLong(fields.get(1)));
            Long lastUsed = parseOrNull(fields.get(11));
            Instant used = lastUsed == null ? created : Instant.ofEpochMilli(lastUsed);
            live.add(new LiveSession(new SessionId(order.get(i)), user, created,
                    used.isBefore(created) ? created : used, metadata(fields.subList(5, 11), created)));
        }
        live.sort(Comparator.comparing(LiveSession::createdAt).reversed()
                .thenComparing(session -> session.id().value()));
        return live;
    }

    int revokeUser(UserId user, SessionId keep) {
        String userKey = Keys.userSessions(user);
        Set<String> ids = redis.call("revoke a user's sessions", () -> redis.commands().smembers(userKey));
        int revoked = 0;
        for (String id : ids) {
            if (keep != null && keep.value().equals(id)) {
                continue;
            }
            Ended ended = end(id, null, null);
            if (ended == Ended.ENDED) {
                revoked++;
            } else if (ended == Ended.GONE) {
                // Expired by its TTL: nothing names the user any more but this set.
                redis.call("revoke a user's sessions", () -> redis.commands().srem(userKey, id));
            }
        }
        return revoked;
    }

    int purge(Instant now) {
        List<String> due = redis.call("purge expired sessions", () -> redis.commands().zrangebyscore(
                Keys.PURGE_SESSIONS, Range.create(0L, now.toEpochMilli()), Limit.create(0, PURGE_BATCH)));
        int purged = 0;
        for (String id : due) {
            if (end(id, now, null) == Ended.ENDED) {
                purged++;
            }
        }
        return purged;
    }

    private enum Ended { GONE, ENDED, ALIVE }

    /**
     * Ends a session (with {@code now}: only if it is dead then; with {@code owner}: only if it is that user's) and
     * removes its pointers and index entries.
     */
    private Ended end(String id, Instant now, UserId owner) {
        String what = now == null ? "revoke a session" : "purge expired sessions";
        String[] keys = {Keys.session(id), Keys.used(id)};
        List<Object> reply = now == null && owner == null ? end.run(redis, what, keys)
                : end.run(redis, what, keys, now == null ? "" : Long.toString(now.toEpochMilli()),
                        owner == null ? "" : owner.value());
        long outcome = (Long) reply.get(0);
        evict(id);
        if (outcome == 2) {
            String deadAt = (String) reply.get(1);
            redis.call(what, () -> deadAt.isEmpty() ? redis.commands().zrem(Keys.PURGE_SESSIONS, id)
                    : redis.commands().zadd(Keys.PURGE_SESSIONS, Double.parseDouble(deadAt), id));
            return Ended.ALIVE;
        }
        List<RedisFuture<?>> cleanup = new ArrayList<>();
        cleanup.add(redis.commands().zrem(Keys.PURGE_SESSIONS, id));
        if (outcome == 1) {
            UserId user = new UserId((String) reply.get(1));
            cleanup.add(redis.commands().srem(Keys.userSessions(user), id));
            cleanup.add(redis.commands().del(pointers(reply, 2).toArray(String[]::new)));
        }
        awaitAll(what, cleanup);
        return outcome == 1 ? Ended.ENDED : Ended.GONE;
    }

    /** On this instance at once; other instances get Redis's invalidation message. */
    private void evict(String id) {
        if (cache != null) {
            cache.evictKey(Keys.session(id));
        }
    }

    private void delete(String what, List<String> keys) {
        redis.call(what, () -> redis.commands().del(keys.toArray(String[]::new)));
    }

    private void awaitAll(String what, List<RedisFuture<?>> futures) {
        for (RedisFuture<?> future : futures) {
            redis.await(what, future);
        }
    }

    private static List<String> pointers(List<Object> reply, int from) {
        List<String> keys = new ArrayList<>();
        for (int i = from; i < reply.size(); i++) {
            keys.add(Keys.pointer((String) reply.get(i)));
        }
        return keys;
    }

    private static SessionGrant grant(String id, String user, String epoch, String created, String meta,
                                      String accessExpiresAt, String refreshExpiresAt, List<String> metadata) {
        Instant createdAt = Instant.ofEpochMilli(Long.parseLong(created));
        return new SessionGrant(new SessionId(id), new UserId(user), Long.parseLong(epoch), createdAt,
                readMeta(meta), Instant.ofEpochMilli(Long.parseLong(accessExpiresAt)),
                refreshExpiresAt == null || refreshExpiresAt.isEmpty() ? null
                        : Instant.ofEpochMilli(Long.parseLong(refreshExpiresAt)),
                metadata(metadata, createdAt));
    }

    /**
     * The six metadata fields {@code ip, ua, m, amr, at, aal}, in that order, as read (a missing one as null or
     * ''). A session without a method
     * was created before the store kept metadata: it reads as opened through the API, as the JDBC store's old rows.
     */
    private static SessionMetadata metadata(List<String> fields, Instant createdAt) {
        String method = fields.get(2);
        if (method == null || method.isEmpty()) {
            return SessionMetadata.unknown(createdAt);
        }
        String amr = fields.get(3);
        String authTime = fields.get(4);
        String aal = fields.get(5);
        return new SessionMetadata(emptyToNull(fields.get(0)), emptyToNull(fields.get(1)), method,
                amr == null || amr.isEmpty() ? List.of() : readJson(amr, AMR),
                authTime == null || authTime.isEmpty() ? createdAt : Instant.ofEpochSecond(Long.parseLong(authTime)),
                aal == null || aal.isEmpty() ? 1 : Integer.parseInt(aal));
    }

    /** Elements {@code from} (inclusive) to {@code to} (exclusive) of a script reply, as strings. */
    private static List<String> strings(List<Object> reply, int from, int to) {
        List<String> values = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            values.add((String) reply.get(i));
        }
        return values;
    }

    private static List<String> values(List<KeyValue<String, String>> fields) {
        List<String> values = new ArrayList<>(fields.size());
        for (KeyValue<String, String> field : fields) {
            values.add(field.getValueOrElse(null));
        }
        return values;
    }

    private static Long parseOrNull(String value) {
        return value == null || value.isEmpty() ? null : Long.parseLong(value);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** Only the canonical UUIDs this store issues name a session; anything else could not be a key of ours. */
    private static String idOrNull(SessionId session) {
        try {
            UUID parsed = UUID.fromString(session.value());
            return parsed.toString().equals(session.value()) ? session.value() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String writeJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> readMeta(String meta) {
        if (meta == null || meta.isEmpty() || meta.equals("{}")) {
            return Map.of(); // most sessions: no parse on the hot path
        }
        return readJson(meta, META);
    }

    private static <T> T readJson(String value, TypeReference<T> type) {
        try {
            return JSON.readValue(value, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable session field", e);
        }
    }

    private static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    private static long min(long value, Long cap) {
        return cap == null ? value : Math.min(value, cap);
    }
}
