package dev.accesspass.containers;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Where the test web application lives once Maven has copied the test resources. */
final class Webapps {
    private Webapps() {
    }

    /** {@code target/test-classes/webapp}: {@code WEB-INF/web.xml} plus the static {@code files/}. */
    static Path webXmlApp() {
        URL url = Webapps.class.getResource("/webapp/WEB-INF/web.xml");
        if (url == null) {
            throw new IllegalStateException("webapp/WEB-INF/web.xml is missing from the test classpath");
        }
        try {
            return Path.of(url.toURI()).getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
