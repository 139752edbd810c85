package dev.accesspass.example;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The example's own response headers, in front of AccessPass: the page may not be framed (clickjacking) and runs only
 * its own script and styles (a Content-Security-Policy with nothing inline), and the API's answers, which carry user
 * data, are never cached ({@code Cache-Control: no-store} on {@code /api/*} and {@code /dev/*}). AccessPass's own
 * routes set their headers themselves (a page of theirs replaces this policy with its stricter one). Stateless.
 */
public final class SecurityHeadersFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;

    /** Same-origin script, styles and API calls only; no framing, no plugins, no foreign form targets. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("Content-Security-Policy", CSP);
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        String path = request.getServletPath();
        if (path.startsWith("/api/") || path.startsWith("/dev/")) {
            response.setHeader("Cache-Control", "no-store");
        }
        chain.doFilter(request, response);
    }
}
