package dev.accesspass.redis;

import dev.accesspass.store.AttemptWindow;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Failed-login counters. Not a bare {@code INCR} + {@code PEXPIRE … NX}: the window is fixed from the first failure
 * and judged by the caller's clock, like every expiry of the SPI, so its end is kept in the value and one script
 * does the increment or the new window atomically (counts from every instance add up, concurrent failures each
 * count once). The TTL of the window's length only collects the key.
 */
final class RedisAttempts {
    private final Redis redis;
    private final Script record = Script.load("record_failed_attempt", ScriptOutputType.MULTI);
    private final Script release = Script.load("release_attempt", ScriptOutputType.MULTI);

    RedisAttempts(Redis redis) {
        this.redis = redis;
        record.preload(redis);
        release.preload(redis);
    }

    AttemptWindow record(String key, Instant now, Duration window) {
        List<Object> reply = record.run(redis, "count a failed login", new String[] {Keys.attempts(key)},
                Long.toString(now.toEpochMilli()), Long.toString(Math.max(window.toMillis(), 1)));
        return new AttemptWindow(((Long) reply.get(0)).intValue(),
                Instant.ofEpochMilli(Long.parseLong((String) reply.get(1))));
    }

    AttemptWindow failed(String key, Instant now) {
        List<KeyValue<String, String>> fields = redis.call("read failed logins",
                () -> redis.commands().hmget(Keys.attempts(key), "n", "end"));
        String count = fields.get(0).getValueOrElse(null);
        String end = fields.get(1).getValueOrElse(null);
        if (count == null || end == null) {
            return AttemptWindow.none(now);
        }
        Instant windowEndsAt = Instant.ofEpochMilli(Long.parseLong(end));
        return now.isBefore(windowEndsAt) ? new AttemptWindow(Integer.parseInt(count), windowEndsAt)
                : AttemptWindow.none(now);
    }

    /**
     * Takes back one failure, in one script like the count: a concurrent failure and release both land, the count
     * never goes below zero, and a window that has ended by the caller's clock stays ended (as the JDBC store, the
     * window keeps its end when the count reaches zero).
     */
    AttemptWindow release(String key, Instant now) {
        List<Object> reply = release.run(redis, "release a login attempt", new String[] {Keys.attempts(key)},
                Long.toString(now.toEpochMilli()));
        String end = (String) reply.get(1);
        return end.isEmpty() ? AttemptWindow.none(now)
                : new AttemptWindow(((Long) reply.get(0)).intValue(), Instant.ofEpochMilli(Long.parseLong(end)));
    }

    void clear(String key) {
        redis.call("clear failed logins", () -> redis.commands().del(Keys.attempts(key)));
    }
}
