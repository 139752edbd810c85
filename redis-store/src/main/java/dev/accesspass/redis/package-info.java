/** The {@code token-store=redis} store: sessions, tokens, one-time tokens and login counters on Redis or Redis Cluster. */
package dev.accesspass.redis;
