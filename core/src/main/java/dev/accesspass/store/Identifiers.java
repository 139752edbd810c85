package dev.accesspass.store;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The uniqueness keys of usernames and emails, shared by every store so that {@code Alice}, {@code alice} and a
 * full-width {@code ａｌｉｃｅ} are one account everywhere.
 */
public final class Identifiers {
    private Identifiers() {
    }

    /** NFKC, then case-folded (upper then lower, so that e.g. the German sharp s and its capital agree). */
    public static String usernameKey(String username) {
        String nfkc = Normalizer.normalize(username, Normalizer.Form.NFKC);
        return nfkc.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }

    /** Lower-cased as a whole: mailbox providers treat the local part case-insensitively in practice. */
    public static String emailKey(String email) {
        return email == null ? null : email.toLowerCase(Locale.ROOT);
    }
}
