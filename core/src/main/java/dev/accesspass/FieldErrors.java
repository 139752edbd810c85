package dev.accesspass;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects validation messages per field. Built-in rules and the {@link AuthHooks#validateRegistration} hook add to
 * the same instance; hooks can add errors but never remove them. Not thread-safe: one instance per request.
 */
public final class FieldErrors {
    private final Map<String, List<String>> errors = new LinkedHashMap<>();

    /** Adds {@code message} to the messages of {@code field}. */
    public FieldErrors add(String field, String message) {
        errors.computeIfAbsent(field, f -> new ArrayList<>()).add(message);
        return this;
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public boolean has(String field) {
        return errors.containsKey(field);
    }

    /** An unmodifiable snapshot. */
    public Map<String, List<String>> asMap() {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        errors.forEach((field, messages) -> copy.put(field, List.copyOf(messages)));
        return Collections.unmodifiableMap(copy);
    }

    /** Throws a {@code validation_failed} exception if any error was added. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw AccessPassException.validation(this);
        }
    }
}
