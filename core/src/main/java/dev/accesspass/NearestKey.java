package dev.accesspass;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * The "did you mean" of configuration errors: the known key nearest to a misspelt one by edit distance, when it is
 * near enough to be a likely typo. Stateless.
 */
final class NearestKey {
    private NearestKey() {
    }

    /**
     * The known key closest to {@code unknown} (case-insensitive Levenshtein distance), if that distance is at most a
     * third of the key's length (at least 1, at most 4); ties go to the first in {@code known}'s order.
     */
    static Optional<String> to(String unknown, Collection<String> known) {
        String typed = unknown.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(typed, candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        int allowed = Math.max(1, Math.min(4, best.length() / 3));
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** " (did you mean x?)" or "". */
    static String hint(String unknown, Collection<String> known) {
        return to(unknown, known).map(key -> " (did you mean " + key + "?)").orElse("");
    }

    /** Levenshtein distance with two rows; keys are short. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
