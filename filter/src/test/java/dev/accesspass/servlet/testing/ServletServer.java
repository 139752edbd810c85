package dev.accesspass.servlet.testing;

import jakarta.servlet.http.HttpServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A bare Jetty 12 (ee10) on a random loopback port with one servlet and no filter, for unit-testing the
 * package-private pieces the filter uses (body reading, bearer parsing, problem writing) against a real servlet
 * request and response. For the filter itself use {@link TestServer}.
 *
 * <pre>{@code
 * server = ServletServer.start("/echo", new EchoServlet());   // in @BeforeAll; server.close() in @AfterAll
 * }</pre>
 */
public final class ServletServer implements AutoCloseable {
    private final Server jetty;
    private final int port;

    private ServletServer(Server jetty, int port) {
        this.jetty = jetty;
        this.port = port;
    }

    /** Starts Jetty with {@code servlet} at {@code pattern} at the root context. */
    public static ServletServer start(String pattern, HttpServlet servlet) {
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(servlet), pattern);
        jetty.setHandler(context);
        try {
            jetty.start();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not start", e);
        }
        return new ServletServer(jetty, connector.getLocalPort());
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>} */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
