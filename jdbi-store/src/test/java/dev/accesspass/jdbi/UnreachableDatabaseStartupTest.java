package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** SR-66, SR-65: an unreachable database stops the start quickly, naming jdbc-url and never the password. */
class UnreachableDatabaseStartupTest {

    @Test
    void sr66_unreachableDatabaseFailsNamingJdbcUrlWithoutThePassword() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // closed again before the driver connects: nothing listens there
        }
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        root.setLevel(Level.TRACE);
        Throwable failure;
        long started = System.nanoTime();
        try {
            AccessPassConfig config = AccessPassConfig.builder()
                    .set("store", "jdbc")
                    .set("jdbc-url", "jdbc:postgresql://127.0.0.1:" + closedPort + "/accesspass")
                    .set("jdbc-user", "accesspass")
                    .set("jdbc-password", "S3cret")
                    .build();
            failure = catchThrowable(() -> AccessPass.builder(config).build().close());
        } finally {
            root.detachAppender(captured);
            root.setLevel(level);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(failure).isInstanceOf(IllegalArgumentException.class);
        assertThat(failure.getMessage()).startsWith("jdbc-url:").doesNotContain("S3cret");
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain("S3cret");
        for (ILoggingEvent event : captured.list) {
            String text = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()))
                    + event.getMDCPropertyMap();
            assertThat(text).as("log event of %s", event.getLoggerName()).doesNotContain("S3cret");
        }
        assertThat(millis).as("bounded by the connection timeout, not Hikari's 30 s default").isLessThan(15_000);
    }
}
