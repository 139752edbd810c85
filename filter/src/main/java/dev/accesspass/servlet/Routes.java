package dev.accesspass.servlet;

import dev.accesspass.AccessPass;
import dev.accesspass.Authentication;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The dispatcher of the routes under the prefix (API.md §1): finds the handler of a path and method. The handlers
 * live in their groups ({@link AccountRoutes}, {@link EmailRoutes}, {@link OAuthRoutes}, {@link SessionRoutes},
 * {@link GatewayRoutes}, {@link MfaRoutes}, {@link PasskeyRoutes}); each reads its documented fields, calls one {@link AccessPass} method and renders the
 * result, while the logic lives in core. Thread-safe.
 */
final class Routes {
    /** A route handler; {@code auth} is present only for routes that need a bearer token. */
    @FunctionalInterface
    interface Handler {
        void handle(HttpServletRequest request, HttpServletResponse response, Authentication auth) throws IOException;
    }

    /** A handler of a templated route; {@code params} holds the values of its {@code {name}} segments. */
    @FunctionalInterface
    interface TemplateHandler {
        void handle(HttpServletRequest request, HttpServletResponse response, Authentication auth,
                    Map<String, String> params) throws IOException;
    }

    /**
     * One route: its methods, whether it needs a token, and the handler; {@code anyMethod}, when not null, answers
     * every method {@code byMethod} does not name.
     */
    record Route(Map<String, Handler> byMethod, boolean needsToken, Handler anyMethod) {
        Route(Map<String, Handler> byMethod, boolean needsToken) {
            this(byMethod, needsToken, null);
        }

        /** The handler of {@code method}, or null (405). */
        Handler handler(String method) {
            Handler handler = byMethod.get(method);
            return handler != null ? handler : anyMethod;
        }
    }

    /** A path with {@code {name}} segments, each matching exactly one non-empty path segment. */
    private record Template(List<String> segments, Map<String, TemplateHandler> byMethod, boolean needsToken) {
    }

    private final Map<String, Route> routes = new LinkedHashMap<>();
    private final Map<String, Template> templates = new LinkedHashMap<>();
    /** Routes that also answer every path below them, e.g. {@code /verify/…}. */
    private final Map<String, Route> subtrees = new LinkedHashMap<>();

    Routes(AccessPass accessPass) {
        AccountRoutes.register(this, accessPass);
        OAuthRoutes.register(this, accessPass);
        EmailRoutes.register(this, accessPass);
        SessionRoutes.register(this, accessPass);
        GatewayRoutes.register(this, accessPass);
        MfaRoutes.register(this, accessPass);
        PasskeyRoutes.register(this, accessPass);
    }

    /** Adds a route that answers every method at {@code path}. */
    void addAnyMethod(String path, boolean needsToken, Handler handler) {
        routes.put(path, new Route(Map.of(), needsToken, handler));
    }

    /**
     * Adds a route that answers every method at every path below {@code path} (a forward-auth proxy such as Envoy
     * appends the original request's path and query to the path it is given). Exact routes win.
     */
    void addAnyMethodBelow(String path, boolean needsToken, Handler handler) {
        subtrees.put(path + "/", new Route(Map.of(), needsToken, handler));
    }

    /** Adds a route: each group of routes ({@link AccountRoutes}, {@link EmailRoutes}, …) registers this way. */
    void add(String path, String method, boolean needsToken, Handler handler) {
        Route existing = routes.get(path);
        Map<String, Handler> byMethod = new LinkedHashMap<>(existing == null ? Map.of() : existing.byMethod());
        byMethod.put(method, handler);
        routes.put(path, new Route(Map.copyOf(byMethod), needsToken));
    }

    /**
     * Adds a route whose path has {@code {name}} segments, e.g. {@code /oauth/{provider}/callback}. Exact routes win
     * over templates; templates are tried in the order they were added.
     */
    void addTemplate(String pattern, String method, boolean needsToken, TemplateHandler handler) {
        Template existing = templates.get(pattern);
        Map<String, TemplateHandler> byMethod =
                new LinkedHashMap<>(existing == null ? Map.of() : existing.byMethod());
        byMethod.put(method, handler);
        templates.put(pattern, new Template(List.of(pattern.substring(1).split("/", -1)), Map.copyOf(byMethod),
                needsToken));
    }

    Optional<Route> find(String path) {
        Route exact = routes.get(path);
        if (exact != null || !path.startsWith("/")) {
            return Optional.ofNullable(exact);
        }
        for (Map.Entry<String, Route> subtree : subtrees.entrySet()) {
            if (path.startsWith(subtree.getKey())) {
                return Optional.of(subtree.getValue());
            }
        }
        String[] parts = path.substring(1).split("/", -1);
        for (Template template : templates.values()) {
            Map<String, String> params = match(template.segments(), parts);
            if (params != null) {
                Map<String, Handler> bound = new LinkedHashMap<>();
                template.byMethod().forEach((method, handler) ->
                        bound.put(method, (req, res, auth) -> handler.handle(req, res, auth, params)));
                return Optional.of(new Route(Map.copyOf(bound), template.needsToken()));
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> match(List<String> segments, String[] parts) {
        if (segments.size() != parts.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String segment = segments.get(i);
            if (segment.startsWith("{") && segment.endsWith("}")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                params.put(segment.substring(1, segment.length() - 1), parts[i]);
            } else if (!segment.equals(parts[i])) {
                return null;
            }
        }
        return Map.copyOf(params);
    }

    static Set<String> allowed(Route route) {
        return new TreeSet<>(route.byMethod().keySet());
    }
}
