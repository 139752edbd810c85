package dev.accesspass.spring.security;

import dev.accesspass.Authentication;
import dev.accesspass.servlet.AccessPassFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

/**
 * Runs right after {@link AccessPassFilter} and before {@code springSecurityFilterChain}: when the request carries
 * a valid AccessPass token it builds an {@link AccessPassAuthenticationToken} and puts it where Spring Security
 * looks. That is the request-attribute repository, which Spring Security's {@code SecurityContextHolderFilter} reads
 * by default (also with {@code SessionCreationPolicy.STATELESS}), so the chain's authorization rules,
 * {@code @PreAuthorize} and {@code SecurityContextHolder} all see the token's user; and the holder itself for the rest
 * of the request, restored afterwards, for applications with Spring Security's method security but no filter chain.
 * Nothing is stored in an HTTP session.
 */
public class SecurityContextBridgeFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;

    private final transient RequestAttributeSecurityContextRepository repository =
            new RequestAttributeSecurityContextRepository();

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request.getAttribute(AccessPassFilter.AUTHENTICATION_ATTRIBUTE) instanceof Authentication auth)) {
            chain.doFilter(request, response);
            return;
        }
        SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();
        SecurityContext previous = holder.getContext();
        SecurityContext context = holder.createEmptyContext();
        context.setAuthentication(new AccessPassAuthenticationToken(auth));
        repository.saveContext(context, request, response);
        holder.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            if (previous.getAuthentication() == null) {
                holder.clearContext(); // nothing was there: leave no context on a pooled thread
            } else {
                holder.setContext(previous);
            }
        }
    }
}
