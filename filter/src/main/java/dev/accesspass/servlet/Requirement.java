package dev.accesspass.servlet;

import java.util.HashSet;
import java.util.Set;

/**
 * What an application request needs: nothing, or a valid token with every one of {@code roles}. Immutable.
 */
record Requirement(boolean authenticated, Set<String> roles) {
    static final Requirement NONE = new Requirement(false, Set.of());
    static final Requirement TOKEN = new Requirement(true, Set.of());

    Requirement {
        roles = Set.copyOf(roles);
    }

    static Requirement of(Protected annotation) {
        return annotation.roles().length == 0 ? TOKEN : new Requirement(true, Set.of(annotation.roles()));
    }

    /** Both must hold: the union of the roles. */
    Requirement and(Requirement other) {
        if (!other.authenticated) {
            return this;
        }
        if (!authenticated) {
            return other;
        }
        Set<String> union = new HashSet<>(roles);
        union.addAll(other.roles);
        return new Requirement(true, union);
    }
}
