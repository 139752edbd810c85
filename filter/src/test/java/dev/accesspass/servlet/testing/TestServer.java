package dev.accesspass.servlet.testing;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.AuthHooks;
import dev.accesspass.mail.Mailer;
import dev.accesspass.password.Argon2Parameters;
import dev.accesspass.password.PasswordHasher;
import dev.accesspass.servlet.AccessPassFilter;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserStore;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.MutableClock;
import dev.accesspass.testing.RawHttp;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real Jetty 12 (ee10) on a random loopback port with {@link AccessPassFilter} in front of the test servlets of
 * {@link TestServlets}: {@code /api/hello} ({@code @Protected}), {@code /api/admin} (role {@code admin}),
 * {@code /public/hello}, {@code /public/fwd} (forwards to {@code /api/admin}), {@code /public/incl} (includes it),
 * {@code /probe} (echoes the principal), {@code /mixed} (class protected, {@code doPost} public). Closing stops
 * the server and the AccessPass instance.
 *
 * <pre>{@code
 * try (TestServer server = TestServer.builder().set("refresh-grace", "0").start()) {
 *     Http http = server.http();
 *     ...
 * }
 * }</pre>
 */
public final class TestServer implements AutoCloseable {
    private final Server jetty;
    private final AccessPass accessPass;
    private final MutableClock clock;
    private final String baseUrl;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TestServer(Server jetty, AccessPass accessPass, MutableClock clock, String baseUrl) {
        this.jetty = jetty;
        this.accessPass = accessPass;
        this.clock = clock;
        this.baseUrl = baseUrl;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults of the contract, in-memory stores, a fake clock. */
    public static TestServer start() {
        return builder().start();
    }

    public AccessPass accessPass() {
        return accessPass;
    }

    public MutableClock clock() {
        return clock;
    }

    /** {@code http://127.0.0.1:<port>} */
    public String baseUrl() {
        return baseUrl;
    }

    public int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /** A raw-socket client for this server (exact request targets, repeated headers, other source addresses). */
    public RawHttp raw() {
        return new RawHttp(port());
    }

    /** A client for this server. */
    public Http http() {
        return new Http(baseUrl);
    }

    /**
     * Stops Jetty and closes the AccessPass instance, which lets mail jobs already queued finish (up to the mail
     * queue's drain time): after it, what the outbox or the SMTP server holds is final. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            accessPass.close();
        }
    }

    /** Configures a {@link TestServer}. */
    public static final class Builder {
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final Map<String, HttpServlet> extraServlets = new LinkedHashMap<>();
        private AuthHooks hooks;
        private TokenStore tokenStore;
        private UserStore userStore;
        private PasswordHasher hasher;
        private Mailer mailer;
        private MutableClock clock = MutableClock.startingNow();
        private Consumer<AccessPass.Builder> customizer = b -> { };
        private int port;

        /** Any key of API.md §5, as text. */
        public Builder set(String key, String value) {
            settings.put(key, value);
            return this;
        }

        public Builder hooks(AuthHooks hooks) {
            this.hooks = hooks;
            return this;
        }

        public Builder stores(TokenStore tokenStore, UserStore userStore) {
            this.tokenStore = tokenStore;
            this.userStore = userStore;
            return this;
        }

        /** Replaces the Argon2id hasher, e.g. with a counting wrapper. */
        public Builder hasher(PasswordHasher hasher) {
            this.hasher = hasher;
            return this;
        }

        /** A mailer other than the one the {@code mailer} setting names; needs {@code base-url}. */
        public Builder mailer(Mailer mailer) {
            this.mailer = mailer;
            return this;
        }

        public Builder clock(MutableClock clock) {
            this.clock = clock;
            return this;
        }

        /** A fixed loopback port instead of a random one (when a setting such as base-url must name it). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Adds a servlet at a URL pattern. */
        public Builder servlet(String pattern, HttpServlet servlet) {
            extraServlets.put(pattern, servlet);
            return this;
        }

        /** Last say over the AccessPass builder (e.g. a mailer, once there is one). */
        public Builder customize(Consumer<AccessPass.Builder> customizer) {
            this.customizer = customizer;
            return this;
        }

        public TestServer start() {
            AccessPassConfig.Builder config = AccessPassConfig.builder();
            settings.forEach(config::set);
            AccessPass.Builder builder = AccessPass.builder(config.build()).clock(clock)
                    // OWASP parameters: tests exercise the real hasher, not a weakened one.
                    .passwordHasher(hasher != null ? hasher : PasswordHasher.argon2id(Argon2Parameters.owaspDefault()));
            if (hooks != null) {
                builder.hooks(hooks);
            }
            if (tokenStore != null) {
                builder.stores(tokenStore, userStore);
            }
            if (mailer != null) {
                builder.mailer(mailer);
            }
            customizer.accept(builder);
            AccessPass accessPass = builder.build();
            Server jetty = new Server();
            // Room for 8 KiB hostile Authorization headers, so the filter (not Jetty's 431) answers them.
            HttpConfiguration httpConfig = new HttpConfiguration();
            httpConfig.setRequestHeaderSize(32 * 1024);
            ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(httpConfig));
            connector.setHost("127.0.0.1");
            connector.setPort(port);
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            context.addFilter(new FilterHolder(new AccessPassFilter(accessPass)), "/*",
                    EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.INCLUDE,
                            DispatcherType.ASYNC));
            TestServlets.register(context);
            extraServlets.forEach((pattern, servlet) -> context.addServlet(new ServletHolder(servlet), pattern));
            jetty.setHandler(context);
            try {
                jetty.start();
            } catch (Exception e) {
                accessPass.close();
                throw new IllegalStateException("Jetty did not start", e);
            }
            return new TestServer(jetty, accessPass, clock, "http://127.0.0.1:" + connector.getLocalPort());
        }
    }
}
