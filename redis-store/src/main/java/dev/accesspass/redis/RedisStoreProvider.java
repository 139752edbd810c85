package dev.accesspass.redis;

import dev.accesspass.AccessPassConfig;
import dev.accesspass.store.StoreProvider;
import dev.accesspass.store.TokenStore;

/**
 * The {@code token-store=redis} provider, found by {@link java.util.ServiceLoader}: connects to {@code redis-url}
 * (Lettuce URIs: {@code redis://}, {@code rediss://} with TLS, {@code redis-sentinel://}, or several
 * comma-separated URIs, or one node's, of a Redis Cluster) and returns a token store on it. Users stay in the
 * {@code store} (memory or jdbc): Redis keeps only sessions, tokens, one-time tokens and login counters. With
 * {@code token-cache-ttl} above zero, token checks are cached locally and evicted the moment Redis reports a change
 * of what they read (client-side caching with {@code CLIENT TRACKING}); see {@code GrantCache}.
 *
 * <p>Applications that build AccessPass in code can call {@link #openTokenStore} themselves and pass the store to
 * {@code AccessPass.Builder.stores}; closing it closes the connection.
 */
public final class RedisStoreProvider implements StoreProvider {

    /** For ServiceLoader. */
    public RedisStoreProvider() {
    }

    @Override
    public String name() {
        return "redis";
    }

    /** Redis keeps no users; use {@link #openTokenStore} ({@code token-store=redis}) beside another store. */
    @Override
    public Stores open(AccessPassConfig config) {
        throw new IllegalArgumentException("store: redis keeps only tokens; set token-store=redis and store=memory "
                + "or store=jdbc for the users");
    }

    /**
     * Connects and checks that Redis answers (with the configured password). Thread-safe.
     *
     * @throws IllegalArgumentException naming {@code redis-url} when it is missing or bad, Redis cannot be reached,
     *                                  or refuses the credentials (never with the password in the message)
     */
    @Override
    public TokenStore openTokenStore(AccessPassConfig config) {
        String url = config.redisUrl().orElseThrow(() ->
                new IllegalArgumentException("redis-url: required when token-store=redis"));
        Redis redis = Redis.open(url);
        GrantCache cache = null;
        try {
            if (!config.tokenCacheTtl().isZero()) {
                if (redis.isCluster()) {
                    throw new IllegalArgumentException("token-cache-ttl: the Redis token cache needs one Redis server "
                            + "(or Sentinel), not a Cluster; set token-cache-ttl=0");
                }
                cache = GrantCache.open(redis, config.tokenCacheTtl());
            }
            return new RedisTokenStore(redis, cache);
        } catch (RuntimeException e) {
            if (cache != null) {
                cache.close();
            }
            redis.close();
            throw e;
        }
    }
}
