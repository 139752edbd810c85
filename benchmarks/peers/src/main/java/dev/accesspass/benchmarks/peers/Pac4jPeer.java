package dev.accesspass.benchmarks.peers;

import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.pac4j.core.config.Config;
import org.pac4j.core.credentials.TokenCredentials;
import org.pac4j.core.credentials.authenticator.Authenticator;
import org.pac4j.core.profile.CommonProfile;
import org.pac4j.http.client.direct.DirectBearerAuthClient;
import org.pac4j.jee.filter.SecurityFilter;

/**
 * Variant {@code pac4j}: pac4j 6 with jakartaee-pac4j's {@link SecurityFilter} and one direct client,
 * {@link DirectBearerAuthClient}, whose {@link Authenticator} finds the token in a local map. Everything else is
 * pac4j's default for a direct client (its default matchers and authorizers, the JEE web context, session store
 * and action adapter that {@code JEEFrameworkAdapter} applies), which is what its documentation starts from.
 */
final class Pac4jPeer {
    private Pac4jPeer() {
    }

    /** Registers the filter on {@code context}; returns the token it accepts, for {@code username}. */
    static String install(ServletContextHandler context, String username) {
        String token = Tokens.random();
        Map<String, String> tokens = new ConcurrentHashMap<>(Map.of(token, username));
        Authenticator authenticator = (callContext, credentials) -> {
            String found = tokens.get(((TokenCredentials) credentials).getToken());
            if (found == null) {
                return Optional.empty();
            }
            // A fresh profile per check, as pac4j's own authenticators make: the profile is mutable and pac4j
            // writes to it on the way (client name), so one shared instance would be wrong under concurrency.
            CommonProfile profile = new CommonProfile();
            profile.setId(found);
            profile.addRole("user");
            credentials.setUserProfile(profile);
            return Optional.of(credentials);
        };
        DirectBearerAuthClient client = new DirectBearerAuthClient(authenticator);
        Config config = new Config(client);
        context.addFilter(new FilterHolder(new SecurityFilter(config, "DirectBearerAuthClient")), "/*",
                EnumSet.of(DispatcherType.REQUEST));
        return token;
    }
}
