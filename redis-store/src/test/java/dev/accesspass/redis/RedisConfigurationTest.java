package dev.accesspass.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.RequiredTool;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * SR-66: every bad token-store or redis-url setting stops the start with one message naming the key, and never
 * shows the password; the right password works.
 */
@RequiredTool(value = {"redis-server", "redis-cli"}, install = RedisServer.INSTALL)
class RedisConfigurationTest {
    private static final String SECRET = "S3cretRedisPass";
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer().password(SECRET);

    @Test
    void unknownTokenStoreIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> AccessPassConfig.builder().set("token-store", "cassandra"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token-store: \"cassandra\" is not one of [jdbc, memory, redis]");
    }

    @Test
    void redisTokenStoreNeedsARedisUrl() {
        assertThatThrownBy(() -> AccessPassConfig.builder().set("token-store", "redis").build())
                .hasMessage("redis-url: required when token-store=redis");
    }

    @Test
    void jdbcTokensNeedJdbcUsers() {
        assertThatThrownBy(() -> AccessPassConfig.builder().set("token-store", "jdbc").build())
                .hasMessageStartingWith("token-store: jdbc needs store=jdbc");
    }

    @Test
    void sr66_aUrlThatIsNotARedisUriIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> AccessPassConfig.builder().set("redis-url", "http://:" + SECRET + "@127.0.0.1:1"))
                .hasMessageStartingWith("redis-url: each URI must start with redis://")
                .hasMessageNotContaining(SECRET);
        Throwable failure = startFailure("redis://:" + SECRET + "@127.0.0.1:99999");
        assertThat(failure).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("redis-url: not a Redis URI Lettuce accepts");
        assertThat(trace(failure)).doesNotContain(SECRET);
    }

    @Test
    void sr66_unreachableRedisStopsTheStartNamingRedisUrl() throws Exception {
        int closedPort = RedisServer.freePort();
        long started = System.nanoTime();
        Throwable failure = startFailure("redis://:" + SECRET + "@127.0.0.1:" + closedPort);
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(failure).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("redis-url: cannot use Redis at 127.0.0.1:" + closedPort + " (")
                .hasMessageContaining("Connection refused");
        assertThat(trace(failure)).doesNotContain(SECRET);
        assertThat(millis).as("bounded by the connect timeout").isLessThan(15_000);
    }

    @Test
    void sr66_aWrongPasswordStopsTheStartNamingRedisUrlWithoutThePassword() {
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        root.setLevel(Level.DEBUG);
        Throwable failure;
        try {
            failure = startFailure("redis://:wrong-" + SECRET + "@127.0.0.1:" + REDIS.port());
        } finally {
            root.detachAppender(captured);
            root.setLevel(level);
        }

        assertThat(failure).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("redis-url: cannot use Redis at 127.0.0.1:" + REDIS.port() + " (")
                .hasMessageContaining("WRONGPASS");
        assertThat(trace(failure)).doesNotContain(SECRET);
        for (ILoggingEvent event : captured.list) {
            String text = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            assertThat(text).as("log event of %s", event.getLoggerName()).doesNotContain(SECRET);
        }
    }

    /**
     * When the handshake ends in a closed channel (Lettuce reports that instead of Redis's WRONGPASS in about one
     * attempt of 200), the start tries once more, so its message still says why. Played by a loopback relay to Redis
     * that hangs up on its first connection.
     */
    @Test
    void sr66_aHandshakeEndingInAClosedChannelIsTriedOnceMoreForItsReason() throws Exception {
        try (HangsUpOnce relay = new HangsUpOnce(REDIS.port())) {
            Throwable failure = startFailure("redis://:wrong-" + SECRET + "@127.0.0.1:" + relay.port());

            assertThat(failure).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("redis-url: cannot use Redis at 127.0.0.1:" + relay.port() + " (")
                    .hasMessageContaining("WRONGPASS");
            assertThat(trace(failure)).doesNotContain(SECRET);
            assertThat(relay.accepted()).as("connections made").isEqualTo(2);
        }
    }

    /** Closes the first connection it accepts at once; relays the later ones to Redis on {@code target}. */
    private static final class HangsUpOnce implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        private final AtomicInteger accepted = new AtomicInteger();
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        HangsUpOnce(int target) throws IOException {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket client = server.accept();
                        if (accepted.incrementAndGet() == 1) {
                            client.close();
                            continue;
                        }
                        Socket redis = new Socket(InetAddress.getLoopbackAddress(), target);
                        open.add(client);
                        open.add(redis);
                        pump(client, redis);
                        pump(redis, client);
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            }, "hangs-up-once");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private static void pump(Socket from, Socket to) {
            Thread pump = new Thread(() -> {
                try {
                    from.getInputStream().transferTo(to.getOutputStream());
                } catch (IOException e) {
                    // one side closed: so is the relay of this connection
                } finally {
                    try {
                        to.close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                }
            }, "hangs-up-once-pump");
            pump.setDaemon(true);
            pump.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : open) {
                socket.close();
            }
        }
    }

    @Test
    void theRightPasswordWorksAndTheStartUpLineMasksIt() {
        AccessPassConfig config = AccessPassConfig.builder().set("token-store", "redis")
                .set("redis-url", REDIS.url()).build();
        assertThat(config.describe()).contains("redis-url=redis://****@127.0.0.1:" + REDIS.port())
                .doesNotContain(SECRET);
        try (TestServer server = TestServer.builder().set("token-store", "redis").set("redis-url", REDIS.url())
                .start()) {
            Http http = server.http();
            String access = http.register("configured", "correct horse battery staple").field("access_token");
            assertThat(http.get("/api/hello", access).status()).isEqualTo(200);
        }
    }

    private static Throwable startFailure(String url) {
        return catchThrowable(() -> AccessPass.builder(AccessPassConfig.builder().set("token-store", "redis")
                .set("redis-url", url).build()).build().close());
    }

    private static String trace(Throwable failure) {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        return trace.toString();
    }
}
