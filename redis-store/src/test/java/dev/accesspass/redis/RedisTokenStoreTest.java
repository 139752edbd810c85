package dev.accesspass.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.AccessPassConfig;
import dev.accesspass.UserId;
import dev.accesspass.store.LiveSession;
import dev.accesspass.store.OneTimeToken;
import dev.accesspass.store.SessionMetadata;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenPurpose;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.TokenStoreContract;
import dev.accesspass.testing.RequiredTool;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
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

    /**
     * TTLs only collect; the caller's clock decides. A caller whose clock is far behind Redis's (a test clock, a
     * skewed host) still gets working sessions and one-time tokens, which its own purge then removes.
     */
    @Test
    void sr69_aCallerClockBehindRedisStillDecidesEveryExpiry() {
        Instant past = Instant.parse("2020-01-01T00:00:00Z");
        UserId alice = new UserId("alice");
        Opened session = open(alice, past, null, Map.of(), past.plus(ACCESS_TTL), past.plus(REFRESH_TTL));
        assertThat(store().findByAccessToken(TokenHash.of(session.access()), past.plusSeconds(1))).isPresent();
        assertThat(store().findByAccessToken(TokenHash.of(session.access()), past.plus(ACCESS_TTL))).isEmpty();

        TokenHash kept = TokenHash.of(newToken());
        TokenHash purged = TokenHash.of(newToken());
        for (TokenHash hash : List.of(kept, purged)) {
            store().saveOneTimeToken(new OneTimeToken(hash, TokenPurpose.RESET_PASSWORD, alice,
                    past.plusSeconds(600), null));
        }
        assertThat(store().consumeOneTimeToken(kept, TokenPurpose.RESET_PASSWORD, past)).isPresent();
        assertThat(store().purgeExpired(past.plusSeconds(600))).isEqualTo(1);
        assertThat(store().consumeOneTimeToken(purged, TokenPurpose.RESET_PASSWORD, past)).isEmpty();
        assertThat(store().deleteOneTimeTokens(alice, TokenPurpose.RESET_PASSWORD)).isZero();
    }

    /**
     * A session hash written before the store kept metadata (no ip, ua, m, amr, at, aal, lu fields) reads as the
     * JDBC store reads its old rows: opened through the API, authenticated and last used when it was created.
     */
    @Test
    void aSessionHashWithoutMetadataReadsWithTheDefaultsOfOldSessions() {
        UserId alice = new UserId("alice");
        Instant created = T0.plusMillis(1500);
        Opened session = open(alice, created, null, Map.of(), created.plus(ACCESS_TTL), created.plus(REFRESH_TTL));
        try (Redis redis = Redis.open(REDIS.url())) {
            redis.await("strip", redis.commands().hdel(Keys.session(session.id().value()),
                    "ip", "ua", "m", "amr", "at", "aal", "lu"));
        }

        assertThat(store().findByAccessToken(TokenHash.of(session.access()), created).orElseThrow().metadata())
                .isEqualTo(SessionMetadata.unknown(created));
        LiveSession listed = store().listSessions(alice, created).get(0);
        assertThat(listed.metadata()).isEqualTo(SessionMetadata.unknown(created));
        assertThat(listed.lastUsedAt()).isEqualTo(created);
        assertThat(store().findSessionByRefreshToken(TokenHash.of(session.refresh()), created)).contains(session.id());
    }

    static TokenStore open(String url) {
        return new RedisStoreProvider().openTokenStore(AccessPassConfig.builder().set("token-store", "redis")
                .set("redis-url", url).build());
    }
}
