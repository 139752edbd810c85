package dev.accesspass.redis;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads every token digest the store keeps, from every key and field that can hold one (for SR-02). */
final class RedisContents {
    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");

    private RedisContents() {
    }

    static List<byte[]> digests(String redisUrl) {
        List<byte[]> digests = new ArrayList<>();
        try (Redis redis = Redis.open(redisUrl)) {
            var commands = redis.commands();
            for (String key : redis.await("list keys", commands.keys("ap:*"))) {
                String type = redis.await("type", commands.type(key));
                switch (type) {
                    case "string" -> {
                        // Pointers and one-time tokens: the digest is the last part of the key.
                        addAll(digests, key.substring(key.lastIndexOf(':') + 1));
                        addAll(digests, redis.await("get", commands.get(key)));
                    }
                    case "hash" -> {
                        for (Map.Entry<String, String> field : redis.await("hgetall", commands.hgetall(key)).entrySet()) {
                            addAll(digests, field.getKey());
                            addAll(digests, field.getValue());
                        }
                    }
                    case "set" -> redis.await("smembers", commands.smembers(key)).forEach(m -> addAll(digests, m));
                    case "zset" -> redis.await("zrange", commands.zrange(key, 0, -1)).forEach(m -> addAll(digests, m));
                    default -> throw new AssertionError("unexpected key type " + type + " of " + key);
                }
            }
        }
        return digests;
    }

    /** Every 64-hex run in {@code text}, as bytes; anything else in it is not a digest. */
    private static void addAll(List<byte[]> digests, String text) {
        var matcher = DIGEST.matcher(text);
        while (matcher.find()) {
            digests.add(HexFormat.of().parseHex(matcher.group()));
        }
    }
}
