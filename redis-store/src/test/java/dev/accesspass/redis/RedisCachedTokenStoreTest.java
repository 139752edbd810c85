package dev.accesspass.redis;

import dev.accesspass.AccessPassConfig;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.TokenStoreContract;
import dev.accesspass.testing.RequiredTool;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The token-store contract, unchanged, with the tracking cache on: a cached check never outlives a change. */
@RequiredTool(value = {"redis-server", "redis-cli"}, install = RedisServer.INSTALL)
class RedisCachedTokenStoreTest extends TokenStoreContract {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    @Override
    protected TokenStore newStore() {
        REDIS.flush();
        return new RedisStoreProvider().openTokenStore(AccessPassConfig.builder().set("token-store", "redis")
                .set("redis-url", REDIS.url()).set("token-cache-ttl", "60").build());
    }

    @Override
    protected Optional<List<byte[]>> storedSecretMaterial(TokenStore store) {
        return Optional.of(RedisContents.digests(REDIS.url()));
    }
}
