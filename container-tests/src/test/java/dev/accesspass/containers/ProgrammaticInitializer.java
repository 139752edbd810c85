package dev.accesspass.containers;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.servlet.AccessPassFilter;
import dev.accesspass.servlet.testing.TestServlets;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import java.util.EnumSet;
import java.util.Set;

/**
 * The test application wired in code instead of {@code web.xml}: the way an application registers AccessPass from a
 * {@link ServletContainerInitializer} (or a {@link ServletContextListener}) with a configuration built in Java. It
 * owns the {@link AccessPass} it builds and closes it when the context is destroyed.
 */
final class ProgrammaticInitializer implements ServletContainerInitializer {

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        AccessPassConfig config = AccessPassConfig.builder()
                .set("refresh-grace", "10")
                .set("max-body-bytes", "16384")
                .set("protected-paths", "/files/*")
                .build();
        AccessPass accessPass = AccessPass.builder(config).build();

        FilterRegistration.Dynamic filter = context.addFilter("accesspass", new AccessPassFilter(accessPass));
        // All four dispatcher types, so forwards and includes to a protected servlet are checked too (SR-53).
        filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD,
                DispatcherType.INCLUDE, DispatcherType.ASYNC), false, "/*");

        addServlet(context, "hello", TestServlets.Hello.class, "/api/hello");
        addServlet(context, "admin", TestServlets.Admin.class, "/api/admin");
        addServlet(context, "public-hello", TestServlets.PublicHello.class, "/public/hello");
        addServlet(context, "forward", TestServlets.Forward.class, "/public/fwd");
        addServlet(context, "include", TestServlets.Include.class, "/public/incl");
        addServlet(context, "probe", TestServlets.Probe.class, "/probe");
        addServlet(context, "mixed", TestServlets.Mixed.class, "/mixed");
        addServlet(context, "methods", TestServlets.PatchAdmin.class, "/methods");
        addServlet(context, "head", TestServlets.HeadOverride.class, "/head");

        context.addListener(new ServletContextListener() {
            @Override
            public void contextDestroyed(ServletContextEvent event) {
                accessPass.close(); // the filter was given this instance, so the application closes it
            }
        });
    }

    private static void addServlet(ServletContext context, String name, Class<? extends HttpServlet> type,
            String pattern) {
        context.addServlet(name, type).addMapping(pattern);
    }
}
