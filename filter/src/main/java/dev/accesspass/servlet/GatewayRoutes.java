package dev.accesspass.servlet;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassException;
import dev.accesspass.Authentication;
import dev.accesspass.ErrorCode;
import dev.accesspass.FieldErrors;
import dev.accesspass.TokenIntrospection;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The routes for gateways and other services (API.md §11): {@code POST /introspect} (RFC 7662), {@code POST /revoke}
 * (RFC 7009) and {@code /verify} for forward-auth proxies. Each reads its documented fields, calls one
 * {@link AccessPass} method and renders the result; the logic is in core. Thread-safe.
 *
 * <p>{@code /verify} takes the same path as a protected application route: the filter's bearer check, then a role
 * comparison. It never reads the body (proxies send the original request's headers, not its body, so its
 * {@code Content-Type} and {@code Content-Length} mean nothing here) and answers every method.
 */
final class GatewayRoutes {
    static final String USER_ID = "X-Auth-User-Id";
    static final String USERNAME = "X-Auth-Username";
    static final String ROLES = "X-Auth-Roles";
    static final String SESSION_ID = "X-Auth-Session-Id";
    private static final Map<String, Object> INACTIVE = Map.of("active", false);
    /** The most of an unwanted {@code /verify} body read before answering. */
    private static final long DISCARD_LIMIT = 1 << 20;

    private final AccessPass accessPass;
    private final int maxBodyBytes;

    private GatewayRoutes(AccessPass accessPass) {
        this.accessPass = accessPass;
        this.maxBodyBytes = accessPass.config().maxBodyBytes();
    }

    /** Adds the gateway routes to {@code routes}. */
    static void register(Routes routes, AccessPass accessPass) {
        GatewayRoutes gateway = new GatewayRoutes(accessPass);
        if (accessPass.config().introspectionEnabled()) {
            // Unset, the route does not exist at all: 404 for every method, like any unknown path.
            routes.add("/introspect", "POST", false, gateway::introspect);
        }
        routes.add("/revoke", "POST", false, gateway::revoke);
        routes.addAnyMethod("/verify", true, gateway::verify);
        // Below /verify the path and query are the original request's (Envoy's path_prefix), never ours to read.
        routes.addAnyMethodBelow("/verify", true, (req, res, auth) -> {
            discardBody(req);
            gateway.identify(res, auth);
        });
    }

    private void introspect(HttpServletRequest req, HttpServletResponse res, Authentication none) throws IOException {
        // The client first: an unauthenticated caller gets 401 before its body is read.
        Optional<BasicCredentials.Client> client = BasicCredentials.from(req);
        accessPass.authenticateIntrospectionClient(client.map(BasicCredentials.Client::id).orElse(null),
                client.map(BasicCredentials.Client::secret).orElse(null), req.getRemoteAddr());
        Map<String, String> body = BodyReader.readFields(req, maxBodyBytes, Set.of("token", "token_type_hint"));
        String token = body.get("token");
        if (token == null) {
            throw AccessPassException.validation(new FieldErrors().add("token", "is required"));
        }
        Optional<TokenIntrospection> view = accessPass.introspect(token);
        Responses.json(res, 200, view.isPresent() ? active(view.get()) : INACTIVE);
    }

    private void revoke(HttpServletRequest req, HttpServletResponse res, Authentication none) {
        // RFC 7009 §2.2: 200 whether or not the token was live, and for a missing one too (nothing to revoke).
        Map<String, String> body = BodyReader.readFields(req, maxBodyBytes, Set.of("token", "token_type_hint"));
        accessPass.revokeToken(body.get("token"), body.get("token_type_hint"));
        res.setStatus(HttpServletResponse.SC_OK);
        res.setContentLength(0);
    }

    private void verify(HttpServletRequest req, HttpServletResponse res, Authentication auth) {
        discardBody(req);
        String query = req.getQueryString();
        if (query != null && !query.isEmpty() && !auth.user().roles().containsAll(requiredRoles(query))) {
            throw new AccessPassException(ErrorCode.INSUFFICIENT_ROLE,
                    "Your account lacks a role this resource needs.");
        }
        identify(res, auth);
    }

    /**
     * Reads and drops what a client sent as a body, up to {@value #DISCARD_LIMIT} bytes. Forward-auth proxies send
     * none, but when one comes, a container that answers while the client is still sending may reset the
     * connection under it, losing our answer; draining a bounded amount first avoids that. {@code /verify} ignores
     * the body, so nothing here is ever an error. Without a body (the proxies' case) this is one header read.
     */
    private static void discardBody(HttpServletRequest req) {
        if (req.getContentLengthLong() <= 0 && req.getHeader("Transfer-Encoding") == null) {
            return;
        }
        byte[] buffer = new byte[8192];
        long left = DISCARD_LIMIT;
        try {
            var in = req.getInputStream();
            for (int read; left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; ) {
                left -= read;
            }
        } catch (IOException | RuntimeException ignored) {
            // The body is not ours to judge: an unreadable one changes nothing about the answer.
        }
    }

    private void identify(HttpServletResponse res, Authentication auth) {
        TokenIntrospection view = accessPass.introspection(auth);
        res.setHeader(USER_ID, view.sub().value());
        res.setHeader(USERNAME, view.username());
        res.setHeader(ROLES, headerRoles(view.roles()));
        res.setHeader(SESSION_ID, view.sessionId());
        res.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    /** Every {@code role} parameter; other parameters are ignored (Envoy appends the original request's query). */
    private static Set<String> requiredRoles(String query) {
        Map<String, List<String>> parameters = QueryString.parse(query)
                .orElseThrow(() -> new AccessPassException(ErrorCode.MALFORMED_REQUEST,
                        "The query string is not valid form encoding."));
        List<String> roles = parameters.getOrDefault("role", List.of());
        if (roles.stream().anyMatch(String::isEmpty)) {
            throw AccessPassException.validation(new FieldErrors().add("role", "must not be empty"));
        }
        return Set.copyOf(roles);
    }

    /**
     * Roles as one comma-separated header value. A role that could not survive that (a comma, a space, a control or
     * non-ASCII character; roles are any text an application granted) is left out rather than split or mangled: an
     * upstream then sees one role fewer, never a role nobody granted.
     */
    static String headerRoles(List<String> roles) {
        return roles.stream()
                .filter(role -> !role.isEmpty() && role.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ','))
                .collect(Collectors.joining(","));
    }

    private static Map<String, Object> active(TokenIntrospection view) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("active", true);
        json.put("sub", view.sub().value());
        json.put("username", view.username());
        json.put("token_type", "Bearer");
        json.put("exp", view.expiresAt().getEpochSecond());
        json.put("iat", view.issuedAt().getEpochSecond());
        json.put("sid", view.sessionId());
        json.put("roles", view.roles());
        json.put("amr", view.amr());
        json.put("auth_time", view.authTime().getEpochSecond());
        json.put("aal", view.aal());
        return json;
    }
}
