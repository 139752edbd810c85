package dev.accesspass;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Derives a username for a user created by an OAuth login: valid under the registration rules (3–64 of letters,
 * digits, {@code . _ -}, starting with a letter or digit, never {@code @}). Uniqueness is the caller's loop over
 * {@link #candidate}. Stateless.
 */
final class OAuthUsernames {
    private OAuthUsernames() {
    }

    /** A valid base name from the provider's login or name, else the email's local part, else {@code user}. */
    static String base(String wish, String email) {
        String cleaned = clean(wish);
        if (cleaned.length() < 3 && email != null && email.indexOf('@') > 0) {
            cleaned = clean(email.substring(0, email.indexOf('@')));
        }
        if (cleaned.isEmpty()) {
            cleaned = "user";
        }
        while (cleaned.length() < 3) {
            cleaned = cleaned + "0";
        }
        return cleaned.length() > 56 ? cleaned.substring(0, 56) : cleaned;
    }

    /** The base first, then {@code base-2} … {@code base-20}, then random suffixes. */
    static String candidate(String base, int attempt) {
        if (attempt == 0) {
            return base;
        }
        if (attempt < 20) {
            return base + "-" + (attempt + 1);
        }
        return base + "-" + Secrets.newToken().substring(0, 6).toLowerCase(Locale.ROOT).replace('_', '0');
    }

    private static String clean(String text) {
        if (text == null) {
            return "";
        }
        // "José Müller" becomes "Jose-Muller": strip accents, then turn anything else into a dash.
        String ascii = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
        String dashed = ascii.replaceAll("[^A-Za-z0-9._-]+", "-");
        return dashed.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[-.]+$", "");
    }
}
