package dev.accesspass.containers;

import java.util.Map;

/**
 * {@link ContainerSuite} on Jetty 12 (ee10) with no {@code web.xml}: the filter and the servlets are registered by
 * {@link ProgrammaticInitializer} through {@code ServletContext#addFilter} with a configuration built in code.
 */
class JettyProgrammaticTest extends ContainerSuite {
    @Override
    protected Deployment deploy() throws Exception {
        return JettyServer.start(Webapps.codeOnlyApp(), new ProgrammaticInitializer());
    }

    /** As in {@link JettyWebXmlTest}: Jetty's {@code webdefault-ee10.xml} forbids {@code TRACE} before any filter. */
    @Override
    protected int traceStatus() {
        return 403;
    }

    @Override
    protected Map<String, Integer> refusedByContainer() {
        return JettyServer.REFUSED_PATH_VARIANTS;
    }
}
