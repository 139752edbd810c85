package dev.accesspass.redis;

import dev.accesspass.store.TokenStore;
import dev.accesspass.store.TokenStoreContract;
import dev.accesspass.testing.RequiredTool;
import java.util.List;
import java.util.Optional;
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

    @Override
    protected Optional<List<byte[]>> storedSecretMaterial(TokenStore store) {
        return Optional.of(RedisContents.digests(CLUSTER.url()));
    }
}
