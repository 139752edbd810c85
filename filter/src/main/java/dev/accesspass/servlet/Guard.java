package dev.accesspass.servlet;

import dev.accesspass.StepUpRequiredException;
import java.time.Clock;
import java.time.Duration;
import dev.accesspass.AccessPassException;
import dev.accesspass.Authentication;
import dev.accesspass.ErrorCode;
import dev.accesspass.StoreUnavailableException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides an application request (API.md §3): what it needs, whether it has it, and so whether it passes (with its
 * authentication, or anonymously) or is denied (with the one problem to answer). The filter acts on the
 * {@link Decision} and writes every denial through one exit; a new kind of denial is one new case here.
 *
 * <p>What a request needs follows the container's own mapping rather than the raw URI, so {@code ;}, {@code ..;},
 * encoded dots or a trailing {@code /} cannot slip past (SR-51).
 *
 * <p>The target servlet comes from {@link HttpServletRequest#getHttpServletMapping()} (for an include, from the
 * include attributes); its annotations are read once per servlet name and cached, so the per-request cost is a hash
 * lookup. {@code protected-paths} patterns are matched against the decoded, canonical
 * {@code servletPath + pathInfo} with servlet URL-pattern rules. If the target cannot be resolved, the request is
 * denied. Thread-safe.
 */
final class Guard {
    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);
    private final Clock clock;
    /**
     * HTTP method to handler name, read from the {@link HttpServlet} of the Servlet version at hand: Servlet 6.1
     * (Tomcat 11) adds {@code doPatch}, and a later version's handlers are picked up the same way.
     */
    static final Map<String, String> HANDLERS = handlersOf(HttpServlet.class);

    /** What a TRACE to a protected servlet is told to use instead (SR-52). */
    private static final Set<String> NOT_TRACE = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS");

    private final ServletContext context;
    private final List<String> protectedPaths;
    private final Function<String, Optional<Authentication>> tokenCheck;
    private final ConcurrentHashMap<String, ServletRules> byServlet = new ConcurrentHashMap<>();

    /**
     * @param tokenCheck checks a well-formed bearer token ({@code AccessPass::authenticate})
     */
    Guard(ServletContext context, List<String> protectedPaths,
          Function<String, Optional<Authentication>> tokenCheck) {
        this(context, protectedPaths, tokenCheck, Clock.systemUTC());
    }

    /** As above, with the clock {@code maxAge} is measured by (the instance's, so tests can drive it). */
    Guard(ServletContext context, List<String> protectedPaths,
          Function<String, Optional<Authentication>> tokenCheck, Clock clock) {
        this.clock = clock;
        this.context = context;
        this.protectedPaths = List.copyOf(protectedPaths);
        this.tokenCheck = tokenCheck;
    }

    /** What the filter does with a request: let it pass, or deny it with one problem. */
    sealed interface Decision {
    }

    /** The request goes on; {@code authentication} is null for an anonymous request on an unprotected route. */
    record Pass(Authentication authentication) implements Decision {
    }

    /**
     * The request is refused with {@code problem}; {@code bearerPresented} decides the challenge's {@code error}
     * attribute; {@code allow} is non-empty only for 405, naming the methods to use instead.
     */
    record Deny(AccessPassException problem, boolean bearerPresented, Set<String> allow) implements Decision {
        Deny {
            allow = Set.copyOf(allow);
        }
    }

    /**
     * Decides one application request. {@code already} is the authentication an earlier dispatch of the same
     * request (the one that forwarded or included) established, or null.
     *
     * @throws RuntimeException only for a failure that is not the client's (the filter answers 500)
     */
    Decision decide(HttpServletRequest request, Authentication already) {
        Requirement requirement;
        try {
            requirement = requirementFor(request);
        } catch (AccessPassException e) {
            return new Deny(e, BearerCredentials.from(request).present(), Set.of());
        }
        return decide(request, already, requirement);
    }

    /**
     * Decides one request whose requirement is already known: the filter's own (from the servlet mapping) or a
     * framework handler's ({@link HandlerGuard}). The one place where a token, its roles and TRACE are judged.
     */
    Decision decide(HttpServletRequest request, Authentication already, Requirement requirement) {
        BearerCredentials credentials = BearerCredentials.from(request);
        try {
            if (requirement.authenticated() && "TRACE".equals(request.getMethod())) {
                // HttpServlet.doTrace echoes the request headers, Authorization included (SR-52).
                return new Deny(new AccessPassException(ErrorCode.METHOD_NOT_ALLOWED,
                        "The method is not allowed for this route."), false, NOT_TRACE);
            }
            Authentication auth = already != null ? already : authenticate(credentials, requirement);
            if (!requirement.authenticated()) {
                return new Pass(auth);
            }
            if (auth == null) {
                return new Deny(new AccessPassException(ErrorCode.INVALID_TOKEN, "A valid bearer token is required."),
                        credentials.present(), Set.of());
            }
            if (!auth.user().roles().containsAll(requirement.roles())) {
                return new Deny(new AccessPassException(ErrorCode.INSUFFICIENT_ROLE,
                        "Your account lacks a role this resource needs."), true, Set.of());
            }
            if (requirement.maxAge() >= 0 || requirement.mfa()) {
                // Two field comparisons on the cached requirement: the step-up rules of API.md §9.
                boolean tooOld = requirement.maxAge() >= 0
                        && auth.authTime().getEpochSecond() < clock.instant().getEpochSecond() - requirement.maxAge();
                boolean noSecondFactor = requirement.mfa() && auth.aal() < 2;
                if (tooOld || noSecondFactor) {
                    return new Deny(new StepUpRequiredException(
                            tooOld ? Duration.ofSeconds(requirement.maxAge()) : null, noSecondFactor), true, Set.of());
                }
            }
            return new Pass(auth);
        } catch (AccessPassException e) {
            return new Deny(e, credentials.present(), Set.of());
        }
    }

    /**
     * On an unprotected route a broken store must not take the page down: the request goes on anonymously. On a
     * protected one it fails closed with 503 (API.md §2).
     */
    private Authentication authenticate(BearerCredentials credentials, Requirement requirement) {
        try {
            // Malformed or over-long tokens never reach the store (SR-05).
            return credentials.token().flatMap(tokenCheck).orElse(null);
        } catch (StoreUnavailableException e) {
            if (requirement.authenticated()) {
                throw e;
            }
            LOG.debug("token store unavailable on an unprotected route; continuing anonymously");
            return null;
        }
    }

    Requirement requirementFor(HttpServletRequest request) {
        HttpServletMapping mapping;
        String path;
        if (request.getDispatcherType() == DispatcherType.INCLUDE) {
            mapping = (HttpServletMapping) request.getAttribute(RequestDispatcher.INCLUDE_MAPPING);
            path = join((String) request.getAttribute(RequestDispatcher.INCLUDE_SERVLET_PATH),
                    (String) request.getAttribute(RequestDispatcher.INCLUDE_PATH_INFO));
        } else {
            mapping = request.getHttpServletMapping();
            path = join(request.getServletPath(), request.getPathInfo());
        }
        if (mapping == null || mapping.getServletName() == null) {
            return Requirement.TOKEN; // cannot tell what runs: deny rather than guess (SR-51)
        }
        Requirement byPath = matchesProtectedPath(path) ? Requirement.TOKEN : Requirement.NONE;
        ServletRules rules = byServlet.computeIfAbsent(mapping.getServletName(), this::load);
        return byPath.and(rules.forMethod(request.getMethod()));
    }

    /**
     * Every {@code protected void doXxx(HttpServletRequest, HttpServletResponse)} that {@code servletClass} declares,
     * by HTTP method ({@code doPatch} answers {@code PATCH}).
     */
    static Map<String, String> handlersOf(Class<?> servletClass) {
        Map<String, String> handlers = new HashMap<>();
        for (Method method : servletClass.getDeclaredMethods()) {
            String name = method.getName();
            if (name.length() > 2 && name.startsWith("do") && Character.isUpperCase(name.charAt(2))
                    && Arrays.equals(method.getParameterTypes(),
                    new Class<?>[] {HttpServletRequest.class, HttpServletResponse.class})) {
                handlers.put(name.substring(2).toUpperCase(Locale.ROOT), name);
            }
        }
        return Map.copyOf(handlers);
    }

    static String join(String servletPath, String pathInfo) {
        String base = servletPath == null ? "" : servletPath;
        return pathInfo == null ? base : base + pathInfo;
    }

    /** Servlet URL-pattern rules (Servlet 6.0 §12.2): exact, {@code /prefix/*}, {@code *.ext}. */
    boolean matchesProtectedPath(String path) {
        for (String pattern : protectedPaths) {
            if (pattern.endsWith("/*")) {
                String prefix = pattern.substring(0, pattern.length() - 2);
                if (prefix.isEmpty() || path.equals(prefix) || path.startsWith(prefix + "/")) {
                    return true;
                }
            } else if (pattern.startsWith("*.")) {
                int slash = path.lastIndexOf('/');
                if (path.substring(slash + 1).endsWith(pattern.substring(1))) {
                    return true;
                }
            } else if (path.equals(pattern) || (pattern.equals("/") && path.isEmpty())) {
                return true;
            }
        }
        return false;
    }

    private ServletRules load(String servletName) {
        ServletRegistration registration = context.getServletRegistration(servletName);
        if (registration == null || registration.getClassName() == null) {
            return ServletRules.NONE; // the container's own default servlet: nothing of the application runs
        }
        String className = registration.getClassName();
        try {
            ClassLoader loader = context.getClassLoader() != null ? context.getClassLoader()
                    : Thread.currentThread().getContextClassLoader();
            return ServletRules.of(Class.forName(className, false, loader));
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.warn("cannot read annotations of servlet {} ({}); every request to it needs a token", servletName,
                    className);
            return ServletRules.ALL_TOKEN;
        }
    }

    /**
     * The requirements of one servlet class, per HTTP method. Immutable.
     *
     * <p>A method with a handler of the container's {@link HttpServlet} ({@link #HANDLERS}) gets the rule of the
     * servlet's override, or the class-level rule when the servlet inherits the default. {@code HEAD} runs
     * {@code doGet} through {@code HttpServlet.doHead}, so it needs {@code GET}'s rule, combined with the rule of an
     * overriding {@code doHead} (which may call {@code super.doHead}). Any other method ({@code PATCH} on Servlet 6.0,
     * {@code PROPFIND}, made-up ones) has no handler of its own: only an overridden {@code service} could run it, and
     * that may call any handler, so it gets {@code strictest}, every rule of the servlet combined (fail closed).
     */
    record ServletRules(Requirement classLevel, Map<String, Requirement> perMethod, Requirement strictest) {
        static final ServletRules NONE = new ServletRules(Requirement.NONE, Map.of(), Requirement.NONE);
        static final ServletRules ALL_TOKEN = new ServletRules(Requirement.TOKEN, Map.of(), Requirement.TOKEN);

        Requirement forMethod(String httpMethod) {
            Requirement known = perMethod.get(httpMethod);
            return known != null ? known : strictest;
        }

        static ServletRules of(Class<?> type) {
            return of(type, HANDLERS);
        }

        /** The rules of {@code type} under a container whose {@code HttpServlet} has these {@code handlers}. */
        static ServletRules of(Class<?> type, Map<String, String> handlers) {
            Protected onClass = findClassAnnotation(type);
            Requirement classLevel = onClass == null ? Requirement.NONE : Requirement.of(onClass);
            Map<String, Requirement> perMethod = new HashMap<>();
            handlers.forEach((httpMethod, javaMethod) -> {
                Method handler = findHandler(type, javaMethod);
                perMethod.put(httpMethod, handler == null ? classLevel : methodRequirement(handler, classLevel));
            });
            if (handlers.containsKey("HEAD") && handlers.containsKey("GET")) {
                // HttpServlet.doHead runs doGet; an override may call super.doHead, so both rules apply (SR-52).
                Method doHead = findHandler(type, handlers.get("HEAD"));
                Requirement head = perMethod.get("GET");
                perMethod.put("HEAD", doHead == null ? head : head.and(perMethod.get("HEAD")));
            }
            Requirement strictest = classLevel;
            for (Requirement requirement : perMethod.values()) {
                strictest = strictest.and(requirement);
            }
            // Handlers the container's HttpServlet does not know (doPatch on Servlet 6.0) count too.
            for (Class<?> c = type; c != null && c != HttpServlet.class && c != Object.class; c = c.getSuperclass()) {
                for (String javaMethod : handlersOf(c).values()) {
                    Method handler = findHandler(type, javaMethod);
                    if (handler != null) {
                        strictest = strictest.and(methodRequirement(handler, classLevel));
                    }
                }
            }
            return new ServletRules(classLevel, Map.copyOf(perMethod), strictest);
        }

        static Requirement methodRequirement(Method handler, Requirement classLevel) {
            if (handler.isAnnotationPresent(Public.class)) {
                return Requirement.NONE;
            }
            Protected onMethod = handler.getAnnotation(Protected.class);
            return onMethod == null ? classLevel : classLevel.and(Requirement.of(onMethod));
        }

        static Protected findClassAnnotation(Class<?> type) {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                Protected annotation = c.getAnnotation(Protected.class);
                if (annotation != null) {
                    return annotation;
                }
            }
            return null;
        }

        /** The most specific override of {@code name} below {@link HttpServlet}, or null. */
        private static Method findHandler(Class<?> type, String name) {
            for (Class<?> c = type; c != null && c != HttpServlet.class && c != Object.class; c = c.getSuperclass()) {
                try {
                    return c.getDeclaredMethod(name, HttpServletRequest.class, HttpServletResponse.class);
                } catch (NoSuchMethodException e) {
                    // not declared at this level: look further up
                }
            }
            return null;
        }
    }
}
