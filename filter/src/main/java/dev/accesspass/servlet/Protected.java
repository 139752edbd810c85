package dev.accesspass.servlet;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Requires a valid bearer token for an {@code HttpServlet} subclass (every HTTP method it answers) or for one of its
 * {@code doGet}/{@code doPost}/{@code doPatch}/… methods ({@code HEAD} follows {@code GET}, and an overridden
 * {@code doHead} too; a method without a handler needs every rule of the servlet). With {@link #roles()}, the user needs
 * every listed role; with {@link #maxAge()}, an authentication in this session no older than that many seconds; with
 * {@link #mfa()}, a session opened with a second factor ({@code aal} 2). Either failing is 401
 * {@code step_up_required} with the RFC 9470 challenge. Read once per servlet by {@link AccessPassFilter} and cached,
 * so a request costs a field comparison.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Protected {
    /** Roles the user must all have; none by default. */
    String[] roles() default {};

    /** The largest age in seconds of the session's last authentication ({@code auth_time}); -1 for any. */
    int maxAge() default -1;

    /** Whether the session must rest on two factors ({@code aal} 2). */
    boolean mfa() default false;
}
