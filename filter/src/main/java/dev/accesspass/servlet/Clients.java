package dev.accesspass.servlet;

import dev.accesspass.ClientContext;
import jakarta.servlet.http.HttpServletRequest;

/** Builds the {@link ClientContext} of a request: the one place the filter reads who is calling. */
final class Clients {

    private Clients() {
    }

    static ClientContext of(HttpServletRequest request) {
        // Raw values: core trims and checks them before it keeps or trusts any of them.
        return new ClientContext(request.getRemoteAddr(), request.getHeader("User-Agent"), null);
    }
}
