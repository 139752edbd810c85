package dev.accesspass.example;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops Jetty's "Failed startup of context" warning and its stack trace: when the webapp cannot start,
 * {@link ExampleApp#main} says why in one line ({@link StartupFailure}) and exits, so Jetty's copy of the same reason,
 * 60 frames long, would only bury it. Every other event passes.
 */
public final class StartupFailureLogFilter extends Filter<ILoggingEvent> {
    @Override
    public FilterReply decide(ILoggingEvent event) {
        String message = event.getMessage();
        return message != null && message.startsWith("Failed startup of context")
                && event.getLoggerName().startsWith("org.eclipse.jetty") ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
