package dev.accesspass.benchmarks.peers;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.UserId;
import dev.accesspass.servlet.AccessPassFilter;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserStore;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/**
 * Variant {@code accesspass}: {@link AccessPassFilter} on the in-memory stores with {@code protected-paths=/hello}
 * (the servlet is shared by every variant, so it carries no {@code @Protected}), and one session opened through
 * the Java API for a user without a password (no Argon2 work at start-up).
 */
final class AccessPassPeer {
    private AccessPassPeer() {
    }

    /** Registers the filter on {@code context}; returns the access token of a fresh session of {@code username}. */
    static String install(ServletContextHandler context, String username, PeerServer.Closer closer) {
        AccessPassConfig config = AccessPassConfig.builder()
                .protectedPaths("/hello")
                // Longer than any run, so the token never expires in the middle of one.
                .accessTokenTtl(Duration.ofHours(2))
                .build();
        UserStore users = UserStore.inMemory();
        AccessPass accessPass = AccessPass.builder(config).stores(TokenStore.inMemory(), users).build();
        closer.add(accessPass::close);
        UserId user = users.create(new NewUser(username, username + "@example.com", true, null, Set.of("user"),
                Instant.now())).id();
        String token = accessPass.openSession(user, Map.of()).accessToken();
        // The dispatcher types the repository's own servers register.
        context.addFilter(new FilterHolder(new AccessPassFilter(accessPass)), "/*",
                EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.INCLUDE,
                        DispatcherType.ASYNC));
        return token;
    }
}
