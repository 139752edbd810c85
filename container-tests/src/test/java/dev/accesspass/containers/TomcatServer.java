package dev.accesspass.containers;

import dev.accesspass.AccessPass;
import dev.accesspass.servlet.AccessPassFilter;
import jakarta.servlet.ServletContainerInitializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;

/** An embedded Tomcat (11, or 10.1 in the tomcat-10.1 surefire execution) on a random loopback port serving one web application at the root context. */
final class TomcatServer implements Deployment {
    private final Tomcat tomcat;
    private final Context context;
    private final Connector connector;

    private TomcatServer(Tomcat tomcat, Context context, Connector connector) {
        this.tomcat = tomcat;
        this.context = context;
        this.connector = connector;
    }

    /**
     * Deploys {@code docBase} as Tomcat deploys a webapp directory: its {@code WEB-INF/web.xml} if there is one,
     * Tomcat's defaults (the default servlet for static files) and, when given, a {@link ServletContainerInitializer}
     * that registers things in code.
     */
    static TomcatServer start(Path docBase, ServletContainerInitializer initializer) throws IOException,
            LifecycleException {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("accesspass-tomcat").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        tomcat.setHostname("127.0.0.1");
        tomcat.getHost().setAutoDeploy(false);
        Context context = tomcat.addWebapp("", docBase.toAbsolutePath().toString());
        // The test classpath is not the webapp's WEB-INF/lib: scanning it for annotations would only cost time.
        StandardJarScanner scanner = new StandardJarScanner();
        scanner.setScanClassPath(false);
        scanner.setScanManifest(false);
        context.setJarScanner(scanner);
        if (initializer != null) {
            context.addServletContainerInitializer(initializer, null);
        }
        tomcat.start();
        if (!context.getState().isAvailable()) {
            tomcat.stop();
            tomcat.destroy();
            throw new IllegalStateException("the web application did not start on Tomcat");
        }
        return new TomcatServer(tomcat, context, connector);
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    @Override
    public AccessPass accessPass() {
        return (AccessPass) context.getServletContext().getAttribute(AccessPassFilter.CONTEXT_ATTRIBUTE);
    }

    @Override
    public void close() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
    }
}
