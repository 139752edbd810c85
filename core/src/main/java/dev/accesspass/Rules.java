package dev.accesspass;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The registration rules of API.md §1 and the one password policy used on every path that sets a password
 * (register, change, reset: SR-27). Immutable and thread-safe.
 *
 * <p>Lengths are counted in code points, never UTF-16 units, and nothing is trimmed or truncated (SR-23, SR-26).
 */
final class Rules {
    static final int PASSWORD_MAX = 256;
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{2,63}");
    /** One bare address: no display name, comment, list, quote or whitespace (SR-40). */
    private static final Pattern EMAIL =
            Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*");
    private static final Blocklist BLOCKLIST = Blocklist.bundled();

    private final int passwordMinLength;
    /** Lower-cased names of this site a password must not be: the product name, the base-url host and its labels. */
    private final Set<String> siteWords;
    /** The breached-password check, or null when it is off. */
    private final BreachedPasswords breached;

    Rules(int passwordMinLength) {
        this(passwordMinLength, Set.of(), null);
    }

    Rules(int passwordMinLength, Set<String> siteNames, BreachedPasswords breached) {
        this.passwordMinLength = passwordMinLength;
        Set<String> words = new HashSet<>();
        words.add("accesspass");
        for (String name : siteNames) {
            addWithLabels(words, name);
        }
        this.siteWords = Set.copyOf(words);
        this.breached = breached;
    }

    /** The site words of a configuration: the base-url host (and, once configured, the issuer name). */
    static Set<String> siteNames(AccessPassConfig config) {
        return config.baseUrl().map(url -> Set.of(url.getHost())).orElse(Set.of());
    }

    private static void addWithLabels(Set<String> words, String name) {
        if (name == null || name.isEmpty()) {
            return;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        words.add(lower);
        for (String label : lower.split("[.]")) {
            if (!label.isEmpty()) {
                words.add(label);
            }
        }
    }

    void checkUsername(String username, FieldErrors errors) {
        if (username == null || username.isEmpty()) {
            errors.add("username", "is required");
        } else if (!USERNAME.matcher(username).matches()) {
            errors.add("username", "must be 3 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    void checkEmail(String email, FieldErrors errors) {
        if (email == null || email.isEmpty()) {
            errors.add("email", "is required");
        } else if (email.length() > 254 || !EMAIL.matcher(email).matches()) {
            errors.add("email", "must be one email address of at most 254 characters");
        }
    }

    /**
     * Checks a new password. {@code context} holds the user's words it must not equal: username and email (the
     * email's local part and domain labels are added here).
     */
    void checkNewPassword(String password, String confirmation, FieldErrors errors, String... context) {
        if (password == null || password.isEmpty()) {
            errors.add("password", "is required");
            return;
        }
        int length = password.codePointCount(0, password.length());
        if (length < passwordMinLength) {
            errors.add("password", "must be at least " + passwordMinLength + " characters");
        } else if (length > PASSWORD_MAX) {
            errors.add("password", "must be at most " + PASSWORD_MAX + " characters");
        } else {
            String folded = password.toLowerCase(Locale.ROOT);
            if (userWords(context).contains(folded)) {
                errors.add("password", "must not be your username or email address");
            } else if (siteWords.contains(folded)) {
                errors.add("password", "must not be the name of this site");
            } else if (BLOCKLIST.contains(folded)) {
                errors.add("password", "is too common; choose a less guessable password");
            }
        }
        if (confirmation == null) {
            errors.add("password_confirmation", "is required");
        } else if (!confirmation.equals(password)) {
            errors.add("password_confirmation", "does not match the password");
        }
    }

    /**
     * After every other rule passed: refuses a password the breached-password range API lists (when
     * {@code breached-password-check} is on). Fails open: when the API cannot be asked, the password passes.
     */
    void checkBreached(String password, String clientAddress) {
        if (breached != null && breached.isBreached(password, clientAddress)) {
            throw AccessPassException.validation(new FieldErrors().add("password",
                    "has appeared in a data breach; choose another password"));
        }
    }

    private static Set<String> userWords(String... context) {
        Set<String> words = new HashSet<>();
        for (String word : context) {
            if (word == null || word.isEmpty()) {
                continue;
            }
            String lower = word.toLowerCase(Locale.ROOT);
            words.add(lower);
            int at = lower.indexOf('@');
            if (at > 0) {
                words.add(lower.substring(0, at));
                addWithLabels(words, lower.substring(at + 1));
            }
        }
        return words;
    }

    static boolean isBlocklisted(String password) {
        return BLOCKLIST.contains(password.toLowerCase(Locale.ROOT));
    }

    /** For tests and measurements: how many entries the bundled list has. */
    static int blocklistSize() {
        return BLOCKLIST.size();
    }
}
