package dev.accesspass.servlet;

import dev.accesspass.AccessPass;
import dev.accesspass.Authentication;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Protected} and {@link Public} on handler methods of a framework that runs every request through one servlet
 * (Spring MVC's {@code DispatcherServlet}): the filter cannot see which method will run, the framework's interceptor
 * can, and asks this guard. The decision and the denial are the filter's own ({@code Guard.decide},
 * {@code Problems.write}): the same 401/403 problem+json and the same {@code WWW-Authenticate} challenge.
 *
 * <p>A handler's requirement is the class-level {@code @Protected} (looked up the class hierarchy) combined with the
 * method's, {@code @Public} on the method exempting it; it is read once per method and cached. The authentication
 * the filter attached to the request is reused, so a valid token is checked once per request. Thread-safe.
 */
public final class HandlerGuard {
    private final Guard guard;
    private final String realm;
    private final ConcurrentHashMap<Handler, Requirement> byHandler = new ConcurrentHashMap<>();

    public HandlerGuard(AccessPass accessPass) {
        Objects.requireNonNull(accessPass, "accessPass");
        this.guard = new Guard(null, List.of(), accessPass::authenticate, accessPass.clock());
        this.realm = accessPass.config().realm();
    }

    /**
     * Decides a request to {@code method} of {@code handlerType} (the user class, not a proxy). On a pass the
     * request's authentication attributes are set (if the filter did not already) and {@code true} is returned; on a
     * denial the problem is written to {@code response} and {@code false} is returned.
     */
    public boolean admit(HttpServletRequest request, HttpServletResponse response, Class<?> handlerType,
                         Method method) {
        Requirement requirement = requirement(handlerType, method);
        Authentication already = (Authentication) request.getAttribute(AccessPassFilter.AUTHENTICATION_ATTRIBUTE);
        if (!requirement.authenticated()) {
            return true; // the filter already attached any valid token's user; nothing more to check
        }
        Guard.Decision decision = guard.decide(request, already, requirement);
        if (decision instanceof Guard.Deny denial) {
            if (!denial.allow().isEmpty()) {
                Problems.writeMethodNotAllowed(response, denial.allow());
            } else {
                Problems.write(response, denial.problem(), realm, denial.bearerPresented());
            }
            return false;
        }
        Authentication auth = ((Guard.Pass) decision).authentication();
        if (already == null && auth != null) {
            request.setAttribute(AccessPassFilter.AUTHENTICATION_ATTRIBUTE, auth);
            request.setAttribute(AccessPassFilter.USER_ATTRIBUTE, auth.user());
            request.setAttribute(AccessPassFilter.SESSION_META_ATTRIBUTE, auth.meta());
        }
        return true;
    }

    private Requirement requirement(Class<?> handlerType, Method method) {
        // Keyed by class and method: one inherited method can serve two controllers with different class rules.
        return byHandler.computeIfAbsent(new Handler(handlerType, method), h -> {
            Protected onClass = Guard.ServletRules.findClassAnnotation(h.type());
            Requirement classLevel = onClass == null ? Requirement.NONE : Requirement.of(onClass);
            return Guard.ServletRules.methodRequirement(h.method(), classLevel);
        });
    }

    private record Handler(Class<?> type, Method method) {
    }
}
