package dev.accesspass.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One Lua script from {@code dev/accesspass/redis/<name>.lua}, run with {@code EVALSHA}. A node that does not know
 * it yet (a new Cluster node, a restarted or failed-over server) answers {@code NOSCRIPT}; the script is then sent
 * once with {@code EVAL}, which also caches it there. Every script touches only keys of one hash tag, so it runs on
 * one Cluster slot.
 */
final class Script {
    final String name;
    private final String body;
    private final String sha;
    private final ScriptOutputType output;

    private Script(String name, String body, ScriptOutputType output) {
        this.name = name;
        this.body = body;
        this.output = output;
        try {
            this.sha = HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Script load(String name, ScriptOutputType output) {
        try (InputStream in = Script.class.getResourceAsStream(name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("missing script " + name + ".lua");
            }
            return new Script(name, new String(in.readAllBytes(), StandardCharsets.UTF_8), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads the script into the server's cache at start (best effort: {@code NOSCRIPT} is handled anyway). */
    void preload(Redis redis) {
        try {
            redis.call("load a script", () -> redis.commands().scriptLoad(body));
        } catch (RuntimeException e) {
            // Evaluated with EVAL on first use instead.
        }
    }

    <T> T run(Redis redis, String what, String[] keys, String... args) {
        try {
            return redis.call(what, () -> redis.commands().<T>evalsha(sha, output, keys, args));
        } catch (RedisNoScriptException e) {
            return redis.call(what, () -> redis.commands().<T>eval(body, output, keys, args));
        }
    }
}
