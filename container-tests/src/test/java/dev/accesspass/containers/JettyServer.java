package dev.accesspass.containers;

import dev.accesspass.AccessPass;
import dev.accesspass.servlet.AccessPassFilter;
import jakarta.servlet.ServletContainerInitializer;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;

/** An embedded Jetty 12 (ee10) on a random loopback port serving one web application at the root context. */
final class JettyServer implements Deployment {
    /**
     * The path variants of {@link ContainerSuite} Jetty refuses before any filter: the three every container refuses,
     * and the ambiguous URIs ({@code %2e} segments, {@code ..;}, empty segments) its default URI compliance answers
     * with 400.
     */
    static final Map<String, Integer> REFUSED_PATH_VARIANTS = Map.of("/api/hello/", 404, "/API/hello", 404,
            "/api/hello%2F", 400, "/api/%2e/hello", 400, "/public/..;/api/hello", 400, "/api//hello", 400);

    private final Server server;
    private final WebAppContext context;

    private JettyServer(Server server, WebAppContext context) {
        this.server = server;
        this.context = context;
    }

    /** Deploys {@code docBase} with its {@code WEB-INF/web.xml}, as the example app does. */
    static JettyServer start(Path docBase) throws Exception {
        return start(docBase, null);
    }

    /** Deploys {@code docBase}, running {@code initializer} (when not null) as the container runs one at start. */
    static JettyServer start(Path docBase, ServletContainerInitializer initializer) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebAppContext context = new WebAppContext();
        context.setContextPath("/");
        context.setBaseResource(ResourceFactory.of(context).newResource(docBase));
        // The classes are on the test classpath; there is no WEB-INF/lib to isolate.
        context.setParentLoaderPriority(true);
        context.setThrowUnavailableOnStartupException(true);
        if (initializer != null) {
            context.addServletContainerInitializer(initializer);
        }
        server.setHandler(context);
        server.start();
        return new JettyServer(server, context);
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Override
    public AccessPass accessPass() {
        return (AccessPass) context.getServletContext().getAttribute(AccessPassFilter.CONTEXT_ATTRIBUTE);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
