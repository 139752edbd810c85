package dev.accesspass;

import java.time.Instant;
import java.util.Optional;

/**
 * Tokens as other services see them (API.md §11): client authentication for {@code /introspect} (RFC 7662), the
 * introspection of an access token, and the one view of a live token that both {@code /introspect} and
 * {@code /verify} render. Introspection goes through the same read-only token check as a protected route, so it
 * never extends, rotates or otherwise touches a token. Thread-safe.
 */
final class Introspection {
    private final AccessPassConfig config;
    private final IntrospectionClients clients;
    private final Sessions sessions;
    private final LoginThrottle throttle;

    Introspection(ServiceContext context, Sessions sessions, LoginThrottle throttle) {
        this.config = context.config();
        this.clients = config.introspectionClients();
        this.sessions = sessions;
        this.throttle = throttle;
    }

    /**
     * Checks a client's credentials (RFC 6749 §2.3.1, already decoded by the caller).
     *
     * @return the client's id
     * @throws AccessPassException {@code not_found} when no client is configured, {@code too_many_attempts} after
     *                             {@code login-address-max-attempts} failures from this address, else {@code invalid_client}
     *                             for any missing or wrong part
     */
    String authenticateClient(String clientId, String clientSecret, String clientAddress) {
        if (clients.isEmpty()) {
            throw new AccessPassException(ErrorCode.NOT_FOUND, "No such AccessPass route.");
        }
        LoginThrottle.Attempt attempt = throttle.reserveIntrospectionClient(ClientContext.of(clientAddress));
        Optional<String> client = clients.authenticate(clientId, clientSecret);
        if (client.isEmpty()) {
            throw new AccessPassException(ErrorCode.INVALID_CLIENT, "Client authentication failed.");
        }
        attempt.succeeded();
        return client.get();
    }

    /** The view of a live access token; empty for anything else (a refresh token, an unknown or dead one). */
    Optional<TokenIntrospection> introspect(String token) {
        return token == null ? Optional.empty() : sessions.authenticate(token).map(this::view);
    }

    /**
     * The one place that turns a checked token into what gateways see: {@code sid} is the session id, and
     * {@code amr}, {@code auth_time} and {@code aal} are the authentication facts the session records (how and when
     * the user last authenticated in it), as {@code /check} shows them.
     */
    TokenIntrospection view(Authentication auth) {
        Instant expiresAt = auth.expiresAt();
        // Sessions keep the expiry of their current access token, not its issue time: it was issued one
        // access-token-ttl before its expiry (or later, when the session cap shortened it), never before the session.
        Instant issuedBefore = expiresAt.minus(config.accessTokenTtl());
        Instant createdAt = auth.sessionCreatedAt() == null ? issuedBefore : auth.sessionCreatedAt();
        Instant issuedAt = issuedBefore.isAfter(createdAt) ? issuedBefore : createdAt;
        return new TokenIntrospection(auth.user().id(), auth.user().username(), auth.user().sortedRoles(), expiresAt,
                issuedAt, auth.sessionId().value(), auth.amr(), auth.authTime() == null ? createdAt : auth.authTime(),
                auth.aal());
    }
}
