package dev.accesspass.containers;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
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

    /**
     * {@code target/test-classes/quickstart}: the README's quick-start {@code web.xml}, in front of the README's
     * {@code com.example.HelloServlet} and {@code com.example.MyHooks} (compiled from this module's test sources).
     */
    static Path quickStartApp() {
        URL url = Webapps.class.getResource("/quickstart/WEB-INF/web.xml");
        if (url == null) {
            throw new IllegalStateException("quickstart/WEB-INF/web.xml is missing from the test classpath");
        }
        try {
            return Path.of(url.toURI()).getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh directory with the same static {@code files/} and no {@code WEB-INF/web.xml}: wired in code. */
    static Path codeOnlyApp() throws IOException {
        Path docBase = Files.createTempDirectory("accesspass-code-only");
        Path files = Files.createDirectories(docBase.resolve("files"));
        Files.copy(webXmlApp().resolve("files/report.txt"), files.resolve("report.txt"));
        return docBase;
    }
}
