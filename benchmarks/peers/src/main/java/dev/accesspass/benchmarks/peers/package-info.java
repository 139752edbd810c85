/**
 * The comparison harness of {@code benchmarks/http/peers.sh}: one servlet on one Jetty behind nothing, AccessPass,
 * Spring Security, pac4j or a hand-written filter ({@link dev.accesspass.benchmarks.peers.PeerServer}).
 */
package dev.accesspass.benchmarks.peers;
