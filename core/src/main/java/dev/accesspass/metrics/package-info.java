/**
 * The metrics listener SPI: {@link dev.accesspass.metrics.AuthMetrics}, with a no-op default.
 */
package dev.accesspass.metrics;
