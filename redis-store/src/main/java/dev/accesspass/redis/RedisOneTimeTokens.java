package dev.accesspass.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.accesspass.UserId;
import dev.accesspass.store.OneTimeToken;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenPurpose;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One-time tokens. The purpose is part of the key, so consumption is one {@code GETDEL}: of concurrent consumers
 * exactly one gets the value, and a token of another purpose is a different key, left untouched. An expired token
 * is consumed too (and refused), so a clock set back cannot revive it.
 *
 * <p>{@link dev.accesspass.store.TokenStore#saveOneTimeToken} gets no {@code now}, so the TTL here is Redis's own
 * clock reaching the expiry ({@code PXAT}); the check at consumption still uses the caller's {@code now}, and
 * {@link #purge} (with the caller's {@code now}) removes what a TTL cannot see.
 */
final class RedisOneTimeTokens {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Redis redis;
    private final Script indexAdd;

    RedisOneTimeTokens(Redis redis, Script indexAdd) {
        this.redis = redis;
        this.indexAdd = indexAdd;
    }

    void save(OneTimeToken token) {
        String key = Keys.oneTime(token.hash(), token.purpose());
        long expiresAt = token.expiresAt().toEpochMilli();
        // The SPI gives no now here. Redis's clock collects the token when it passes the expiry; an expiry already
        // past on Redis's clock (the caller's clock is behind it) is left to purgeExpired, which uses the caller's.
        long ttl = expiresAt - System.currentTimeMillis();
        if (token.user() != null) {
            // Indexed before it is findable, so a delete that could see the token also finds it in the index.
            indexAdd.run(redis, "save a one-time token",
                    new String[] {Keys.userOneTime(token.user(), token.purpose())}, token.hash().hex(),
                    ttl > 0 ? Long.toString(ttl) : "");
        }
        ObjectNode value = JSON.createObjectNode();
        value.put("x", expiresAt);
        value.put("u", token.user() == null ? null : token.user().value());
        value.put("p", token.payload());
        RedisFuture<String> set = ttl > 0 ? redis.commands().set(key, value.toString(), SetArgs.Builder.pxAt(expiresAt))
                : redis.commands().set(key, value.toString());
        RedisFuture<Long> filed = redis.commands().zadd(Keys.PURGE_ONE_TIME, (double) expiresAt,
                token.purpose().name() + ":" + token.hash().hex());
        redis.await("save a one-time token", set);
        redis.await("save a one-time token", filed);
    }

    Optional<OneTimeToken> consume(TokenHash hash, TokenPurpose purpose, Instant now) {
        String value = redis.call("consume a one-time token",
                () -> redis.commands().getdel(Keys.oneTime(hash, purpose)));
        if (value == null) {
            return Optional.empty();
        }
        JsonNode node = read(value);
        Instant expiresAt = Instant.ofEpochMilli(node.get("x").asLong());
        if (!now.isBefore(expiresAt)) {
            return Optional.empty();
        }
        JsonNode user = node.get("u");
        JsonNode payload = node.get("p");
        return Optional.of(new OneTimeToken(hash, purpose, user == null || user.isNull() ? null : new UserId(user.asText()),
                expiresAt, payload == null || payload.isNull() ? null : payload.asText()));
    }

    int delete(UserId user, TokenPurpose purpose) {
        String index = Keys.userOneTime(user, purpose);
        Set<String> digests = redis.call("delete one-time tokens", () -> redis.commands().smembers(index));
        if (digests.isEmpty()) {
            return 0;
        }
        String[] keys = digests.stream().map(hex -> Keys.oneTime(TokenHash.fromHex(hex), purpose))
                .toArray(String[]::new);
        Long deleted = redis.call("delete one-time tokens", () -> redis.commands().del(keys));
        redis.call("delete one-time tokens", () -> redis.commands().srem(index, digests.toArray(String[]::new)));
        return deleted.intValue();
    }

    int purge(Instant now) {
        List<String> due = redis.call("purge expired one-time tokens", () -> redis.commands().zrangebyscore(
                Keys.PURGE_ONE_TIME, Range.create(0L, now.toEpochMilli()), Limit.create(0, RedisSessions.PURGE_BATCH)));
        if (due.isEmpty()) {
            return 0;
        }
        // GETDEL rather than DEL: the value names the user whose index lists the digest.
        List<RedisFuture<String>> taken = new ArrayList<>();
        for (String member : due) {
            taken.add(redis.commands().getdel("ap:o:" + member));
        }
        int purged = 0;
        List<RedisFuture<Long>> unindexed = new ArrayList<>();
        for (int i = 0; i < due.size(); i++) {
            String value = redis.await("purge expired one-time tokens", taken.get(i));
            if (value == null) {
                continue;
            }
            purged++;
            JsonNode user = read(value).get("u");
            if (user != null && !user.isNull()) {
                String member = due.get(i);
                int colon = member.indexOf(':');
                unindexed.add(redis.commands().srem(Keys.userOneTime(new UserId(user.asText()),
                        TokenPurpose.valueOf(member.substring(0, colon))), member.substring(colon + 1)));
            }
        }
        for (RedisFuture<Long> future : unindexed) {
            redis.await("purge expired one-time tokens", future);
        }
        redis.call("purge expired one-time tokens",
                () -> redis.commands().zrem(Keys.PURGE_ONE_TIME, due.toArray(String[]::new)));
        return purged;
    }

    private static JsonNode read(String value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable one-time token", e);
        }
    }
}
