package dev.accesspass.containers;

/** {@link ContainerSuite} on Tomcat 11, the filter registered by {@code WEB-INF/web.xml}. */
class TomcatWebXmlTest extends ContainerSuite {
    @Override
    protected Deployment deploy() throws Exception {
        return TomcatServer.start(Webapps.webXmlApp(), null);
    }
}
