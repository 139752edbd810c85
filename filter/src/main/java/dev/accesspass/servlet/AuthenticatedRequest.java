package dev.accesspass.servlet;

import dev.accesspass.Authentication;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;

/**
 * Makes the container-facing security methods answer for the token's user (API.md §3), so that JAX-RS
 * {@code @RolesAllowed} and container code just work. Nothing else of the request changes; in particular no header
 * such as {@code X-Remote-User} can ever set an identity (SR-54).
 */
final class AuthenticatedRequest extends HttpServletRequestWrapper {
    static final String AUTH_TYPE = "BEARER";

    private final Authentication authentication;
    private final UserPrincipal principal;

    AuthenticatedRequest(HttpServletRequest request, Authentication authentication) {
        super(request);
        this.authentication = authentication;
        this.principal = new UserPrincipal(authentication.user());
    }

    @Override
    public Principal getUserPrincipal() {
        return principal;
    }

    @Override
    public String getRemoteUser() {
        return principal.getName();
    }

    @Override
    public boolean isUserInRole(String role) {
        return role != null && authentication.user().hasRole(role);
    }

    @Override
    public String getAuthType() {
        return AUTH_TYPE;
    }
}
