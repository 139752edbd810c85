package dev.accesspass.servlet.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Captures one {@code java.util.logging} logger (and its children) at {@link Level#ALL} for the duration of a
 * try-with-resources block, then restores it. For libraries that log through JUL rather than SLF4J, such as Eclipse
 * Angus Mail and Jakarta Mail: a logback capture on their names sees nothing, since no jul-to-slf4j bridge is on the
 * test classpath.
 *
 * <pre>{@code
 * try (JulCapture mail = JulCapture.of("org.eclipse.angus")) { ...; mail.texts() }
 * }</pre>
 */
public final class JulCapture implements AutoCloseable {
    private static final Formatter FORMATTER = new SimpleFormatter();

    private final Logger logger;
    private final Level previous;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
            // nothing buffered
        }

        @Override
        public void close() {
            // nothing to release
        }
    };

    private JulCapture(Logger logger) {
        this.logger = logger;
        this.previous = logger.getLevel();
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
        logger.setLevel(Level.ALL);
    }

    /** Captures {@code name} and the loggers below it, e.g. {@code org.eclipse.angus.mail.smtp.protocol}. */
    public static JulCapture of(String name) {
        return new JulCapture(Logger.getLogger(name));
    }

    public String name() {
        return logger.getName();
    }

    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** Each record as a whole: logger, formatted message, raw parameters and the thrown exception's text. */
    public List<String> texts() {
        List<String> texts = new ArrayList<>();
        for (LogRecord record : records) {
            StringBuilder text = new StringBuilder(record.getLoggerName()).append(": ")
                    .append(FORMATTER.formatMessage(record)).append('\n');
            if (record.getParameters() != null) {
                for (Object parameter : record.getParameters()) {
                    text.append(parameter).append('\n');
                }
            }
            if (record.getThrown() != null) {
                text.append(FORMATTER.format(record));
            }
            texts.add(text.toString());
        }
        return texts;
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setLevel(previous);
    }
}
