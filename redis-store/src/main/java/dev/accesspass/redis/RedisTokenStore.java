package dev.accesspass.redis;

import dev.accesspass.SessionId;
import dev.accesspass.UserId;
import dev.accesspass.store.AttemptWindow;
import dev.accesspass.store.LiveSession;
import dev.accesspass.store.NewSession;
import dev.accesspass.store.OneTimeToken;
import dev.accesspass.store.Rotation;
import dev.accesspass.store.SessionGrant;
import dev.accesspass.store.Successor;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenPurpose;
import dev.accesspass.store.TokenStore;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link TokenStore} on Redis or Redis Cluster. Thread-safe. Each concern has its own class, with the key layout in
 * {@link Keys} and each atomic step a Lua script named after the operation ({@code rotate.lua},
 * {@code end_session.lua}, …): {@link RedisSessions} (sessions, rotation, revocation, epochs),
 * {@link RedisOneTimeTokens}, {@link RedisAttempts}; the optional local cache of token checks is {@link GrantCache}.
 * A new SPI method goes to the class of its concern, or a new
 * one, and gets a line here:
 * <ul>
 *   <li>{@link #findSessionByRefreshToken}, {@link #listSessions}: reads in {@link RedisSessions}, each session one
 *       {@code HMGET} of its hash;</li>
 *   <li>{@link #revokeSession(UserId, SessionId)}: {@code end_session.lua} with the owner checked inside;</li>
 *   <li>{@link #releaseAttempt}: {@code release_attempt.lua} in {@link RedisAttempts};</li>
 *   <li>{@link #saveKnownDevice}, {@link #findKnownDevice}: {@link RedisKnownDevices}
 *       ({@code save_known_device.lua} keeps the per-user bound).</li>
 * </ul>
 *
 * <p>Every Lettuce failure becomes a {@link dev.accesspass.StoreUnavailableException} (503 {@code store_unavailable}):
 * the store never answers "not found" for a failure.
 */
final class RedisTokenStore implements TokenStore {
    private final Redis redis;
    private final GrantCache cache;
    private final RedisSessions sessions;
    private final RedisOneTimeTokens oneTimeTokens;
    private final RedisAttempts attempts;
    private final RedisKnownDevices devices;
    private volatile boolean closed;

    /** {@code cache} may be null (no local cache); closing the store closes both. */
    RedisTokenStore(Redis redis, GrantCache cache) {
        this.redis = redis;
        this.cache = cache;
        Script indexAdd = Script.load("index_add", ScriptOutputType.INTEGER);
        indexAdd.preload(redis);
        this.sessions = new RedisSessions(redis, indexAdd, cache);
        this.oneTimeTokens = new RedisOneTimeTokens(redis, indexAdd);
        this.attempts = new RedisAttempts(redis);
        this.devices = new RedisKnownDevices(redis);
    }

    @Override
    public SessionId createSession(NewSession session) {
        return guard("create a session", () -> sessions.create(session));
    }

    @Override
    public Optional<SessionGrant> findByAccessToken(TokenHash accessHash, Instant now) {
        return guard("check an access token", () -> sessions.find(accessHash, now));
    }

    @Override
    public Rotation rotate(TokenHash presentedRefresh, Successor successor, Instant now) {
        return guard("rotate a refresh token", () -> sessions.rotate(presentedRefresh, successor, now));
    }

    @Override
    public boolean advanceSessionEpoch(SessionId session, long credentialEpoch) {
        return guard("advance a session's epoch", () -> sessions.advanceEpoch(session, credentialEpoch));
    }

    @Override
    public boolean recordReauthentication(SessionId session, List<String> amr, int aal, Instant authTime) {
        return guard("record a re-authentication", () -> sessions.recordReauthentication(session, amr, aal, authTime));
    }

    @Override
    public Optional<SessionId> findSessionByRefreshToken(TokenHash refreshHash, Instant now) {
        return guard("find the session of a refresh token", () -> sessions.findByRefreshToken(refreshHash, now));
    }

    @Override
    public boolean revokeSession(SessionId session) {
        return guard("revoke a session", () -> sessions.revoke(session));
    }

    @Override
    public boolean revokeSession(UserId owner, SessionId session) {
        return guard("revoke a user's session", () -> sessions.revoke(owner, session));
    }

    @Override
    public List<LiveSession> listSessions(UserId user, Instant now) {
        return guard("list a user's sessions", () -> sessions.list(user, now));
    }

    @Override
    public int revokeUserSessions(UserId user, SessionId keep) {
        return guard("revoke a user's sessions", () -> sessions.revokeUser(user, keep));
    }

    @Override
    public void saveOneTimeToken(OneTimeToken token) {
        guard("save a one-time token", () -> {
            oneTimeTokens.save(token);
            return null;
        });
    }

    @Override
    public Optional<OneTimeToken> consumeOneTimeToken(TokenHash hash, TokenPurpose purpose, Instant now) {
        return guard("consume a one-time token", () -> oneTimeTokens.consume(hash, purpose, now));
    }

    @Override
    public int deleteOneTimeTokens(UserId user, TokenPurpose purpose) {
        return guard("delete one-time tokens", () -> oneTimeTokens.delete(user, purpose));
    }

    @Override
    public AttemptWindow recordFailedAttempt(String key, Instant now, Duration window) {
        return guard("count a failed login", () -> attempts.record(key, now, window));
    }

    @Override
    public AttemptWindow failedAttempts(String key, Instant now) {
        return guard("read failed logins", () -> attempts.failed(key, now));
    }

    @Override
    public void clearFailedAttempts(String key) {
        guard("clear failed logins", () -> {
            attempts.clear(key);
            return null;
        });
    }

    @Override
    public AttemptWindow releaseAttempt(String key, Instant now) {
        return guard("release a login attempt", () -> attempts.release(key, now));
    }

    @Override
    public void saveKnownDevice(TokenHash digest, UserId user, Instant expiresAt) {
        guard("remember a known device", () -> {
            devices.save(digest, user, expiresAt);
            return null;
        });
    }

    @Override
    public Optional<UserId> findKnownDevice(TokenHash digest, Instant now) {
        return guard("check a known device", () -> devices.find(digest, now));
    }

    /**
     * Sessions, one-time tokens and known devices judged dead by {@code now} (TTLs collect the rest, and attempt
     * windows entirely), one batch of each per call.
     */
    @Override
    public int purgeExpired(Instant now) {
        return guard("purge expired entries",
                () -> sessions.purge(now) + oneTimeTokens.purge(now) + devices.purge(now));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                if (cache != null) {
                    cache.close();
                }
            } finally {
                redis.close();
            }
        }
    }

    /** A Lettuce failure that escaped {@link Redis#await} (e.g. thrown while queueing) is an outage too. */
    private <T> T guard(String what, Supplier<T> step) {
        try {
            return step.get();
        } catch (RedisException e) {
            throw redis.down(what, e);
        }
    }
}
