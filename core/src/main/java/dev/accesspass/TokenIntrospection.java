package dev.accesspass;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a live access token tells a gateway or another service (API.md §11): the RFC 7662 members of an active
 * {@code /introspect} answer, and the identity {@code /verify} hands to the upstream in {@code X-Auth-*} headers.
 * An inactive token has no introspection at all (the answer is exactly {@code {"active":false}}).
 *
 * @param sub       the user's id
 * @param roles     sorted
 * @param expiresAt {@code exp}: when this access token expires
 * @param issuedAt  {@code iat}: when this access token was issued
 * @param sessionId {@code sid}: the session's public id
 * @param amr       authentication methods of the session's login (RFC 8176 values)
 * @param authTime  {@code auth_time}: when the user last authenticated in this session
 * @param aal       the NIST SP 800-63B authenticator assurance level of that authentication
 */
public record TokenIntrospection(UserId sub, String username, List<String> roles, Instant expiresAt, Instant issuedAt,
                                 String sessionId, List<String> amr, Instant authTime, int aal) {
    public TokenIntrospection {
        Objects.requireNonNull(sub, "sub");
        Objects.requireNonNull(sessionId, "sessionId");
        roles = List.copyOf(roles);
        amr = List.copyOf(amr);
    }
}
