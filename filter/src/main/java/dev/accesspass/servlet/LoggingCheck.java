package dev.accesspass.servlet;

import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * AccessPass logs through the SLF4J API only. In a web application without an SLF4J provider (a plain WAR on a
 * standalone Tomcat) every line, the start-up line, the dev mailer's links and the security events included, goes to
 * SLF4J's no-operation logger. This says so once per JVM on {@code System.err}, which every container keeps.
 */
final class LoggingCheck {
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private LoggingCheck() {
    }

    /** Called from the filter's {@code init}: prints the warning the first time it finds no provider. */
    static void warnIfDiscarded() {
        warning(LoggerFactory.getILoggerFactory()).ifPresent(text -> {
            if (WARNED.compareAndSet(false, true)) {
                print(System.err, text);
            }
        });
    }

    /** The warning, when {@code factory} is SLF4J's stand-in for "no provider bound". */
    static Optional<String> warning(ILoggerFactory factory) {
        if (!(factory instanceof NOPLoggerFactory)) {
            return Optional.empty();
        }
        return Optional.of("AccessPass: no SLF4J provider is bound, so every AccessPass log line (start-up, "
                + "mailer, security events) is discarded. Add one to the web application, e.g. "
                + "ch.qos.logback:logback-classic or org.slf4j:slf4j-jdk14 in WEB-INF/lib.");
    }

    private static void print(PrintStream out, String text) {
        out.println(text);
        out.flush();
    }
}
