package dev.accesspass.redis;

import dev.accesspass.AccessPassConfig;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.TokenStoreContract;
import dev.accesspass.testing.RequiredTool;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The token-store contract, unchanged, on a real redis-server. */
@RequiredTool(value = {"redis-server", "redis-cli"}, install = RedisServer.INSTALL)
class RedisTokenStoreTest extends TokenStoreContract {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    @Override
    protected TokenStore newStore() {
        REDIS.flush();
        return open(REDIS.url());
    }

    @Override
    protected Optional<List<byte[]>> storedSecretMaterial(TokenStore store) {
        return Optional.of(RedisContents.digests(REDIS.url()));
    }

    static TokenStore open(String url) {
        return new RedisStoreProvider().openTokenStore(AccessPassConfig.builder().set("token-store", "redis")
                .set("redis-url", url).build());
    }
}
