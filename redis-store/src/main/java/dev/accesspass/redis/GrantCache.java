package dev.accesspass.redis;

import dev.accesspass.store.SessionGrant;
import dev.accesspass.store.TokenHash;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional local cache of token checks ({@code token-cache-ttl} above zero), kept true by Redis's server-assisted
 * client-side caching: the checks that miss are read through a RESP3 connection with {@code CLIENT TRACKING} on, so
 * Redis remembers which keys this instance has seen and pushes an {@code invalidate} message on that connection the
 * moment one changes, on any instance (a logout deletes the session hash, a rotation or an epoch change writes it).
 * The entry goes when that message arrives; on this instance it goes at once, before the change returns.
 *
 * <p>Fail safe: while the tracking connection is down no message could arrive, so the cache is emptied and off from
 * the moment it drops until tracking is on again on the new connection. A read that an invalidation (or a drop)
 * overtook is not cached: every invalidation moves a counter, and an entry is kept only if the counter did not move
 * between the read and the insert. The TTL bounds an entry's life in any case. Standalone Redis and Sentinel only: on a
 * Cluster, tracking would have to follow every node's connection.
 */
final class GrantCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GrantCache.class);
    static final int MAX_ENTRIES = 100_000;

    private final StatefulRedisConnection<String, String> connection;
    private final long ttlNanos;
    private final ConcurrentHashMap<TokenHash, Entry> entries = new ConcurrentHashMap<>();
    /** Each key read for an entry (its session hash, its pointer) → the entries to drop when it changes. */
    private final ConcurrentHashMap<String, Set<TokenHash>> byKey = new ConcurrentHashMap<>();
    private final AtomicLong invalidations = new AtomicLong();
    private volatile boolean active;

    private record Entry(SessionGrant grant, String sessionKey, String pointerKey, long cachedAt) {
    }

    private GrantCache(StatefulRedisConnection<String, String> connection, Duration ttl) {
        this.connection = connection;
        this.ttlNanos = ttl.toNanos();
    }

    /** Opens the tracking connection and turns tracking on; throws like any start-up failure of the store. */
    static GrantCache open(Redis redis, Duration ttl) {
        StatefulRedisConnection<String, String> connection = redis.connectAgain();
        GrantCache cache = new GrantCache(connection, ttl);
        connection.addListener(cache::onPush);
        connection.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                cache.off("the tracking connection dropped");
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                cache.track();
            }
        });
        connection.sync().clientTracking(TrackingArgs.Builder.enabled());
        cache.active = true;
        return cache;
    }

    /** After a reconnection: tracking is per connection, so it is turned on again before the cache is. */
    private void track() {
        connection.async().clientTracking(TrackingArgs.Builder.enabled()).whenComplete((ok, failure) -> {
            if (failure == null) {
                flush();
                active = true;
                LOG.info("AccessPass token store: the Redis tracking cache is on again");
            }
        });
    }

    private void off(String why) {
        if (active) {
            LOG.warn("AccessPass token store: the Redis tracking cache is off ({}); checks read Redis", why);
        }
        active = false;
        flush();
    }

    private void onPush(PushMessage message) {
        if (!"invalidate".equals(message.getType())) {
            return;
        }
        List<Object> content = message.getContent(StringCodec.UTF8::decodeKey);
        Object keys = content.size() > 1 ? content.get(1) : null;
        if (!(keys instanceof List<?> list)) {
            flush(); // a null key list: the server flushed everything
            return;
        }
        invalidations.incrementAndGet();
        for (Object key : list) {
            evictKey(key instanceof ByteBuffer buffer ? StringCodec.UTF8.decodeKey(buffer) : String.valueOf(key));
        }
    }

    boolean active() {
        return active;
    }

    /** The commands that read through the tracking connection. */
    RedisClusterAsyncCommands<String, String> commands() {
        return connection.async();
    }

    SessionGrant get(TokenHash accessHash, Instant now) {
        if (!active) {
            return null;
        }
        Entry entry = entries.get(accessHash);
        if (entry == null) {
            return null;
        }
        if (System.nanoTime() - entry.cachedAt() > ttlNanos) {
            remove(accessHash, entry);
            return null;
        }
        return now.isBefore(entry.grant().accessExpiresAt()) ? entry.grant() : null;
    }

    /** Taken before a read that may be cached; negative when the cache is off. */
    long stamp() {
        return active ? invalidations.get() : -1;
    }

    void put(TokenHash accessHash, SessionGrant grant, String sessionKey, String pointerKey, long stamp) {
        if (stamp < 0 || !active || invalidations.get() != stamp) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            flush();
            return;
        }
        Entry entry = new Entry(grant, sessionKey, pointerKey, System.nanoTime());
        // Indexed first, checked again after: an invalidation either moved the counter or finds the index entry.
        byKey.computeIfAbsent(sessionKey, k -> ConcurrentHashMap.newKeySet()).add(accessHash);
        byKey.computeIfAbsent(pointerKey, k -> ConcurrentHashMap.newKeySet()).add(accessHash);
        entries.put(accessHash, entry);
        if (invalidations.get() != stamp || !active) {
            remove(accessHash, entry);
        }
    }

    /** Drops every entry read from {@code key}; called by the invalidation push and by this instance's changes. */
    void evictKey(String key) {
        invalidations.incrementAndGet();
        Set<TokenHash> hashes = byKey.remove(key);
        if (hashes != null) {
            for (TokenHash hash : hashes) {
                entries.remove(hash);
            }
        }
    }

    /**
     * Only the entry: its index entries stay until their key is invalidated (every pointer expires in Redis, which
     * sends that too). Removing them here could unindex a newer entry of the same token put meanwhile.
     */
    private void remove(TokenHash hash, Entry entry) {
        entries.remove(hash, entry);
    }

    private void flush() {
        invalidations.incrementAndGet();
        entries.clear();
        byKey.clear();
    }

    @Override
    public void close() {
        active = false;
        flush();
        connection.close();
    }
}
