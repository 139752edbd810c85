package dev.accesspass.benchmarks.peers;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.Map;

/**
 * Variant {@code handwritten}: the practical floor of bearer-token checking, one map lookup of the raw token and a
 * request wrapper for the principal. No hashing, no expiry, no revocation, no roles, no problem body.
 */
final class MapLookupFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    private static final String BEARER = "Bearer ";
    private final transient Map<String, Principal> tokens;

    MapLookupFilter(Map<String, Principal> tokens) {
        this.tokens = tokens;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String header = request.getHeader("Authorization");
        Principal principal = null;
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            principal = tokens.get(header.substring(BEARER.length()));
        }
        if (principal == null) {
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setHeader("WWW-Authenticate", "Bearer");
            return;
        }
        Principal user = principal;
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public Principal getUserPrincipal() {
                return user;
            }

            @Override
            public String getRemoteUser() {
                return user.getName();
            }

            @Override
            public String getAuthType() {
                return "BEARER";
            }
        }, response);
    }
}
