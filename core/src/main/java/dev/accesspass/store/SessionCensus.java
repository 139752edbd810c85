package dev.accesspass.store;

/**
 * An optional capability of a {@link TokenStore}: it can say how many sessions it holds without a scan of a
 * database. The in-memory store has it; a store that would need a {@code count(*)} over its sessions table should
 * not implement it, since a metrics scrape must not cost a query per instance per interval.
 *
 * <p>AccessPass hands it to its metrics listener at start ({@code AuthMetrics.sessionCount}), which the Micrometer
 * binding turns into the gauge {@code accesspass.sessions}.
 */
public interface SessionCensus {
    /**
     * The sessions held now: live ones, and expired or revoked ones the next purge (at most a minute away) will
     * remove. Thread-safe; may be called from a metrics thread at any time.
     */
    long sessionCount();
}
