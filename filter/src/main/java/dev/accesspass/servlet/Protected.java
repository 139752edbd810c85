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
 * every listed role. Read once per servlet by {@link AccessPassFilter} and cached.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Protected {
    /** Roles the user must all have; none by default. */
    String[] roles() default {};
}
