package dev.accesspass.redis;

import dev.accesspass.StoreUnavailableException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Lettuce connection (standalone, Sentinel or Cluster) and the translation of its failures into
 * {@link StoreUnavailableException}. A Lettuce connection is thread-safe and pipelines the commands of every
 * thread, so one is enough for an instance.
 *
 * <p>Commands are rejected at once while the connection is down (instead of queued until the timeout), so an outage
 * answers 503 quickly; Lettuce reconnects in the background and the store works again without a restart. The outage
 * is logged once when it starts and once when it ends.
 */
final class Redis implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Redis.class);
    /** How long one command may take before the store counts Redis as unavailable. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final boolean cluster;
    /** 0 while Redis answers; otherwise when the outage was first seen (nanoTime, never 0). */
    private final AtomicLong downSince = new AtomicLong();

    private Redis(AbstractRedisClient client, StatefulConnection<String, String> connection,
                  RedisClusterAsyncCommands<String, String> commands, boolean cluster) {
        this.client = client;
        this.connection = connection;
        this.commands = commands;
        this.cluster = cluster;
    }

    /**
     * Connects to {@code redisUrl}: one URI (standalone, {@code rediss://} with TLS, {@code redis-sentinel://}, or
     * one node of a Cluster, recognised by its {@code INFO cluster}) or several comma-separated URIs of a Cluster.
     *
     * @throws IllegalArgumentException naming {@code redis-url}: a bad URI, Redis unreachable, a wrong password
     */
    static Redis open(String redisUrl) {
        List<RedisURI> uris = parse(redisUrl);
        for (RedisURI uri : uris) {
            uri.setTimeout(TIMEOUT);
        }
        if (uris.size() == 1) {
            RedisClient standalone = RedisClient.create(uris.get(0));
            standalone.setOptions(ClientOptions.builder()
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
                    .build());
            StatefulRedisConnection<String, String> connection;
            String info;
            try {
                connection = connect(standalone::connect);
                info = connection.sync().info("cluster");
            } catch (RedisException e) {
                standalone.shutdown();
                throw startFailure(uris, e);
            }
            if (info == null || !info.contains("cluster_enabled:1")) {
                return new Redis(standalone, connection, connection.async(), false);
            }
            connection.close();
            standalone.shutdown();
        }
        RedisClusterClient clusterClient = RedisClusterClient.create(uris);
        clusterClient.setOptions(ClusterClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
                // A failover or resharding moves slots: follow MOVED/ASK and refresh the map when they happen.
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enableAllAdaptiveRefreshTriggers().build())
                .build());
        try {
            StatefulRedisClusterConnection<String, String> connection = connect(clusterClient::connect);
            connection.sync().ping();
            return new Redis(clusterClient, connection, connection.async(), true);
        } catch (RedisException e) {
            clusterClient.shutdown();
            throw startFailure(uris, e);
        }
    }

    private static List<RedisURI> parse(String redisUrl) {
        List<RedisURI> uris = new ArrayList<>();
        for (String part : redisUrl.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                uris.add(RedisURI.create(part.trim()));
            } catch (RuntimeException e) {
                // Neither the value nor Lettuce's message (which may quote it): it may hold a password.
                throw new IllegalArgumentException("redis-url: not a Redis URI Lettuce accepts (redis://host:port, "
                        + "rediss://, redis-sentinel://host:port#master, or several redis:// URIs of a Cluster)");
            }
        }
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("redis-url: no URI given");
        }
        return uris;
    }

    /**
     * Connects, and once more when the first attempt ended in a closed channel. When Redis refuses the handshake (a
     * wrong password), Lettuce closes the channel, and reports either Redis's answer ({@code WRONGPASS}) or the
     * closed channel, whichever it sees first: the latter in about one attempt of 200 here (Lettuce 7.7, Redis 7.0).
     * A channel closed that early is reported as Lettuce's "closed prematurely" or as Netty's closed channel. The start
     * fails either way; the second attempt is there so that its message says why. A refused or timed-out
     * connection is not retried: its reason is known, and waiting twice would only delay the failure.
     */
    private static <C> C connect(Supplier<C> connect) {
        try {
            return connect.get();
        } catch (RedisConnectionException e) {
            Throwable root = root(e);
            if (!(root instanceof RedisConnectionException || root instanceof ClosedChannelException)) {
                throw e;
            }
            return connect.get();
        }
    }

    private static Throwable root(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static IllegalArgumentException startFailure(List<RedisURI> uris, RedisException e) {
        List<String> places = new ArrayList<>();
        for (RedisURI uri : uris) {
            places.add(uri.getSocket() != null ? uri.getSocket()
                    : uri.getHost() != null ? uri.getHost() + ":" + uri.getPort() : "sentinel " + uri.getSentinelMasterId());
        }
        Throwable root = root(e);
        return new IllegalArgumentException("redis-url: cannot use Redis at " + String.join(", ", places) + " ("
                + root.getClass().getSimpleName() + ": " + root.getMessage() + ")", e);
    }

    boolean isCluster() {
        return cluster;
    }

    /** A second connection to the same standalone server (or Sentinel master), for the tracking cache. */
    StatefulRedisConnection<String, String> connectAgain() {
        if (cluster) {
            throw new IllegalStateException("not on a Cluster");
        }
        return ((RedisClient) client).connect();
    }

    RedisClusterAsyncCommands<String, String> commands() {
        return commands;
    }

    /** Sends a command and waits for its reply; see {@link #await}. */
    <T> T call(String what, java.util.function.Supplier<RedisFuture<T>> command) {
        RedisFuture<T> future;
        try {
            future = command.get();
        } catch (RedisException e) {
            throw down(what, e);
        }
        return await(what, future);
    }

    /**
     * Waits for a command's reply.
     *
     * @throws StoreUnavailableException Redis did not answer, answered with an error, or the connection is down
     * @throws RedisNoScriptException    the script cache of that node does not know a script (see {@link Script})
     */
    <T> T await(String what, RedisFuture<T> future) {
        try {
            T value = future.get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            up();
            return value;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RedisNoScriptException noScript) {
                throw noScript;
            }
            throw down(what, e.getCause() != null ? e.getCause() : e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw down(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw down(what, e);
        }
    }

    /** Wraps a failure thrown before a command was even queued (a rejected command while disconnected). */
    StoreUnavailableException down(String what, Throwable cause) {
        long now = System.nanoTime() | 1;
        if (downSince.compareAndSet(0, now)) {
            LOG.warn("AccessPass token store: Redis is unavailable (could not {}: {}); protected and auth routes "
                    + "answer 503 store_unavailable until it is back", what, cause.toString());
        }
        return new StoreUnavailableException("the token store could not " + what, cause);
    }

    private void up() {
        long since = downSince.get();
        if (since != 0 && downSince.compareAndSet(since, 0)) {
            LOG.info("AccessPass token store: Redis is reachable again after {} ms",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since));
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
