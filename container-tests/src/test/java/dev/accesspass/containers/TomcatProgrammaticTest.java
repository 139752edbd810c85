package dev.accesspass.containers;

/**
 * {@link ContainerSuite} on Tomcat 11 (and 10.1, see the pom) with no {@code web.xml}: the filter and the servlets are registered by
 * {@link ProgrammaticInitializer} through {@code ServletContext#addFilter} with a configuration built in code.
 */
class TomcatProgrammaticTest extends ContainerSuite {
    @Override
    protected Deployment deploy() throws Exception {
        return TomcatServer.start(Webapps.codeOnlyApp(), new ProgrammaticInitializer());
    }
}
