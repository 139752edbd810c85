package dev.accesspass;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
    private static final Set<String> BLOCKLIST = loadBlocklist();

    private final int passwordMinLength;

    Rules(int passwordMinLength) {
        this.passwordMinLength = passwordMinLength;
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
     * Checks a new password. {@code context} holds words it must not equal (username, email, its local part).
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
            for (String word : context) {
                if (word != null && !word.isEmpty() && folded.equals(word.toLowerCase(Locale.ROOT))) {
                    errors.add("password", "must not be your username or email address");
                    break;
                }
            }
            if (!errors.has("password") && (BLOCKLIST.contains(folded) || folded.equals("accesspass"))) {
                errors.add("password", "is too common; choose a less guessable password");
            }
        }
        if (confirmation == null) {
            errors.add("password_confirmation", "is required");
        } else if (!confirmation.equals(password)) {
            errors.add("password_confirmation", "does not match the password");
        }
    }

    static boolean isBlocklisted(String password) {
        return BLOCKLIST.contains(password.toLowerCase(Locale.ROOT));
    }

    private static Set<String> loadBlocklist() {
        Set<String> words = new HashSet<>();
        try (InputStream in = Rules.class.getResourceAsStream("common-passwords.txt")) {
            if (in == null) {
                throw new IllegalStateException("common-passwords.txt is missing from the jar");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String word = line.strip();
                if (!word.isEmpty() && !word.startsWith("#")) {
                    words.add(word.toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(words);
    }
}
