package dev.accesspass.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

class LoggingCheckTest {

    @Test
    void withoutAnSlf4jProviderTheFilterSaysWhichDependencyToAdd() {
        assertThat(LoggingCheck.warning(new NOPLoggerFactory()))
                .hasValueSatisfying(text -> assertThat(text)
                        .startsWith("AccessPass: no SLF4J provider is bound")
                        .contains("ch.qos.logback:logback-classic"));
    }

    @Test
    void withAProviderBoundItSaysNothing() {
        // This module's tests run with Logback, a real provider.
        assertThat(LoggerFactory.getILoggerFactory()).isNotInstanceOf(NOPLoggerFactory.class);
        assertThat(LoggingCheck.warning(LoggerFactory.getILoggerFactory())).isEmpty();
    }
}
