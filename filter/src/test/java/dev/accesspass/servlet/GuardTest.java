package dev.accesspass.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.Authentication;
import dev.accesspass.ErrorCode;
import dev.accesspass.SessionId;
import dev.accesspass.User;
import dev.accesspass.UserId;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Guard#decide} and {@link Guard.ServletRules} on their own, with requests shaped as Tomcat and Jetty hand them
 * to the filter: the servlet named by the container's {@link HttpServletMapping}, an include's mapping in the request
 * attributes (SR-51..SR-53, SR-72).
 */
class GuardTest {
    /** The handler table of Servlet 6.1's {@code HttpServlet} (Tomcat 11): {@code doPatch} answers {@code PATCH}. */
    private static final Map<String, String> SERVLET_6_1 = with(Guard.HANDLERS, "PATCH", "doPatch");
    /** The handler table of Servlet 6.0's {@code HttpServlet}: no {@code doPatch}. */
    private static final Map<String, String> SERVLET_6_0 = without(Guard.HANDLERS, "PATCH");

    private static final Requirement ADMIN = new Requirement(true, Set.of("admin"));

    /** PUT needs a token, PATCH the role {@code admin}; the class itself is unprotected. */
    public static class PatchAdmin extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        @Protected
        protected void doPut(HttpServletRequest request, HttpServletResponse response) {
        }

        @Protected(roles = "admin")
        protected void doPatch(HttpServletRequest request, HttpServletResponse response) {
        }
    }

    /** {@code doGet} is protected, {@code doHead} is overridden and calls {@code super.doHead}, which runs doGet. */
    public static class HeadOverride extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        @Protected(roles = "admin")
        protected void doGet(HttpServletRequest request, HttpServletResponse response) {
        }

        @Override
        protected void doHead(HttpServletRequest request, HttpServletResponse response)
                throws ServletException, IOException {
            response.setHeader("X-Head", "1");
            super.doHead(request, response);
        }
    }

    /** The class is protected; {@code doPost} is public. */
    @Protected
    public static class Mixed extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) {
        }

        @Override
        @Public
        protected void doPost(HttpServletRequest request, HttpServletResponse response) {
        }
    }

    /** Nothing protected. */
    public static class Open extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) {
        }
    }

    @Test
    void sr72_handlerTableIsReadFromTheHttpServletAtHand() {
        assertThat(Guard.HANDLERS).containsEntry("GET", "doGet").containsEntry("HEAD", "doHead")
                .containsEntry("POST", "doPost").containsEntry("PUT", "doPut").containsEntry("DELETE", "doDelete")
                .containsEntry("OPTIONS", "doOptions").containsEntry("TRACE", "doTrace");
        // The filter compiles and unit-tests against Servlet 6.0; Tomcat 11 brings 6.1 with doPatch.
        assertThat(Guard.handlersOf(HttpServlet.class)).isEqualTo(Guard.HANDLERS);
    }

    @Test
    void sr72_patchFollowsDoPatchOnServlet61() {
        Guard.ServletRules rules = Guard.ServletRules.of(PatchAdmin.class, SERVLET_6_1);
        assertThat(rules.forMethod("PATCH")).isEqualTo(ADMIN);
        assertThat(rules.forMethod("PUT")).isEqualTo(Requirement.TOKEN);
        assertThat(rules.forMethod("GET")).isEqualTo(Requirement.NONE);
    }

    @Test
    void sr72_methodWithoutAHandlerGetsTheStrictestRule() {
        // On Servlet 6.0 only an overridden service() could run doPatch: PATCH needs everything any handler needs.
        Guard.ServletRules rules = Guard.ServletRules.of(PatchAdmin.class, SERVLET_6_0);
        assertThat(rules.forMethod("PATCH")).isEqualTo(ADMIN);
        assertThat(rules.forMethod("PROPFIND")).isEqualTo(ADMIN);
        assertThat(Guard.ServletRules.of(PatchAdmin.class, SERVLET_6_1).forMethod("MKCOL")).isEqualTo(ADMIN);
        assertThat(Guard.ServletRules.of(Mixed.class, SERVLET_6_1).forMethod("PROPFIND"))
                .isEqualTo(Requirement.TOKEN);
        assertThat(Guard.ServletRules.of(Open.class, SERVLET_6_1).forMethod("PROPFIND"))
                .isEqualTo(Requirement.NONE);
    }

    @Test
    void sr72_overriddenDoHeadNeedsGetsRuleToo() {
        Guard.ServletRules rules = Guard.ServletRules.of(HeadOverride.class, SERVLET_6_1);
        assertThat(rules.forMethod("HEAD")).isEqualTo(ADMIN);
        assertThat(rules.forMethod("GET")).isEqualTo(ADMIN);
        assertThat(rules.forMethod("POST")).isEqualTo(Requirement.NONE);
    }

    @Test
    void sr72_inheritedHandlersFollowTheClassAndHeadFollowsGet() {
        Guard.ServletRules rules = Guard.ServletRules.of(Mixed.class, SERVLET_6_1);
        assertThat(rules.forMethod("GET")).isEqualTo(Requirement.TOKEN);
        assertThat(rules.forMethod("HEAD")).isEqualTo(Requirement.TOKEN);
        assertThat(rules.forMethod("POST")).isEqualTo(Requirement.NONE);
        assertThat(rules.forMethod("OPTIONS")).isEqualTo(Requirement.TOKEN);
        assertThat(rules.forMethod("PATCH")).isEqualTo(Requirement.TOKEN);
    }

    @Test
    void sr72_decidePatchAndHeadAsContainersMapThem() {
        Guard guard = guard(Map.of("patch", PatchAdmin.class, "head", HeadOverride.class));
        assertDenied(guard.decide(request("PATCH", "patch", null), null), ErrorCode.INVALID_TOKEN);
        assertDenied(guard.decide(request("PATCH", "patch", "user-token"), null), ErrorCode.INSUFFICIENT_ROLE);
        assertThat(guard.decide(request("PATCH", "patch", "admin-token"), null)).isInstanceOf(Guard.Pass.class);
        assertDenied(guard.decide(request("PUT", "patch", null), null), ErrorCode.INVALID_TOKEN);
        assertThat(guard.decide(request("GET", "patch", null), null)).isEqualTo(new Guard.Pass(null));

        assertDenied(guard.decide(request("HEAD", "head", null), null), ErrorCode.INVALID_TOKEN);
        assertDenied(guard.decide(request("HEAD", "head", "user-token"), null), ErrorCode.INSUFFICIENT_ROLE);
        assertThat(guard.decide(request("HEAD", "head", "admin-token"), null)).isInstanceOf(Guard.Pass.class);
    }

    @Test
    void sr51_unknownTargetIsDeniedAndTheContainersDefaultServletPasses() {
        Guard guard = guard(Map.of());
        // No mapping at all: the guard cannot tell what runs.
        assertDenied(guard.decide(request("GET", null, null), null), ErrorCode.INVALID_TOKEN);
        // A servlet name without an application registration (the container's own default servlet).
        assertThat(guard.decide(request("GET", "default", null), null)).isEqualTo(new Guard.Pass(null));
    }

    @Test
    void sr53_includeIsJudgedByTheIncludedServlet() {
        Guard guard = guard(Map.of("open", Open.class, "head", HeadOverride.class));
        HttpServletRequest include = request("GET", "open", null, DispatcherType.INCLUDE,
                Map.of(RequestDispatcher.INCLUDE_MAPPING, mapping("head")));
        assertDenied(guard.decide(include, null), ErrorCode.INVALID_TOKEN);
    }

    @Test
    void sr52_traceOnAProtectedServletIs405() {
        Guard guard = guard(Map.of("mixed", Mixed.class));
        Guard.Decision trace = guard.decide(request("TRACE", "mixed", "admin-token"), null);
        assertThat(trace).isInstanceOfSatisfying(Guard.Deny.class,
                deny -> assertThat(deny.allow()).contains("GET").doesNotContain("TRACE"));
    }

    private static void assertDenied(Guard.Decision decision, ErrorCode code) {
        assertThat(decision).isInstanceOfSatisfying(Guard.Deny.class,
                deny -> assertThat(deny.problem().code()).isEqualTo(code));
    }

    private static Guard guard(Map<String, Class<? extends HttpServlet>> servlets) {
        ServletContext context = proxy(ServletContext.class, (name, args) -> switch (name) {
            case "getServletRegistration" -> {
                Class<?> type = servlets.get((String) args[0]);
                yield type == null ? null : proxy(ServletRegistration.class,
                        (n, a) -> n.equals("getClassName") ? type.getName() : null);
            }
            case "getClassLoader" -> GuardTest.class.getClassLoader();
            default -> null;
        });
        return new Guard(context, List.of(), token -> Optional.ofNullable(
                token.startsWith("user-token") ? authentication(Set.of())
                        : token.startsWith("admin-token") ? authentication(Set.of("admin")) : null));
    }

    private static Authentication authentication(Set<String> roles) {
        User user = new User(new UserId("u1"), "alice", "alice@example.com", true, roles, Instant.EPOCH, List.of());
        return new Authentication(user, new SessionId("s1"), Instant.EPOCH, Instant.EPOCH.plusSeconds(300), Map.of());
    }

    private static HttpServletRequest request(String method, String servletName, String bearer) {
        return request(method, servletName, bearer, DispatcherType.REQUEST, Map.of());
    }

    private static HttpServletRequest request(String method, String servletName, String bearer,
                                              DispatcherType dispatcherType, Map<String, Object> attributes) {
        String token = bearer == null ? null : (bearer + "-".repeat(43)).substring(0, 43);
        return proxy(HttpServletRequest.class, (name, args) -> switch (name) {
            case "getMethod" -> method;
            case "getDispatcherType" -> dispatcherType;
            case "getHttpServletMapping" -> servletName == null ? null : mapping(servletName);
            case "getServletPath" -> "/x";
            case "getAttribute" -> attributes.get((String) args[0]);
            case "getHeader" -> "Authorization".equalsIgnoreCase((String) args[0]) && token != null
                    ? "Bearer " + token : null;
            case "getHeaders" -> Collections.enumeration(
                    "Authorization".equalsIgnoreCase((String) args[0]) && token != null
                            ? List.of("Bearer " + token) : List.<String>of());
            default -> null;
        });
    }

    private static HttpServletMapping mapping(String servletName) {
        return proxy(HttpServletMapping.class, (name, args) -> switch (name) {
            case "getServletName" -> servletName;
            case "getMappingMatch" -> MappingMatch.EXACT;
            case "getPattern" -> "/x";
            case "getMatchValue" -> "x";
            default -> null;
        });
    }

    private interface Answer {
        Object answer(String method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(GuardTest.class.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> {
                    if (method.getName().equals("toString")) {
                        return type.getSimpleName();
                    }
                    return answer.answer(method.getName(), args);
                }));
    }

    private static Map<String, String> with(Map<String, String> map, String key, String value) {
        Map<String, String> copy = new HashMap<>(map);
        copy.put(key, value);
        return Map.copyOf(copy);
    }

    private static Map<String, String> without(Map<String, String> map, String key) {
        Map<String, String> copy = new HashMap<>(map);
        copy.remove(key);
        return Map.copyOf(copy);
    }
}
