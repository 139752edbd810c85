package dev.accesspass.servlet;

import java.util.HashSet;
import java.util.Set;

/**
 * What an application request needs: nothing, or a valid token with every one of {@code roles}, and optionally an
 * authentication no older than {@code maxAge} seconds ({@code -1}: any) or a second factor. Immutable.
 */
record Requirement(boolean authenticated, Set<String> roles, long maxAge, boolean mfa) {
    static final Requirement NONE = new Requirement(false, Set.of());
    static final Requirement TOKEN = new Requirement(true, Set.of());

    Requirement(boolean authenticated, Set<String> roles) {
        this(authenticated, roles, -1, false);
    }

    Requirement {
        roles = Set.copyOf(roles);
        if (maxAge < -1) {
            throw new IllegalArgumentException("maxAge must be -1 or at least 0");
        }
    }

    static Requirement of(Protected annotation) {
        if (annotation.maxAge() < -1) {
            throw new IllegalArgumentException("@Protected(maxAge) must be -1 (any) or at least 0");
        }
        if (annotation.roles().length == 0 && annotation.maxAge() == -1 && !annotation.mfa()) {
            return TOKEN;
        }
        return new Requirement(true, Set.of(annotation.roles()), annotation.maxAge(), annotation.mfa());
    }

    /** Both must hold: the union of the roles, the smaller age, a second factor if either wants one. */
    Requirement and(Requirement other) {
        if (!other.authenticated) {
            return this;
        }
        if (!authenticated) {
            return other;
        }
        Set<String> union = new HashSet<>(roles);
        union.addAll(other.roles);
        long age = maxAge == -1 ? other.maxAge : other.maxAge == -1 ? maxAge : Math.min(maxAge, other.maxAge);
        return new Requirement(true, union, age, mfa || other.mfa);
    }
}
