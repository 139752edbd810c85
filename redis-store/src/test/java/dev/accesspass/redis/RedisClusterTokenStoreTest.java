package dev.accesspass.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accesspass.AccessPassConfig;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.TokenStoreContract;
import dev.accesspass.testing.RequiredTool;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The token-store contract, unchanged, on a 3-master Redis Cluster: every script must touch only keys of one slot
 * (a cross-slot script fails with CROSSSLOT), and the multi-key deletions must work across nodes.
 */
@RequiredTool(value = {"redis-server", "redis-cli"}, install = RedisServer.INSTALL)
class RedisClusterTokenStoreTest extends TokenStoreContract {
    @RegisterExtension
    static final RedisCluster CLUSTER = new RedisCluster();

    @Override
    protected TokenStore newStore() {
        CLUSTER.flush();
        return RedisTokenStoreTest.open(CLUSTER.url());
    }

    @Test
    void theTrackingCacheIsRefusedOnACluster() {
        assertThatThrownBy(() -> new RedisStoreProvider().openTokenStore(AccessPassConfig.builder()
                .set("token-store", "redis").set("redis-url", CLUSTER.url()).set("token-cache-ttl", "60").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("token-cache-ttl: the Redis token cache needs one Redis server");
    }

    @Override
    protected Optional<List<byte[]>> storedSecretMaterial(TokenStore store) {
        return Optional.of(RedisContents.digests(CLUSTER.url()));
    }
}
