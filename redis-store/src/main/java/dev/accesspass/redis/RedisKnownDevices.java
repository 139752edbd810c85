package dev.accesspass.redis;

import dev.accesspass.UserId;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenStore;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Known devices (device-cookie digests a user signed in from). The per-user sorted set {@code ap:{u:<user>}:d}
 * (digest → expiry) decides, as a session hash does for its tokens: {@code save_known_device.lua} files a digest and
 * keeps the set at {@link TokenStore#KNOWN_DEVICES_PER_USER} in one step, dropping the ones that expire first, so
 * parallel logins of one user can never leave more. The pointer {@code ap:d:<digest>} → user is found by the digest
 * alone and so cannot share the user's slot: it is written before the script and deleted after it, and a pointer
 * whose user's set does not list the digest (or lists it expired at the caller's {@code now}) finds nothing.
 *
 * <p>{@link TokenStore#saveKnownDevice} gets no {@code now}; as for one-time tokens, the TTLs are Redis's clock
 * reaching the expiry ({@code PXAT}), and {@link #purge} removes, by the caller's {@code now}, what they cannot see.
 */
final class RedisKnownDevices {
    private final Redis redis;
    private final Script save = Script.load("save_known_device", ScriptOutputType.MULTI);
    private final Script purgeOne = Script.load("purge_known_device", ScriptOutputType.INTEGER);

    RedisKnownDevices(Redis redis) {
        this.redis = redis;
        save.preload(redis);
        purgeOne.preload(redis);
    }

    void save(TokenHash digest, UserId user, Instant expiresAt) {
        String what = "remember a known device";
        long expiry = expiresAt.toEpochMilli();
        long clock = System.currentTimeMillis();
        String pointer = Keys.device(digest);
        // Before the script: a pointer the user's set does not list is inert.
        redis.call(what, () -> expiry > clock
                ? redis.commands().set(pointer, user.value(), SetArgs.Builder.pxAt(expiry))
                : redis.commands().set(pointer, user.value()));
        List<Object> dropped = save.run(redis, what, new String[] {Keys.userDevices(user)}, digest.hex(),
                Long.toString(expiry), Integer.toString(TokenStore.KNOWN_DEVICES_PER_USER), Long.toString(clock));
        List<RedisFuture<?>> writes = new ArrayList<>();
        writes.add(redis.commands().zadd(Keys.PURGE_DEVICES, (double) expiry, member(digest.hex(), user)));
        if (!dropped.isEmpty()) {
            String[] pointers = new String[dropped.size()];
            String[] members = new String[dropped.size()];
            for (int i = 0; i < dropped.size(); i++) {
                String hex = (String) dropped.get(i);
                pointers[i] = Keys.pointer("d:" + hex);
                members[i] = member(hex, user);
            }
            writes.add(redis.commands().del(pointers));
            writes.add(redis.commands().zrem(Keys.PURGE_DEVICES, members));
        }
        for (RedisFuture<?> write : writes) {
            redis.await(what, write);
        }
    }

    Optional<UserId> find(TokenHash digest, Instant now) {
        String what = "check a known device";
        String user = redis.call(what, () -> redis.commands().get(Keys.device(digest)));
        if (user == null) {
            return Optional.empty();
        }
        UserId owner = new UserId(user);
        Double expiresAt = redis.call(what, () -> redis.commands().zscore(Keys.userDevices(owner), digest.hex()));
        return expiresAt != null && now.toEpochMilli() < expiresAt.longValue() ? Optional.of(owner)
                : Optional.empty();
    }

    /** One batch of devices expired at {@code now}; each is removed from its user's set by script, then its pointer. */
    int purge(Instant now) {
        String what = "purge expired known devices";
        List<String> due = redis.call(what, () -> redis.commands().zrangebyscore(Keys.PURGE_DEVICES,
                Range.create(0L, now.toEpochMilli()), Limit.create(0, RedisSessions.PURGE_BATCH)));
        if (due.isEmpty()) {
            return 0;
        }
        int purged = 0;
        List<RedisFuture<?>> cleanup = new ArrayList<>();
        for (String member : due) {
            String hex = member.substring(0, member.indexOf(':'));
            UserId user = new UserId(member.substring(member.indexOf(':') + 1));
            Long removed = purgeOne.run(redis, what, new String[] {Keys.userDevices(user)}, hex,
                    Long.toString(now.toEpochMilli()));
            if (removed == 1) {
                purged++;
                cleanup.add(redis.commands().del(Keys.pointer("d:" + hex)));
            }
        }
        cleanup.add(redis.commands().zrem(Keys.PURGE_DEVICES, due.toArray(String[]::new)));
        for (RedisFuture<?> future : cleanup) {
            redis.await(what, future);
        }
        return purged;
    }

    /** A purge entry: the digest (64 hex characters, no colon) first, so the user id may contain anything. */
    private static String member(String hex, UserId user) {
        return hex + ":" + user.value();
    }
}
