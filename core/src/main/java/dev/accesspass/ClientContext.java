package dev.accesspass;

/**
 * Who is on the other end of a request, as far as the library cares: the client address (the container's
 * {@code getRemoteAddr()}, so a proxy's {@code X-Forwarded-For} is trusted only where the container is told to), the
 * {@code User-Agent} header as sent, and the value of the browser's device cookie. Every part may be {@code null}
 * (a call from application code has none of them). Immutable.
 *
 * <p>The filter builds one per request; the account flows use the address for throttling and the security log, and
 * keep the rest with the session they open.
 *
 * @param address      the client address, or {@code null}
 * @param userAgent    the raw {@code User-Agent} header, or {@code null}; the library trims it before keeping it
 * @param deviceCookie the raw device cookie value, or {@code null}; never trusted before it is checked
 */
public record ClientContext(String address, String userAgent, String deviceCookie) {

    private static final ClientContext NONE = new ClientContext(null, null, null);

    /** A client known only by its address, e.g. from application code or a test. */
    public static ClientContext of(String address) {
        return address == null ? NONE : new ClientContext(address, null, null);
    }

    /** No client: a call from application code. */
    public static ClientContext none() {
        return NONE;
    }

    @Override
    public String toString() {
        // The device cookie is a credential of sorts: never in a log line.
        return "ClientContext[address=" + address + ", userAgent=" + userAgent + "]";
    }
}
