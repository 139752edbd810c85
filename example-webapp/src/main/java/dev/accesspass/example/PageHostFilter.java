package dev.accesspass.example;

import dev.accesspass.AccessPass;
import dev.accesspass.servlet.AccessPassFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Serves the page only on the host of {@code base-url}: opened on {@code 127.0.0.1} while {@code base-url} names
 * {@code localhost}, {@code GET /} answers 302 to the same page on {@code localhost}. The page keeps the OAuth
 * flow value it started with in the tab's {@code sessionStorage}, which is per origin, and the OAuth callback comes
 * back to {@code base-url}'s host: on the other loopback name the page could never recognise its own sign-in. Only
 * between loopback names, as the library's own start redirect does, so a proxy that rewrites {@code Host} cannot
 * make it loop.
 */
public final class PageHostFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Optional<URI> base = baseUrl(request);
        String host = request.getServerName();
        if ("GET".equals(request.getMethod()) && "/".equals(request.getRequestURI()) && base.isPresent()
                && base.get().getHost() != null && host != null && loopback(host) && loopback(base.get().getHost())
                && !host.equalsIgnoreCase(base.get().getHost())) {
            response.setStatus(HttpServletResponse.SC_FOUND);
            response.setHeader("Location", base.get().toString().replaceAll("/+$", "") + "/");
            return;
        }
        chain.doFilter(request, response);
    }

    private static Optional<URI> baseUrl(HttpServletRequest request) {
        Object accessPass = request.getServletContext().getAttribute(AccessPassFilter.CONTEXT_ATTRIBUTE);
        return accessPass instanceof AccessPass instance ? instance.config().baseUrl() : Optional.empty();
    }

    private static boolean loopback(String host) {
        return LOOPBACK.contains(host.toLowerCase(Locale.ROOT));
    }
}
