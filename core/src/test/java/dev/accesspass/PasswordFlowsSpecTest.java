package dev.accesspass;

import static dev.accesspass.SpecRig.CLIENT;
import static dev.accesspass.SpecRig.PASSWORD;
import static dev.accesspass.SpecRig.code;
import static dev.accesspass.SpecRig.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.event.PasswordChangeEvent;
import dev.accesspass.event.PasswordResetEvent;
import dev.accesspass.event.SecurityEvent;
import dev.accesspass.mail.SentMail;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.OneTimeToken;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenPurpose;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Setting a new password by reset token and by the current password (SR-11, SR-12, SR-27, SR-38) through the
 * public {@link AccessPass} API. Reset tokens are put into the token store as the mailed link would carry them.
 */
class PasswordFlowsSpecTest {
    private static final String NEW_PASSWORD = "a new and long passphrase";

    private SpecRig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    // ---- reset ----

    @Test
    void sr12_resetSetsThePasswordRevokesEverySessionAndKillsOtherResetTokens() {
        rig = SpecRig.start();
        TokenResponse first = rig.register("alice");
        TokenResponse second = rig.login("alice");
        String token = rig.resetToken("alice", Duration.ofHours(1));
        String other = rig.resetToken("alice", Duration.ofHours(1));

        rig.accessPass.resetPassword(token, NEW_PASSWORD, NEW_PASSWORD, CLIENT);

        assertThat(rig.accessPass.authenticate(first.accessToken())).isEmpty();
        assertThat(rig.accessPass.authenticate(second.accessToken())).isEmpty();
        assertThat(code(() -> rig.accessPass.refresh(second.refreshToken()))).isEqualTo(ErrorCode.INVALID_GRANT);
        assertThat(rig.oneTimeTokenLives(other, TokenPurpose.RESET_PASSWORD)).isFalse();
        assertThat(code(() -> rig.login("alice"))).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(rig.accessPass.login("alice", NEW_PASSWORD, CLIENT).user().username()).isEqualTo("alice");
        assertThat(rig.hooks.events).filteredOn(e -> e.type() == SecurityEvent.Type.PASSWORD_RESET)
                .singleElement().satisfies(e -> {
                    assertThat(e.details()).containsEntry("sessions_revoked", "2");
                    assertThat(e.clientAddress()).isEqualTo(CLIENT);
                });
        assertThat(rig.hooks.calls(PasswordResetEvent.class)).singleElement()
                .satisfies(e -> assertThat(e.user().username()).isEqualTo("alice"));
    }

    @Test
    void sr12_sr84_resetMailsANoticeWithoutTokenOrPassword() {
        rig = SpecRig.start();
        rig.register("alice");
        String token = rig.resetToken("alice", Duration.ofHours(1));

        rig.accessPass.resetPassword(token, NEW_PASSWORD, NEW_PASSWORD, CLIENT);
        rig.close(); // drains the mail queue

        List<SentMail> notices = noticesTo("alice@example.org");
        assertThat(notices).hasSize(1);
        assertThat(notices.get(0).message().text()).doesNotContain(token).doesNotContain(NEW_PASSWORD);
    }

    @Test
    void sr36_aResetTokenWorksOnce() {
        rig = SpecRig.start();
        rig.register("alice");
        String token = rig.resetToken("alice", Duration.ofHours(1));
        rig.accessPass.resetPassword(token, NEW_PASSWORD, NEW_PASSWORD, CLIENT);

        assertThat(code(() -> rig.accessPass.resetPassword(token, "yet another passphrase",
                "yet another passphrase", CLIENT))).isEqualTo(ErrorCode.INVALID_GRANT);
        assertThat(rig.accessPass.login("alice", NEW_PASSWORD, CLIENT)).isNotNull();
    }

    @Test
    void sr08_anExpiredResetTokenIsRefused() {
        rig = SpecRig.start();
        rig.register("alice");
        String token = rig.resetToken("alice", Duration.ofSeconds(60));

        rig.clock.advance(Duration.ofSeconds(60));

        assertThat(code(() -> rig.accessPass.resetPassword(token, NEW_PASSWORD, NEW_PASSWORD, CLIENT)))
                .isEqualTo(ErrorCode.INVALID_GRANT);
        assertThat(rig.login("alice")).isNotNull();
    }

    @Test
    void sr04_aConfirmationTokenIsNoResetTokenAndStaysUsable() {
        rig = SpecRig.start();
        rig.register("alice");
        String confirm = rig.oneTimeToken("alice", TokenPurpose.CONFIRM_EMAIL, Duration.ofHours(1));

        assertThat(code(() -> rig.accessPass.resetPassword(confirm, NEW_PASSWORD, NEW_PASSWORD, CLIENT)))
                .isEqualTo(ErrorCode.INVALID_GRANT);
        assertThat(rig.oneTimeTokenLives(confirm, TokenPurpose.CONFIRM_EMAIL)).isTrue();
    }

    @Test
    void sr35_missingMalformedAndUnknownResetTokensAreRefused() {
        rig = SpecRig.start();
        rig.register("alice");

        AccessPassException missing = failure(() -> rig.accessPass.resetPassword(null, "short", "short", CLIENT));
        assertThat(missing.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
        assertThat(missing.fieldErrors()).containsOnlyKeys("token", "password");
        assertThat(code(() -> rig.accessPass.resetPassword("", NEW_PASSWORD, NEW_PASSWORD, CLIENT)))
                .isEqualTo(ErrorCode.VALIDATION_FAILED);
        assertThat(code(() -> rig.accessPass.resetPassword("not a token", NEW_PASSWORD, NEW_PASSWORD, CLIENT)))
                .isEqualTo(ErrorCode.INVALID_GRANT);
        assertThat(code(() -> rig.accessPass.resetPassword(Secrets.newToken(), NEW_PASSWORD, NEW_PASSWORD,
                CLIENT))).isEqualTo(ErrorCode.INVALID_GRANT);
    }

    @Test
    void aResetTokenOfAUserThatIsGoneOrOfNoUserIsRefused() {
        rig = SpecRig.start();
        rig.register("alice");
        String token = rig.resetToken("alice", Duration.ofHours(1));
        rig.userStore.delete(rig.accessPass.findUser("alice").orElseThrow().id());
        String unbound = Secrets.newToken();
        rig.tokenStore.saveOneTimeToken(new OneTimeToken(TokenHash.of(unbound), TokenPurpose.RESET_PASSWORD, null,
                rig.clock.instant().plusSeconds(60), null));

        assertThat(code(() -> rig.accessPass.resetPassword(token, NEW_PASSWORD, NEW_PASSWORD, CLIENT)))
                .isEqualTo(ErrorCode.INVALID_GRANT);
        assertThat(code(() -> rig.accessPass.resetPassword(unbound, NEW_PASSWORD, NEW_PASSWORD, CLIENT)))
                .isEqualTo(ErrorCode.INVALID_GRANT);
    }

    @Test
    void sr38_aPasswordRefusedForTheAccountLeavesTheTokenWorking() {
        rig = SpecRig.start();
        rig.register("alicelongname");
        String token = rig.resetToken("alicelongname", Duration.ofHours(1));

        AccessPassException refused = failure(() -> rig.accessPass.resetPassword(token, "AliceLongName",
                "AliceLongName", CLIENT));
        assertThat(refused.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
        assertThat(refused.fieldErrors()).containsOnlyKeys("password");
        assertThat(failure(() -> rig.accessPass.resetPassword(token, "alicelongname@example.org",
                "alicelongname@example.org", CLIENT)).code()).isEqualTo(ErrorCode.VALIDATION_FAILED);

        rig.accessPass.resetPassword(token, NEW_PASSWORD, NEW_PASSWORD, CLIENT);
        assertThat(rig.accessPass.login("alicelongname", NEW_PASSWORD, CLIENT)).isNotNull();
    }

    @Test
    void sr38_aPasswordRefusedByThePolicyDoesNotUseUpTheToken() {
        rig = SpecRig.start();
        rig.register("alice");
        String token = rig.resetToken("alice", Duration.ofHours(1));

        assertThat(code(() -> rig.accessPass.resetPassword(token, NEW_PASSWORD, "mismatch", CLIENT)))
                .isEqualTo(ErrorCode.VALIDATION_FAILED);

        assertThat(rig.oneTimeTokenLives(token, TokenPurpose.RESET_PASSWORD)).isTrue();
    }

    @Test
    void sr12_resetClearsTheAccountsFailedLoginCounter() {
        rig = SpecRig.start(config -> config.loginMaxAttempts(2));
        rig.register("alice");
        failure(() -> rig.accessPass.login("alice", "wrong password!", "198.51.100.1"));
        failure(() -> rig.accessPass.login("alice", "wrong password!", "198.51.100.2"));
        assertThat(code(() -> rig.accessPass.login("alice", PASSWORD, "198.51.100.3")))
                .isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        String token = rig.resetToken("alice", Duration.ofHours(1));

        rig.accessPass.resetPassword(token, NEW_PASSWORD, NEW_PASSWORD, CLIENT);

        assertThat(rig.accessPass.login("alice", NEW_PASSWORD, "198.51.100.4").user().username())
                .isEqualTo("alice");
    }

    // ---- change ----

    @Test
    void sr11_changeKeepsTheCallingSessionAndEndsEveryOtherOne() {
        rig = SpecRig.start();
        TokenResponse current = rig.register("alice");
        TokenResponse other = rig.login("alice");
        String reset = rig.resetToken("alice", Duration.ofHours(1));
        Authentication auth = rig.auth(current);

        rig.accessPass.changePassword(auth, PASSWORD, NEW_PASSWORD, NEW_PASSWORD, CLIENT);

        assertThat(rig.accessPass.authenticate(current.accessToken())).isPresent();
        assertThat(rig.accessPass.authenticate(other.accessToken())).isEmpty();
        assertThat(rig.oneTimeTokenLives(reset, TokenPurpose.RESET_PASSWORD)).isFalse();
        assertThat(code(() -> rig.login("alice"))).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(rig.accessPass.login("alice", NEW_PASSWORD, CLIENT)).isNotNull();
        assertThat(rig.hooks.events).filteredOn(e -> e.type() == SecurityEvent.Type.PASSWORD_CHANGED)
                .singleElement().satisfies(e -> {
                    assertThat(e.details()).containsEntry("sessions_revoked", "1");
                    assertThat(e.session()).isEqualTo(auth.sessionId());
                });
        assertThat(rig.hooks.calls(PasswordChangeEvent.class)).singleElement()
                .satisfies(e -> assertThat(e.sessionId()).isEqualTo(auth.sessionId()));
    }

    @Test
    void sr12_sr84_changeMailsANotice() {
        rig = SpecRig.start();
        TokenResponse current = rig.register("alice");

        rig.accessPass.changePassword(rig.auth(current), PASSWORD, NEW_PASSWORD, NEW_PASSWORD, CLIENT);
        rig.close();

        assertThat(noticesTo("alice@example.org")).singleElement()
                .satisfies(mail -> assertThat(mail.message().text()).doesNotContain(NEW_PASSWORD));
    }

    @Test
    void sr11_aWrongCurrentPasswordChangesNothingAndIsThrottled() {
        rig = SpecRig.start(config -> config.loginMaxAttempts(2));
        TokenResponse current = rig.register("alice");
        TokenResponse other = rig.login("alice");
        Authentication auth = rig.auth(current);
        String hash = rig.user("alice").passwordHash();

        for (int i = 0; i < 2; i++) {
            assertThat(code(() -> rig.accessPass.changePassword(auth, "wrong password!", NEW_PASSWORD,
                    NEW_PASSWORD, CLIENT))).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        AccessPassException throttled = failure(() -> rig.accessPass.changePassword(auth, PASSWORD, NEW_PASSWORD,
                NEW_PASSWORD, CLIENT));

        assertThat(throttled.code()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThat(rig.user("alice").passwordHash()).isEqualTo(hash);
        assertThat(rig.accessPass.authenticate(other.accessToken())).isPresent();
        assertThat(rig.hooks.events).filteredOn(e -> e.type() == SecurityEvent.Type.LOGIN_FAILED)
                .hasSize(2).allSatisfy(e -> assertThat(e.details()).containsEntry("flow", "password_change"));
        assertThat(rig.hooks.events).filteredOn(e -> e.type() == SecurityEvent.Type.LOGIN_THROTTLED)
                .singleElement().satisfies(e -> assertThat(e.session()).isEqualTo(auth.sessionId()));
        assertThat(code(() -> rig.accessPass.login("alice", PASSWORD, "198.51.100.7")))
                .as("the change counts against the account's shared counter: the login is refused unverified")
                .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void sr29_aSuccessfulChangeClearsTheAccountsCounter() {
        rig = SpecRig.start(config -> config.loginMaxAttempts(2));
        TokenResponse current = rig.register("alice");
        Authentication auth = rig.auth(current);
        failure(() -> rig.accessPass.changePassword(auth, "wrong password!", NEW_PASSWORD, NEW_PASSWORD,
                "198.51.100.1"));

        rig.accessPass.changePassword(auth, PASSWORD, NEW_PASSWORD, NEW_PASSWORD, "198.51.100.2");
        failure(() -> rig.accessPass.login("alice", "wrong password!", "198.51.100.3"));

        assertThat(rig.accessPass.login("alice", NEW_PASSWORD, "198.51.100.4")).isNotNull();
    }

    @Test
    void sr27_changeAppliesTheOnePolicyWithTheAccountsContext() {
        rig = SpecRig.start();
        TokenResponse current = rig.register("alicelongname");
        Authentication auth = rig.auth(current);

        AccessPassException refused = failure(() -> rig.accessPass.changePassword(auth, null, "AliceLongName",
                "AliceLongName", CLIENT));
        assertThat(refused.fieldErrors()).containsOnlyKeys("current_password", "password");
        assertThat(failure(() -> rig.accessPass.changePassword(auth, "", "password1", "password1", CLIENT))
                .fieldErrors()).containsOnlyKeys("current_password", "password");
        assertThat(failure(() -> rig.accessPass.changePassword(auth, PASSWORD, "alicelongname@example.org",
                "alicelongname@example.org", CLIENT)).fieldErrors()).containsOnlyKeys("password");
        assertThat(rig.hasher.allVerifies()).as("no verify for a refused request").isZero();
    }

    @Test
    void sr25_changeAndResetRefuseTheEmailsLocalPart() {
        rig = SpecRig.start();
        TokenResponse current = rig.accessPass.register("bob", "bob.builder.long@example.org", PASSWORD, PASSWORD,
                CLIENT).orElseThrow();
        Authentication auth = rig.auth(current);
        String token = rig.resetToken("bob", Duration.ofHours(1));

        assertThat(failure(() -> rig.accessPass.changePassword(auth, PASSWORD, "Bob.Builder.Long",
                "Bob.Builder.Long", CLIENT)).fieldErrors()).containsOnlyKeys("password");
        assertThat(failure(() -> rig.accessPass.resetPassword(token, "Bob.Builder.Long", "Bob.Builder.Long",
                CLIENT)).fieldErrors()).containsOnlyKeys("password");
        assertThat(rig.oneTimeTokenLives(token, TokenPurpose.RESET_PASSWORD)).isTrue();
    }

    @Test
    void changeForAUserThatIsGoneIsAnInvalidToken() {
        rig = SpecRig.start();
        TokenResponse current = rig.register("alice");
        Authentication auth = rig.auth(current);
        rig.userStore.delete(current.user().id());

        assertThat(code(() -> rig.accessPass.changePassword(auth, PASSWORD, NEW_PASSWORD, NEW_PASSWORD, CLIENT)))
                .isEqualTo(ErrorCode.INVALID_TOKEN);
    }

    @Test
    void anAccountWithoutPasswordCannotChangeOneByGuessing() {
        rig = SpecRig.start();
        var user = rig.userStore.create(new NewUser("oauthonly", "oauthonly@example.org", true, null, Set.of(),
                rig.clock.instant()));
        Authentication auth = rig.auth(rig.accessPass.openSession(user.id(), java.util.Map.of()));

        assertThat(code(() -> rig.accessPass.changePassword(auth, "any guess at all", NEW_PASSWORD, NEW_PASSWORD,
                CLIENT))).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(rig.userStore.findById(user.id()).orElseThrow().passwordHash()).isNull();
    }

    private List<SentMail> noticesTo(String address) {
        return rig.accessPass.outbox().orElseThrow().stream()
                .filter(mail -> mail.message().to().equals(address))
                .filter(mail -> mail.message().kind().equals("password_changed"))
                .toList();
    }
}
