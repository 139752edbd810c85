package dev.accesspass;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registration rules and the one password policy (API.md §1; SR-23 to SR-27, SR-40). */
class RulesSpecTest {
    private final Rules rules = new Rules(8);

    @Test
    void usernameIsRequiredAndShaped() {
        assertThat(username(null)).containsExactly("is required");
        assertThat(username("")).containsExactly("is required");
        assertThat(username("ab")).hasSize(1);
        assertThat(username("_alice")).hasSize(1);
        assertThat(username("alice@example.org")).hasSize(1);
        assertThat(username("a".repeat(65))).hasSize(1);
        assertThat(username("abc")).isNull();
        assertThat(username("Alice.Smith_2-x")).isNull();
        assertThat(username("a".repeat(64))).isNull();
    }

    @Test
    void sr40_emailIsOneBareAddressOfAtMost254Characters() {
        assertThat(email(null)).containsExactly("is required");
        assertThat(email("")).containsExactly("is required");
        assertThat(email("Alice <alice@example.org>")).hasSize(1);
        assertThat(email("alice@example.org, bob@example.org")).hasSize(1);
        assertThat(email("alice@example.org\r\nBcc: eve@example.org")).hasSize(1);
        assertThat(email("alice")).hasSize(1);
        assertThat(email("alice@example.org")).isNull();
        String local = "a".repeat(64);
        String at254 = local + "@" + "b".repeat(254 - 65 - 4) + ".org";
        assertThat(at254).hasSize(254);
        assertThat(email(at254)).isNull();
        assertThat(email("a" + at254)).hasSize(1);
    }

    @Test
    void sr23_lengthIsCountedInCodePointsAgainstBothLimits() {
        String emoji = "\uD83D\uDE00";
        assertThat(password(emoji.repeat(7))).as("7 code points, 14 UTF-16 units")
                .containsExactly("must be at least 8 characters");
        assertThat(password(emoji.repeat(8))).isNull();
        assertThat(password("qzxwvut")).containsExactly("must be at least 8 characters");
        assertThat(password("qzxwvutk")).isNull();
        assertThat(password(emoji.repeat(256))).as("256 code points, 512 units").isNull();
        assertThat(password("x".repeat(256))).isNull();
        assertThat(password("x".repeat(257))).containsExactly("must be at most 256 characters");
    }

    @Test
    void theMinimumLengthIsConfigurable() {
        Rules longer = new Rules(12);
        FieldErrors errors = new FieldErrors();
        longer.checkNewPassword("elevenchars", "elevenchars", errors);
        assertThat(errors.asMap().get("password")).containsExactly("must be at least 12 characters");
    }

    @Test
    void sr25_commonPasswordsAreRefusedRegardlessOfCase() {
        assertThat(password("password1")).containsExactly("is too common; choose a less guessable password");
        assertThat(password("PassWord1")).hasSize(1);
        assertThat(password("AccessPass")).hasSize(1);
        assertThat(Rules.isBlocklisted("PASSWORD1")).isTrue();
        assertThat(Rules.isBlocklisted("correct horse battery")).isFalse();
        assertThat(Rules.isBlocklisted("# Common passwords of 8 characters or more")).isFalse();
    }

    @Test
    void sr25_contextWordsAreRefusedRegardlessOfCaseWithOneMessage() {
        FieldErrors errors = new FieldErrors();
        rules.checkNewPassword("Password1", "Password1", errors, null, "", "password1");
        assertThat(errors.asMap()).containsExactly(
                Map.entry("password", List.of("must not be your username or email address")));

        FieldErrors unrelated = new FieldErrors();
        rules.checkNewPassword("longer than any", "longer than any", unrelated, "alice", "alice@example.org");
        assertThat(unrelated.isEmpty()).isTrue();
    }

    @Test
    void sr26_passwordIsTakenExactlyAsSent() {
        assertThat(password("  spaced  ")).isNull();
        FieldErrors errors = new FieldErrors();
        rules.checkNewPassword(" correct horse ", "correct horse", errors);
        assertThat(errors.asMap()).containsOnlyKeys("password_confirmation");
    }

    @Test
    void confirmationIsRequiredAndMustMatch() {
        FieldErrors missing = new FieldErrors();
        rules.checkNewPassword("correct horse", null, missing);
        assertThat(missing.asMap()).containsExactly(Map.entry("password_confirmation", List.of("is required")));

        FieldErrors mismatch = new FieldErrors();
        rules.checkNewPassword("correct horse", "Correct horse", mismatch);
        assertThat(mismatch.asMap()).containsExactly(
                Map.entry("password_confirmation", List.of("does not match the password")));
    }

    @Test
    void aMissingPasswordIsTheOnlyErrorReported() {
        FieldErrors errors = new FieldErrors();
        rules.checkNewPassword(null, null, errors);
        assertThat(errors.asMap()).containsExactly(Map.entry("password", List.of("is required")));

        FieldErrors empty = new FieldErrors();
        rules.checkNewPassword("", "x", empty);
        assertThat(empty.asMap()).containsExactly(Map.entry("password", List.of("is required")));
    }

    private List<String> username(String value) {
        FieldErrors errors = new FieldErrors();
        rules.checkUsername(value, errors);
        return errors.asMap().get("username");
    }

    private List<String> email(String value) {
        FieldErrors errors = new FieldErrors();
        rules.checkEmail(value, errors);
        return errors.asMap().get("email");
    }

    /** The password errors of a password confirmed correctly. */
    private List<String> password(String value) {
        FieldErrors errors = new FieldErrors();
        rules.checkNewPassword(value, value, errors);
        assertThat(errors.has("password_confirmation")).isFalse();
        return errors.asMap().get("password");
    }
}
