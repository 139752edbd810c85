package dev.accesspass.benchmarks.peers;

import jakarta.servlet.DispatcherType;
import java.security.Principal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * One servlet ({@link HelloServlet} at {@code /hello}) on one embedded Jetty 12 (ee10) on loopback, behind one of
 * the {@link Variant}s; {@code benchmarks/http/peers.sh} starts one JVM per variant and loads them in turn.
 *
 * <p>Run: {@code java -jar benchmarks/peers/target/peers.jar <variant> <port>} (port 0 for any free port). Once
 * serving it prints one line, {@code peers: variant=<v> port=<p> token=<t>}, where {@code t} is the bearer token
 * the variant accepts for the user {@code alice} (variant {@code none} accepts anything and prints a token all the
 * same, so that every variant is sent the same request).
 */
public final class PeerServer implements AutoCloseable {
    /** The user every variant authenticates; as long as {@link HelloServlet#ANONYMOUS}, so bodies match. */
    static final String USERNAME = "alice";

    /** What stands in front of the servlet. */
    public enum Variant {
        /** Nothing: the baseline every ratio is taken against. */
        NONE,
        /** AccessPassFilter, in-memory stores. */
        ACCESSPASS,
        /** Spring Security 7, opaque-token resource server, introspector on a local map. */
        SPRING,
        /** pac4j 6, DirectBearerAuthClient, authenticator on a local map. */
        PAC4J,
        /** A hand-written filter doing one map lookup: the floor. */
        HANDWRITTEN;

        /** The variant a command-line name stands for, e.g. {@code spring}. */
        public static Variant named(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown variant \"" + name
                        + "\": none, accesspass, spring, pac4j or handwritten", e);
            }
        }

        /** The command-line name. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What to close when the server stops, last registered first. */
    static final class Closer {
        private final Deque<AutoCloseable> resources = new ArrayDeque<>();

        void add(AutoCloseable resource) {
            resources.push(resource);
        }

        void closeAll() {
            while (!resources.isEmpty()) {
                try {
                    resources.pop().close();
                } catch (Exception e) {
                    // Shutting down a benchmark server: nothing left to protect.
                }
            }
        }
    }

    private final Variant variant;
    private final Server jetty;
    private final String token;
    private final Closer closer;

    private PeerServer(Variant variant, Server jetty, String token, Closer closer) {
        this.variant = variant;
        this.jetty = jetty;
        this.token = token;
        this.closer = closer;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: java -jar peers.jar none|accesspass|spring|pac4j|handwritten <port>");
            System.exit(2);
            return;
        }
        PeerServer server = start(Variant.named(args[0]), Integer.parseInt(args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("peers: variant=" + server.variant.label() + " port=" + server.port()
                + " token=" + server.token());
        System.out.flush();
        server.jetty.join();
    }

    /** Starts {@code variant} on loopback, {@code port} (0 for any free port). */
    public static PeerServer start(Variant variant, int port) throws Exception {
        Closer closer = new Closer();
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        String token = switch (variant) {
            case NONE -> Tokens.random();
            case ACCESSPASS -> AccessPassPeer.install(context, USERNAME, closer);
            case SPRING -> SpringSecurityPeer.install(context, USERNAME);
            case PAC4J -> Pac4jPeer.install(context, USERNAME);
            case HANDWRITTEN -> {
                String accepted = Tokens.random();
                Principal alice = () -> USERNAME;
                Map<String, Principal> tokens = new ConcurrentHashMap<>(Map.of(accepted, alice));
                context.addFilter(new FilterHolder(new MapLookupFilter(tokens)), "/*",
                        EnumSet.of(DispatcherType.REQUEST));
                yield accepted;
            }
        };
        context.addServlet(new ServletHolder(new HelloServlet()), "/hello");
        jetty.setHandler(context);
        try {
            jetty.start();
        } catch (Exception e) {
            closer.closeAll();
            jetty.stop();
            throw e;
        }
        return new PeerServer(variant, jetty, token, closer);
    }

    public Variant variant() {
        return variant;
    }

    /** The bound port. */
    public int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /** The bearer token this variant accepts. */
    public String token() {
        return token;
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            // Stopping anyway.
        } finally {
            closer.closeAll();
        }
    }
}
