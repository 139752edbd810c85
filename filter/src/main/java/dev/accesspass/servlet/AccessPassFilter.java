package dev.accesspass.servlet;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.AccessPassException;
import dev.accesspass.Authentication;
import dev.accesspass.ErrorCode;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one filter an application registers. It serves AccessPass's routes under the prefix, guards application
 * routes marked with {@link Protected} or listed in {@code protected-paths}, and wraps authenticated requests so
 * {@code getUserPrincipal}, {@code getRemoteUser}, {@code isUserInRole} and {@code getAuthType} answer for the
 * token's user.
 *
 * <p>Register it for {@code /*} with the {@code REQUEST}, {@code FORWARD}, {@code INCLUDE} and {@code ASYNC}
 * dispatcher types, so forwards and includes to a protected servlet are checked too (SR-53). Configured from
 * init-params, {@code accesspass.*} system properties and {@code ACCESSPASS_*} environment variables (API.md §5), or
 * built in code around an {@link AccessPass} with {@link #AccessPassFilter(AccessPass)}.
 *
 * <p>The per-request path for an application route is: one cached lookup of the servlet's requirement, and, only
 * if a token is presented, one token check (a hash lookup in the in-memory store).
 */
public class AccessPassFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AccessPassFilter.class);

    /** Request attribute holding the {@link Authentication} of an authenticated request. */
    public static final String AUTHENTICATION_ATTRIBUTE = "dev.accesspass.authentication";
    /** Request attribute holding the {@link dev.accesspass.User} of an authenticated request. */
    public static final String USER_ATTRIBUTE = "dev.accesspass.user";
    /** Request attribute holding the session metadata map of an authenticated request. */
    public static final String SESSION_META_ATTRIBUTE = "dev.accesspass.session.meta";
    /** Request attribute holding the response of the original request, for denials inside an include. */
    private static final String ORIGINAL_RESPONSE_ATTRIBUTE = "dev.accesspass.original-response";
    /** Servlet-context attribute through which application code reaches the {@link AccessPass} instance. */
    public static final String CONTEXT_ATTRIBUTE = AccessPass.class.getName();

    private transient AccessPass accessPass;
    private transient boolean ownsAccessPass;
    private transient Routes routes;
    private transient Guard guard;
    private transient String prefix;
    private transient String realm;

    /** For {@code web.xml}: configured in {@link #init(FilterConfig)}. */
    public AccessPassFilter() {
    }

    /** For registration in code: uses this instance; the caller keeps ownership and closes it. */
    public AccessPassFilter(AccessPass accessPass) {
        this.accessPass = accessPass;
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        super.init(filterConfig);
        LoggingCheck.warnIfDiscarded();
        if (accessPass == null) {
            try {
                accessPass = AccessPass.builder(configFrom(filterConfig)).build();
            } catch (IllegalArgumentException e) {
                // The message names the key, never a secret value (AccessPassConfig's rule).
                throw new ServletException("AccessPass configuration: " + e.getMessage(), e);
            }
            ownsAccessPass = true;
        }
        AccessPassConfig config = accessPass.config();
        prefix = config.prefix();
        realm = config.realm();
        Problems.checkRealm(realm);
        routes = new Routes(accessPass);
        guard = new Guard(filterConfig.getServletContext(), config.protectedPaths(), accessPass::authenticate,
                accessPass.clock());
        filterConfig.getServletContext().setAttribute(CONTEXT_ATTRIBUTE, accessPass);
    }

    private static AccessPassConfig configFrom(FilterConfig filterConfig) {
        Map<String, String> initParams = new HashMap<>();
        for (String name : Collections.list(filterConfig.getInitParameterNames())) {
            initParams.put(name, filterConfig.getInitParameter(name));
        }
        Map<String, String> systemProperties = new HashMap<>();
        System.getProperties().forEach((key, value) -> systemProperties.put(key.toString(), value.toString()));
        return AccessPassConfig.fromSources(initParams, systemProperties, System.getenv());
    }

    /** The instance this filter serves, for application code that holds the filter. */
    public AccessPass accessPass() {
        return accessPass;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = Guard.join(request.getServletPath(), request.getPathInfo());
        if (request.getDispatcherType() == DispatcherType.REQUEST
                && (path.equals(prefix) || path.startsWith(prefix + "/"))) {
            serveRoute(request, response, path.substring(prefix.length()));
            return;
        }
        guardApplication(request, response, chain);
    }

    private void serveRoute(HttpServletRequest request, HttpServletResponse response, String route)
            throws IOException {
        // No caching and no sniffing for anything under the prefix, errors included (SR-59).
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        BearerCredentials credentials = null;
        try {
            Optional<Routes.Route> found = routes.find(route);
            if (found.isEmpty()) {
                throw new AccessPassException(ErrorCode.NOT_FOUND, "No such AccessPass route.");
            }
            Routes.Handler handler = found.get().handler(request.getMethod());
            if (handler == null) {
                Problems.writeMethodNotAllowed(response, Routes.allowed(found.get()));
                return;
            }
            Authentication auth = null;
            if (found.get().needsToken()) {
                credentials = BearerCredentials.from(request);
                auth = authenticate(credentials)
                        .orElseThrow(() -> new AccessPassException(ErrorCode.INVALID_TOKEN,
                                "The access token is missing, invalid, expired or revoked."));
            }
            handler.handle(request, response, auth);
        } catch (AccessPassException e) {
            Problems.write(response, e, realm, credentials != null && credentials.present());
        } catch (RuntimeException e) {
            lastResort(response, e);
        }
    }

    private void guardApplication(HttpServletRequest request, HttpServletResponse chainResponse, FilterChain chain)
            throws IOException, ServletException {
        if (request.getDispatcherType() == DispatcherType.REQUEST) {
            request.setAttribute(ORIGINAL_RESPONSE_ATTRIBUTE, chainResponse);
        }
        Authentication already = (Authentication) request.getAttribute(AUTHENTICATION_ATTRIBUTE);
        Guard.Decision decision;
        try {
            decision = guard.decide(request, already);
        } catch (RuntimeException e) {
            lastResort(denialResponse(request, chainResponse), e);
            return;
        }
        if (decision instanceof Guard.Deny denial) {
            deny(denialResponse(request, chainResponse), denial);
            return;
        }
        Authentication auth = ((Guard.Pass) decision).authentication();
        if (auth == null) {
            chain.doFilter(request, chainResponse);
            return;
        }
        if (already == null) {
            request.setAttribute(AUTHENTICATION_ATTRIBUTE, auth);
            request.setAttribute(USER_ATTRIBUTE, auth.user());
            request.setAttribute(SESSION_META_ATTRIBUTE, auth.meta());
        }
        chain.doFilter(request instanceof AuthenticatedRequest ? request : new AuthenticatedRequest(request, auth),
                chainResponse);
    }

    /** The one exit of every denial of an application request. */
    private void deny(HttpServletResponse response, Guard.Deny denial) {
        if (!denial.allow().isEmpty()) {
            Problems.writeMethodNotAllowed(response, denial.allow());
        } else {
            Problems.write(response, denial.problem(), realm, denial.bearerPresented());
        }
    }

    /**
     * Denials are written to the response of the original request: inside an include the container ignores status
     * and headers, so a 401 written there would reach the client as a 200 (SR-53).
     */
    private static HttpServletResponse denialResponse(HttpServletRequest request, HttpServletResponse response) {
        if (request.getDispatcherType() == DispatcherType.INCLUDE
                && request.getAttribute(ORIGINAL_RESPONSE_ATTRIBUTE) instanceof HttpServletResponse original) {
            return original;
        }
        return response;
    }

    private Optional<Authentication> authenticate(BearerCredentials credentials) {
        // Malformed or over-long tokens never reach the store (SR-05).
        return credentials.token().flatMap(accessPass::authenticate);
    }

    private static void lastResort(HttpServletResponse response, RuntimeException e) {
        String correlation = UUID.randomUUID().toString();
        LOG.error("unexpected failure, correlation id {}", correlation, e);
        Problems.write(response, new AccessPassException(ErrorCode.INTERNAL_ERROR,
                "An unexpected error occurred. Reference: " + correlation), "accesspass", false);
    }

    @Override
    public void destroy() {
        if (ownsAccessPass && accessPass != null) {
            accessPass.close();
        }
        super.destroy();
    }
}
