package dev.accesspass;

import java.time.Duration;
import java.util.Map;

/**
 * A store could not be reached or failed. Stores wrap their low-level failures (a {@code SQLException}, a pool
 * timeout) in this exception; it is answered with 503 {@code store_unavailable} and a {@code Retry-After}, so
 * authentication fails closed.
 */
public final class StoreUnavailableException extends AccessPassException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String detail, Throwable cause) {
        super(ErrorCode.STORE_UNAVAILABLE, detail, Map.of(), Duration.ofSeconds(5), cause);
    }
}
