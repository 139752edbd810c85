/** JMH benchmarks and a heap-footprint probe for AccessPass; run by hand, never part of {@code mvn verify}. */
package dev.accesspass.benchmarks;
