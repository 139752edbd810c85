/**
 * Micrometer binding of AccessPass's metrics listener: {@link dev.accesspass.micrometer.MicrometerAuthMetrics}.
 */
package dev.accesspass.micrometer;
