package dev.accesspass.example;

import java.net.InetAddress;
import java.net.URL;
import java.net.UnknownHostException;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the example webapp on embedded Jetty 12 (ee10). The application is wired by its own
 * {@code WEB-INF/web.xml}, exactly as a team would add AccessPass to an existing webapp. The port comes from
 * {@code PORT} (default 8080) and the address from {@code HOST} (default {@code 127.0.0.1}: the dev outbox shows
 * every reset and confirmation link, so the demo is reachable from this machine only unless asked otherwise, with a
 * loud warning); every AccessPass key comes from the environment (API.md §5, §6). Unless
 * {@code EXAMPLE_DEMO_OAUTH=false}, an offline OAuth provider {@code demo} runs beside it ({@link DemoOAuthProvider}).
 */
public final class ExampleApp {
    static final String LOOPBACK = "127.0.0.1";
    private static final Logger LOG = LoggerFactory.getLogger(ExampleApp.class);

    private ExampleApp() {
    }

    public static void main(String[] args) throws Exception {
        Server server;
        try {
            server = start(host(System.getenv("HOST")), port(System.getenv("PORT")));
        } catch (Exception e) {
            // One line naming the key and the reason, and a non-zero exit: never a stack trace and a process that
            // keeps running without answering.
            System.err.println("accesspass-example: cannot start: " + StartupFailure.reason(e));
            System.exit(1);
            return;
        }
        server.join();
    }

    /** Loopback unless {@code HOST} names another address. */
    static String host(String value) {
        return value == null || value.isBlank() ? LOOPBACK : value.trim();
    }

    private static int port(String value) {
        if (value == null || value.isBlank()) {
            return 8080;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("PORT: \"" + value + "\" is not a port number (0-65535)");
    }

    /** Starts the app on loopback, {@code port} (0 for any free port). */
    public static Server start(int port) throws Exception {
        return start(LOOPBACK, port);
    }

    /**
     * Starts the app on {@code host} ({@code 0.0.0.0} for every interface) and {@code port} (0 for any free port). Any
     * address but loopback is warned about loudly: the dev outbox and the demo provider are for this machine.
     */
    public static Server start(String host, int port) throws Exception {
        if (!isLoopback(host)) {
            String warning = "WARNING: HOST=" + host + ": the AccessPass example listens beyond this machine. Its dev "
                    + "outbox (/dev/outbox) shows every password-reset and confirmation link to anyone who can reach "
                    + "it, and the demo OAuth provider signs anyone in. Never do this next to real users.";
            System.err.println(warning);
            LOG.warn(warning);
        }
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        DemoOAuthProvider.Running demo = null;
        if (DemoOAuthProvider.enabled()) {
            // Bind first: the demo provider's redirect URI needs the real port, also when port is 0.
            connector.open();
            demo = DemoOAuthProvider.start(connector.getLocalPort());
            DemoOAuthProvider.Running started = demo;
            server.addEventListener(new LifeCycle.Listener() {
                @Override
                public void lifeCycleStopped(LifeCycle event) {
                    started.stop();
                }
            });
        }

        URL webapp = ExampleApp.class.getClassLoader().getResource("webapp/");
        if (webapp == null) {
            throw new IllegalStateException("webapp/ is missing from the classpath");
        }
        WebAppContext context = new WebAppContext();
        context.setContextPath("/");
        context.setBaseResource(ResourceFactory.of(context).newResource(webapp.toURI()));
        // The app's classes are already on the JVM classpath (one shaded jar): use it, do not scan WEB-INF/lib.
        context.setParentLoaderPriority(true);
        context.setThrowUnavailableOnStartupException(true);
        server.setHandler(context);
        server.setStopAtShutdown(true);
        try {
            server.start();
        } catch (Exception e) {
            // The demo provider runs a non-daemon thread: left running, it would keep a failed JVM alive.
            stopQuietly(server);
            if (demo != null) {
                demo.stop();
            }
            throw e;
        }
        return server;
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // Jetty will refuse it at bind; warn anyway
        }
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception ignored) {
            // Start-up already failed with the error that matters.
        }
    }
}
