package dev.accesspass.metrics;

import dev.accesspass.event.SecurityEvent;
import java.util.function.LongSupplier;

/**
 * What AccessPass tells a metrics system: one listener, set once with {@code AccessPass.Builder.metrics}, called on
 * the thread doing the work. Every method has an empty default, and {@link #NOOP} is the listener of an instance
 * without metrics, so an unused listener costs one call the JIT removes. Implementations must be thread-safe, fast
 * and must not throw: {@link #tokenChecked} runs on every request that carries a token.
 *
 * <p>The Micrometer binding is {@code dev.accesspass.micrometer.MicrometerAuthMetrics} in
 * {@code accesspass-micrometer}.
 */
public interface AuthMetrics {
    /** The listener that records nothing. */
    AuthMetrics NOOP = new AuthMetrics() { };

    /** How one access-token check ended. */
    enum TokenCheck {
        /** A live token of a live user. */
        VALID,
        /** Not of our shape, unknown, expired, revoked, or its user gone or its credentials changed. */
        INVALID,
        /** The store could not answer (the check failed closed). */
        STORE_UNAVAILABLE
    }

    /** How one refresh ended. */
    enum Refresh {
        /** A new pair was issued. */
        ROTATED,
        /** A repeat inside {@code refresh-grace} got the same successor pair again. */
        GRACE_REPEAT,
        /** A rotated-out token came back: the session was revoked. */
        REUSE_DETECTED,
        /** Unknown, expired, revoked or malformed refresh token. */
        INVALID
    }

    /** An access-token check ended with {@code outcome}. Hot path: keep it to a counter increment. */
    default void tokenChecked(TokenCheck outcome) {
    }

    /** A refresh ended with {@code outcome} (reuse also raises its security event). */
    default void refreshed(Refresh outcome) {
    }

    /** Every security event, as the {@code onSecurityEvent} hook sees it (logins, throttling, revocations, …). */
    default void securityEvent(SecurityEvent event) {
    }

    /**
     * One password hash or verify ran in the hashing pool; {@code operation} is {@code hash}, {@code verify} or
     * {@code verify_dummy}, {@code nanos} the hashing time without the wait for a pool thread.
     */
    default void passwordHashed(String operation, long nanos) {
    }

    /**
     * One store call returned or failed; {@code operation} is the SPI method name. The per-request reads of the
     * token check ({@code findByAccessToken}, {@code findById}, or the one-read {@code findSessionAndUser}, while the
     * store is healthy) are not reported here:
     * {@link #tokenChecked} counts them without a clock read.
     */
    default void storeCalled(String operation, long nanos, boolean failed) {
    }

    /**
     * Called once while AccessPass starts, when its token store can count its sessions cheaply
     * ({@code dev.accesspass.store.SessionCensus}; the in-memory store can, the JDBC store would need a scan and does
     * not offer it): {@code sessions} answers the number held now, on any thread.
     */
    default void sessionCount(LongSupplier sessions) {
    }
}
