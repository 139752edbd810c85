package dev.accesspass.spring;

import dev.accesspass.servlet.HandlerGuard;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * {@code @Protected} and {@code @Public} on {@code @Controller}/{@code @RestController} classes and handler methods.
 * Spring has already chosen the handler method when this runs, so what is checked is exactly what will run, however
 * the path was spelt; the rule is read once per handler method and cached ({@link HandlerGuard}), and a denial is
 * the filter's own problem+json and challenge.
 */
public class AccessPassHandlerInterceptor implements HandlerInterceptor {
    private final HandlerGuard guard;

    public AccessPassHandlerInterceptor(HandlerGuard guard) {
        this.guard = guard;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (handler instanceof HandlerMethod method) {
            // getBeanType is the user class, not a CGLIB proxy, so class-level annotations are found.
            return guard.admit(request, response, method.getBeanType(), method.getMethod());
        }
        return true; // static resources and other handlers: the filter's protected-paths apply to them
    }
}
