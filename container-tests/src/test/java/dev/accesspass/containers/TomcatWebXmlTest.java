package dev.accesspass.containers;

/** {@link ContainerSuite} on Tomcat 11 (and on 10.1 in the tomcat-10.1 execution), the filter registered by {@code WEB-INF/web.xml}. */
class TomcatWebXmlTest extends ContainerSuite {
    @Override
    protected Deployment deploy() throws Exception {
        return TomcatServer.start(Webapps.webXmlApp(), null);
    }
}
