package dev.accesspass.example;

import java.net.URL;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * Runs the example webapp on embedded Jetty 12 (ee10). The application is wired by its own
 * {@code WEB-INF/web.xml}, exactly as a team would add AccessPass to an existing webapp. The port comes from
 * {@code PORT} (default 8080); every AccessPass key comes from the environment (API.md §5, §6). Unless
 * {@code EXAMPLE_DEMO_OAUTH=false}, an offline OAuth provider {@code demo} runs beside it ({@link DemoOAuthProvider}).
 */
public final class ExampleApp {
    private ExampleApp() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        Server server = start(port);
        server.join();
    }

    /** Starts the app on {@code port} (0 for any free port) on loopback and all interfaces alike. */
    public static Server start(int port) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(port);
        server.addConnector(connector);
        if (DemoOAuthProvider.enabled()) {
            // Bind first: the demo provider's redirect URI needs the real port, also when port is 0.
            connector.open();
            var demo = DemoOAuthProvider.start(connector.getLocalPort());
            server.addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
                @Override
                public void lifeCycleStopped(org.eclipse.jetty.util.component.LifeCycle event) {
                    demo.stop();
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
        server.start();
        return server;
    }
}
