package dev.accesspass.containers;

import java.util.Map;

/** {@link ContainerSuite} on Jetty 12 (ee10), the filter registered by {@code WEB-INF/web.xml}. */
class JettyWebXmlTest extends ContainerSuite {
    @Override
    protected Deployment deploy() throws Exception {
        return JettyServer.start(Webapps.webXmlApp());
    }

    /**
     * Jetty's {@code webdefault-ee10.xml} carries a security constraint that forbids {@code TRACE} for every web
     * application, so Jetty answers 403 before the filter runs; the token is not echoed either way.
     */
    @Override
    protected int traceStatus() {
        return 403;
    }

    @Override
    protected Map<String, Integer> refusedByContainer() {
        return JettyServer.REFUSED_PATH_VARIANTS;
    }
}
