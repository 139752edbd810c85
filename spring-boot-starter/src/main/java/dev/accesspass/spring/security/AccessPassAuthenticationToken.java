package dev.accesspass.spring.security;

import dev.accesspass.Authentication;
import dev.accesspass.User;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * An AccessPass authentication as Spring Security sees it: the principal is the {@link User} (so
 * {@code @AuthenticationPrincipal User user} works), each AccessPass role {@code r} is the authority
 * {@code ROLE_r} (so {@code hasRole('admin')} works), the details are AccessPass's {@link Authentication} (session
 * id, expiry, metadata). Never carries the token.
 */
public final class AccessPassAuthenticationToken extends AbstractAuthenticationToken {
    private static final long serialVersionUID = 1L;

    private final transient Authentication authentication;

    public AccessPassAuthenticationToken(Authentication authentication) {
        super(authorities(authentication.user()));
        this.authentication = authentication;
        setDetails(authentication);
        setAuthenticated(true);
    }

    private static List<GrantedAuthority> authorities(User user) {
        return user.sortedRoles().stream().<GrantedAuthority>map(role -> new SimpleGrantedAuthority("ROLE_" + role))
                .toList();
    }

    @Override
    public Object getCredentials() {
        return null; // the bearer token stays with AccessPass
    }

    @Override
    public User getPrincipal() {
        return authentication.user();
    }

    @Override
    public String getName() {
        return authentication.user().username();
    }

    /** AccessPass's own authentication of the request. */
    public Authentication accessPassAuthentication() {
        return authentication;
    }
}
