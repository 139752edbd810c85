package dev.accesspass.servlet.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures one logback logger at a level for the duration of a try-with-resources block, then restores it.
 *
 * <pre>{@code
 * try (LogCapture log = LogCapture.of("dev.accesspass.security", Level.INFO)) { ...; log.messages() }
 * }</pre>
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final Level previous;
    private final boolean previousAdditive;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(Logger logger, Level level) {
        this.logger = logger;
        this.previous = logger.getLevel();
        this.previousAdditive = logger.isAdditive();
        appender.start();
        // Captured events stay out of the console, so expected errors do not look like failures in the build log.
        logger.setAdditive(false);
        logger.addAppender(appender);
        logger.setLevel(level);
    }

    public static LogCapture of(String loggerName, Level level) {
        return new LogCapture((Logger) LoggerFactory.getLogger(loggerName), level);
    }

    public List<ILoggingEvent> events() {
        return List.copyOf(appender.list);
    }

    /** The formatted messages, as a layout would print them (before any encoder). */
    public List<String> messages() {
        return events().stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(previous);
        logger.setAdditive(previousAdditive);
        appender.stop();
    }
}
