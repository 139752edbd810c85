package dev.accesspass.benchmarks.peers;

import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.core.OAuth2TokenIntrospectionClaimNames;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OAuth2IntrospectionAuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.context.ContextLoaderListener;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.filter.DelegatingFilterProxy;

/**
 * Variant {@code spring}: Spring Security 7 as an OAuth 2.0 resource server with opaque tokens, wired the way its
 * reference documentation shows for a servlet application without Spring Boot: an annotation-configured web
 * application context started by {@link ContextLoaderListener}, a {@link DelegatingFilterProxy} named
 * {@code springSecurityFilterChain}, and one {@link SecurityFilterChain} built with {@link HttpSecurity}
 * (every request authenticated, stateless, CSRF off as for a bearer API). The only change from a real deployment
 * is the {@link OpaqueTokenIntrospector}: instead of calling an authorization server it looks the token up in a
 * local map (no network), so what is measured is the framework, not an introspection round trip.
 */
final class SpringSecurityPeer {
    private SpringSecurityPeer() {
    }

    /** Registers the filter on {@code context}; returns the token it accepts, for {@code username}. */
    static String install(ServletContextHandler context, String username) {
        String token = Tokens.random();
        Instant issued = Instant.now();
        // What an introspection endpoint would answer (RFC 7662), built once: the map plays the authorization server.
        OAuth2AuthenticatedPrincipal principal = new OAuth2IntrospectionAuthenticatedPrincipal(username,
                Map.of(OAuth2TokenIntrospectionClaimNames.ACTIVE, true,
                        OAuth2TokenIntrospectionClaimNames.SUB, username,
                        OAuth2TokenIntrospectionClaimNames.IAT, issued,
                        OAuth2TokenIntrospectionClaimNames.EXP, issued.plus(Duration.ofDays(1))),
                List.of(new SimpleGrantedAuthority("ROLE_user")));
        Map<String, OAuth2AuthenticatedPrincipal> tokens = new ConcurrentHashMap<>(Map.of(token, principal));
        OpaqueTokenIntrospector introspector = presented -> {
            OAuth2AuthenticatedPrincipal found = tokens.get(presented);
            if (found == null) {
                throw new BadOpaqueTokenException("Provided token isn't active");
            }
            return found;
        };

        AnnotationConfigWebApplicationContext spring = new AnnotationConfigWebApplicationContext();
        spring.register(SecurityConfig.class);
        spring.addBeanFactoryPostProcessor(beans -> beans.registerSingleton("introspector", introspector));
        context.addEventListener(new ContextLoaderListener(spring));
        // The dispatcher types AbstractSecurityWebApplicationInitializer registers.
        context.addFilter(new FilterHolder(new DelegatingFilterProxy("springSecurityFilterChain", spring)), "/*",
                EnumSet.of(DispatcherType.REQUEST, DispatcherType.ERROR, DispatcherType.ASYNC));
        return token;
    }

    @Configuration(proxyBeanMethods = false)
    @EnableWebSecurity
    static class SecurityConfig {
        @Bean
        SecurityFilterChain api(HttpSecurity http) throws Exception {
            http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                    // Picks up the OpaqueTokenIntrospector bean.
                    .oauth2ResourceServer(server -> server.opaqueToken(Customizer.withDefaults()))
                    .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                    .csrf(csrf -> csrf.disable());
            return http.build();
        }
    }
}
