package dev.accesspass;

import static dev.accesspass.SpecRig.CLIENT;
import static dev.accesspass.SpecRig.PASSWORD;
import static dev.accesspass.SpecRig.code;
import static dev.accesspass.SpecRig.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.event.AccountDeletedEvent;
import dev.accesspass.event.LoginEvent;
import dev.accesspass.event.RegisterEvent;
import dev.accesspass.event.SecurityEvent;
import dev.accesspass.password.CountingHasher;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.TokenPurpose;
import dev.accesspass.store.UserRecord;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The account flows (register, log in, delete) through the public {@link AccessPass} API: validation before any
 * write, one password verify per attempt, throttling that a correct password cannot skip, rehashing, and deletion
 * that takes every session and one-time token along.
 */
class AccountsSpecTest {
    private SpecRig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    // ---- register ----

    @Test
    void registerCreatesTheUserOpensASessionAndTellsTheHooks() {
        rig = SpecRig.start();

        TokenResponse tokens = rig.register("alice");

        UserRecord stored = rig.user("alice");
        assertThat(stored.email()).isEqualTo("alice@example.org");
        assertThat(stored.emailConfirmed()).isFalse();
        assertThat(rig.hasher.verify(PASSWORD, stored.passwordHash())).isTrue();
        assertThat(rig.auth(tokens).user().id()).isEqualTo(stored.id());
        assertThat(rig.hooks.types()).containsExactly(SecurityEvent.Type.USER_REGISTERED);
        assertThat(rig.hooks.events.get(0).user()).isEqualTo(stored.id());
        assertThat(rig.hooks.calls(RegisterEvent.class)).singleElement()
                .satisfies(e -> assertThat(e.clientAddress()).isEqualTo(CLIENT));
        assertThat(rig.hooks.calls(LoginEvent.class)).singleElement()
                .satisfies(e -> assertThat(e.method()).isEqualTo("register"));
    }

    @Test
    void sr68_refusedRegistrationLeavesNothingBehindAndCostsNoHash() {
        rig = SpecRig.start();

        AccessPassException refused = failure(() -> rig.accessPass.register("x", "not-an-address", "short", "other",
                CLIENT));

        assertThat(refused.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
        assertThat(refused.fieldErrors()).containsOnlyKeys("username", "email", "password", "password_confirmation");
        assertThat(rig.userStore.findByUsername("x")).isEmpty();
        assertThat(rig.hasher.hashes()).isZero();
    }

    @Test
    void sr25_passwordEqualToTheEmailsLocalPartIsRefused() {
        rig = SpecRig.start();

        AccessPassException refused = failure(() -> rig.accessPass.register("alice", "longlocalpart@example.org",
                "LongLocalPart", "LongLocalPart", CLIENT));

        assertThat(refused.fieldErrors()).containsOnlyKeys("password");
        assertThat(rig.userStore.findByUsername("alice")).isEmpty();
    }

    @Test
    void hookValidationAddsErrorsOnlyAfterTheBuiltInRulesPassed() {
        rig = SpecRig.start();
        rig.hooks.validation = (form, errors) -> errors.add("username", "is reserved: " + form.username());

        AccessPassException refused = failure(() -> rig.accessPass.register("admin", "admin@example.org", PASSWORD,
                PASSWORD, CLIENT));
        assertThat(refused.fieldErrors()).containsEntry("username", java.util.List.of("is reserved: admin"));
        assertThat(rig.userStore.findByUsername("admin")).isEmpty();

        AccessPassException builtIn = failure(() -> rig.accessPass.register("admin", "bad", PASSWORD, PASSWORD,
                CLIENT));
        assertThat(builtIn.fieldErrors()).containsOnlyKeys("email");
    }

    @Test
    void takenUsernameOrEmailIsRefusedBeforeAnyHashing() {
        rig = SpecRig.start();
        rig.register("alice");
        rig.hasher.reset();

        assertThat(code(() -> rig.accessPass.register("alice", "other@example.org", PASSWORD, PASSWORD, CLIENT)))
                .isEqualTo(ErrorCode.USERNAME_TAKEN);
        assertThat(code(() -> rig.accessPass.register("bob", "ALICE@example.org", PASSWORD, PASSWORD, CLIENT)))
                .isEqualTo(ErrorCode.EMAIL_TAKEN);
        assertThat(rig.hasher.hashes()).isZero();
        assertThat(rig.userStore.findByUsername("bob")).isEmpty();
    }

    @Test
    void rolesGrantedByTheAfterRegisterHookAreInTheFirstResponse() {
        rig = SpecRig.start();
        rig.hooks.onRegister = event -> rig.hooks.accessPass.grantRole(event.user().id(), "member");

        TokenResponse tokens = rig.register("alice");

        assertThat(tokens.user().roles()).containsExactly("member");
    }

    @Test
    void withRequiredConfirmationRegisterGivesNoTokensYet() {
        rig = SpecRig.start(config -> config.requireConfirmedEmail(true));

        Optional<TokenResponse> tokens = rig.accessPass.register("alice", "alice@example.org", PASSWORD, PASSWORD,
                CLIENT);

        assertThat(tokens).isEmpty();
        assertThat(rig.user("alice").emailConfirmed()).isFalse();
        assertThat(rig.hooks.calls(LoginEvent.class)).isEmpty();
    }

    @Test
    void sr68_whenTheFirstSessionCannotBeOpenedTheNewUserIsRemovedAgain() {
        FlakyTokenStore store = new FlakyTokenStore();
        rig = SpecRig.start(config -> config, store);
        store.failCreateSession = true;

        assertThat(code(() -> rig.register("alice"))).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
        assertThat(rig.userStore.findByUsername("alice")).isEmpty();

        store.failCreateSession = false;
        assertThat(rig.register("alice").user().username()).isEqualTo("alice");
    }

    // ---- login ----

    @Test
    void loginByUsernameOrEmailOpensANewSession() {
        rig = SpecRig.start();
        TokenResponse registered = rig.register("alice");

        TokenResponse byName = rig.login("alice");
        TokenResponse byEmail = rig.accessPass.login("ALICE@example.org", PASSWORD, CLIENT);

        assertThat(rig.auth(byName).sessionId()).isNotEqualTo(rig.auth(registered).sessionId());
        assertThat(rig.auth(byEmail).user().username()).isEqualTo("alice");
        assertThat(rig.hooks.events).filteredOn(e -> e.type() == SecurityEvent.Type.LOGIN_SUCCEEDED).hasSize(2)
                .allSatisfy(e -> {
                    assertThat(e.details()).containsEntry("method", "password");
                    assertThat(e.clientAddress()).isEqualTo(CLIENT);
                });
        assertThat(rig.hooks.calls(LoginEvent.class)).extracting(LoginEvent::method)
                .containsExactly("register", "password", "password");
    }

    @Test
    void loginNeedsBothFields() {
        rig = SpecRig.start();

        AccessPassException refused = failure(() -> rig.accessPass.login("", null, CLIENT));

        assertThat(refused.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
        assertThat(refused.fieldErrors()).containsOnlyKeys("username", "password");
        assertThat(code(() -> rig.accessPass.login(null, "", CLIENT))).isEqualTo(ErrorCode.VALIDATION_FAILED);
        assertThat(rig.hasher.allVerifies()).isZero();
    }

    @Test
    void sr32_sr33_wrongPasswordAndUnknownUserFailAlikeWithExactlyOneVerifyEach() {
        rig = SpecRig.start();
        rig.register("alice");
        rig.hasher.reset();

        AccessPassException wrong = failure(() -> rig.accessPass.login("alice", "wrong password!", CLIENT));
        assertThat(rig.hasher.verifies()).isEqualTo(1);
        assertThat(rig.hasher.dummyVerifies()).isZero();

        AccessPassException unknown = failure(() -> rig.accessPass.login("nobody", "wrong password!", CLIENT));
        assertThat(rig.hasher.verifies()).isEqualTo(1);
        assertThat(rig.hasher.dummyVerifies()).isEqualTo(1);

        assertThat(wrong.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(unknown.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(unknown.getMessage()).isEqualTo(wrong.getMessage());
        assertThat(rig.hooks.events).filteredOn(e -> e.type() == SecurityEvent.Type.LOGIN_FAILED)
                .extracting(SecurityEvent::user).containsExactly(rig.user("alice").id(), null);
    }

    @Test
    void sr33_accountWithoutPasswordCannotLogInWithAnyPasswordAndCostsOneDummyVerify() {
        rig = SpecRig.start();
        rig.userStore.create(new NewUser("oauthonly", "oauthonly@example.org", true, null, Set.of(),
                rig.clock.instant()));

        assertThat(code(() -> rig.accessPass.login("oauthonly", PASSWORD, CLIENT)))
                .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(rig.hasher.dummyVerifies()).isEqualTo(1);
        assertThat(rig.hasher.verifies()).isZero();
    }

    @Test
    void sr28_afterTheMaximumOfFailuresEvenTheCorrectPasswordIsThrottled() {
        rig = SpecRig.start(config -> config.loginMaxAttempts(3).loginWindow(Duration.ofSeconds(600)));
        rig.register("alice");
        for (int i = 0; i < 3; i++) {
            assertThat(code(() -> rig.accessPass.login("alice", "wrong password!", CLIENT)))
                    .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        rig.hasher.reset();

        AccessPassException throttled = failure(() -> rig.login("alice"));

        assertThat(throttled.code()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThat(throttled.retryAfter()).contains(Duration.ofSeconds(600));
        assertThat(rig.hasher.allVerifies()).as("no verify once throttled").isZero();
        assertThat(rig.hooks.events).filteredOn(e -> e.type() == SecurityEvent.Type.LOGIN_THROTTLED)
                .singleElement().satisfies(e -> {
                    assertThat(e.user()).isEqualTo(rig.user("alice").id());
                    assertThat(e.details()).containsEntry("identifier", "alice");
                });

        rig.clock.advance(Duration.ofSeconds(600));
        assertThat(rig.login("alice").user().username()).isEqualTo("alice");
    }

    @Test
    void sr29_usernameAndEmailShareOneCounterPerAccountWithoutShowingThatTheyPair() {
        rig = SpecRig.start(config -> config.loginMaxAttempts(2));
        rig.register("alice");

        failure(() -> rig.accessPass.login("alice", "wrong password!", "198.51.100.1"));
        failure(() -> rig.accessPass.login("Alice@Example.org", "wrong password!", "198.51.100.2"));
        int hashes = rig.hasher.allVerifies();
        // The account's guesses are used up: even the right password is refused, as a wrong one would be, and
        // after the same (dummy) work; a 429 here would tell that "alice" and this email are one account.
        assertThat(code(() -> rig.accessPass.login("alice", PASSWORD, "198.51.100.3")))
                .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(rig.hasher.allVerifies()).isEqualTo(hashes + 1);

        rig.clock.advance(Duration.ofSeconds(900));
        assertThat(rig.login("alice").user().username()).isEqualTo("alice");
    }

    @Test
    void sr29_unknownNamesAreCountedToo() {
        rig = SpecRig.start(config -> config.loginMaxAttempts(2));

        assertThat(code(() -> rig.accessPass.login("ghost", "wrong password!", "198.51.100.1")))
                .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(code(() -> rig.accessPass.login("GHOST", "wrong password!", "198.51.100.2")))
                .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(code(() -> rig.accessPass.login("ghost", "wrong password!", "198.51.100.3")))
                .isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThat(rig.hooks.events).filteredOn(e -> e.type() == SecurityEvent.Type.LOGIN_THROTTLED)
                .singleElement().satisfies(e -> assertThat(e.user()).isNull());

        assertThat(code(() -> rig.accessPass.login("ghost@example.org", "wrong password!", "198.51.100.4")))
                .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(code(() -> rig.accessPass.login("Ghost@Example.org", "wrong password!", "198.51.100.5")))
                .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(code(() -> rig.accessPass.login("ghost@example.org", "wrong password!", "198.51.100.6")))
                .isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
    }

    @Test
    void sr29_spellingsOfOneUsernameShareOneCounter() {
        rig = SpecRig.start(config -> config.loginMaxAttempts(2));

        failure(() -> rig.accessPass.login("ghost", "wrong password!", "198.51.100.1"));
        failure(() -> rig.accessPass.login("\uFF27\uFF28\uFF2F\uFF33\uFF34", "wrong password!", "198.51.100.2"));

        // Full-width GHOST is the same account name as ghost, so it must not buy a guesser more attempts.
        assertThat(code(() -> rig.accessPass.login("Ghost", "wrong password!", "198.51.100.3")))
                .isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
    }

    @Test
    void sr29_oneClientAddressIsThrottledAcrossAccounts() {
        rig = SpecRig.start(config -> config.loginMaxAttempts(2).loginAddressMaxAttempts(2));
        rig.register("alice");
        rig.register("bob");

        failure(() -> rig.accessPass.login("nobody1", "wrong password!", CLIENT));
        failure(() -> rig.accessPass.login("nobody2", "wrong password!", CLIENT));

        assertThat(code(() -> rig.accessPass.login("alice", PASSWORD, CLIENT)))
                .isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThat(rig.accessPass.login("bob", PASSWORD, "198.51.100.9").user().username()).isEqualTo("bob");
    }

    @Test
    void sr29_aSuccessfulLoginClearsTheAccountsCounter() {
        rig = SpecRig.start(config -> config.loginMaxAttempts(3));
        rig.register("alice");
        failure(() -> rig.accessPass.login("alice", "wrong password!", "198.51.100.1"));
        failure(() -> rig.accessPass.login("alice", "wrong password!", "198.51.100.2"));

        rig.accessPass.login("alice", PASSWORD, "198.51.100.3");
        failure(() -> rig.accessPass.login("alice", "wrong password!", "198.51.100.4"));

        assertThat(rig.accessPass.login("alice", PASSWORD, "198.51.100.5").user().username()).isEqualTo("alice");
    }

    @Test
    void sr20_aWeakerStoredHashIsReplacedAtTheNextLogin() {
        rig = SpecRig.start();
        rig.register("alice");
        String weak = rig.user("alice").passwordHash();
        rig.login("alice");
        assertThat(rig.user("alice").passwordHash()).as("same parameters: kept").isEqualTo(weak);

        try (SpecRig stronger = rig.sibling(CountingHasher.withMemory(2048))) {
            stronger.login("alice");
            String upgraded = rig.user("alice").passwordHash();
            assertThat(upgraded).isNotEqualTo(weak).contains("m=2048");
            assertThat(stronger.hasher.hashes()).isEqualTo(1);
            assertThat(stronger.hasher.verify(PASSWORD, upgraded)).isTrue();
        }
    }

    @Test
    void sr20_aWrongPasswordNeverTriggersARehash() {
        rig = SpecRig.start();
        rig.register("alice");
        String weak = rig.user("alice").passwordHash();

        try (SpecRig stronger = rig.sibling(CountingHasher.withMemory(2048))) {
            failure(() -> stronger.accessPass.login("alice", "wrong password!", CLIENT));
            assertThat(rig.user("alice").passwordHash()).isEqualTo(weak);
            assertThat(stronger.hasher.hashes()).isZero();
        }
    }

    @Test
    void sr32_unconfirmedEmailIsOnlyRevealedAfterTheCorrectPassword() {
        rig = SpecRig.start(config -> config.requireConfirmedEmail(true));
        rig.accessPass.register("alice", "alice@example.org", PASSWORD, PASSWORD, CLIENT);

        assertThat(code(() -> rig.accessPass.login("alice", "wrong password!", CLIENT)))
                .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(code(() -> rig.login("alice"))).isEqualTo(ErrorCode.EMAIL_NOT_CONFIRMED);
        assertThat(rig.hooks.types()).doesNotContain(SecurityEvent.Type.LOGIN_SUCCEEDED);

        rig.userStore.setEmailConfirmed(rig.user("alice").id(), true);
        assertThat(rig.login("alice").user().emailConfirmed()).isTrue();
    }

    @Test
    void findUserLooksUpByUsernameOrEmail() {
        rig = SpecRig.start();
        rig.register("alice");

        assertThat(rig.accessPass.findUser("alice")).map(User::username).contains("alice");
        assertThat(rig.accessPass.findUser("alice@example.org")).map(User::username).contains("alice");
        assertThat(rig.accessPass.findUser("alice@example.com")).isEmpty();
    }

    // ---- delete ----

    @Test
    void sr13_deletingTheAccountTakesEverySessionAndOneTimeTokenAlong() {
        rig = SpecRig.start();
        TokenResponse first = rig.register("alice");
        TokenResponse second = rig.login("alice");
        UserId id = first.user().id();
        String reset = rig.resetToken("alice", Duration.ofHours(1));
        String confirm = rig.oneTimeToken("alice", TokenPurpose.CONFIRM_EMAIL, Duration.ofHours(1));

        rig.accessPass.deleteAccount(rig.auth(first), PASSWORD, CLIENT);

        assertThat(rig.userStore.findById(id)).isEmpty();
        assertThat(rig.accessPass.authenticate(first.accessToken())).isEmpty();
        assertThat(rig.accessPass.authenticate(second.accessToken())).isEmpty();
        assertThat(rig.oneTimeTokenLives(reset, TokenPurpose.RESET_PASSWORD)).isFalse();
        assertThat(rig.oneTimeTokenLives(confirm, TokenPurpose.CONFIRM_EMAIL)).isFalse();
        assertThat(rig.hooks.types()).contains(SecurityEvent.Type.ACCOUNT_DELETED);
        assertThat(rig.hooks.calls(AccountDeletedEvent.class)).singleElement()
                .satisfies(e -> assertThat(e.user().id()).isEqualTo(id));
    }

    @Test
    void sr11_deletingTheAccountNeedsTheRightPasswordUnderTheThrottle() {
        rig = SpecRig.start(config -> config.loginMaxAttempts(2));
        TokenResponse tokens = rig.register("alice");
        Authentication auth = rig.auth(tokens);

        assertThat(failure(() -> rig.accessPass.deleteAccount(auth, "", CLIENT)).fieldErrors())
                .containsOnlyKeys("password");
        assertThat(code(() -> rig.accessPass.deleteAccount(auth, null, CLIENT)))
                .isEqualTo(ErrorCode.VALIDATION_FAILED);
        assertThat(code(() -> rig.accessPass.deleteAccount(auth, "wrong password!", CLIENT)))
                .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(code(() -> rig.accessPass.deleteAccount(auth, "wrong password!", CLIENT)))
                .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        assertThat(code(() -> rig.accessPass.deleteAccount(auth, PASSWORD, CLIENT)))
                .isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);

        assertThat(rig.userStore.findById(tokens.user().id())).isPresent();
        assertThat(rig.accessPass.authenticate(tokens.accessToken())).isPresent();
        assertThat(rig.hooks.types()).doesNotContain(SecurityEvent.Type.ACCOUNT_DELETED);
    }

    @Test
    void anAccountWithoutPasswordIsDeletedWithoutOne() {
        rig = SpecRig.start();
        UserRecord user = rig.userStore.create(new NewUser("oauthonly", "oauthonly@example.org", true, null,
                Set.of(), rig.clock.instant()));
        TokenResponse tokens = rig.accessPass.openSession(user.id(), java.util.Map.of());

        rig.accessPass.deleteAccount(rig.auth(tokens), null, CLIENT);

        assertThat(rig.userStore.findById(user.id())).isEmpty();
        assertThat(rig.hasher.allVerifies()).isZero();
    }

    @Test
    void deletingAnAccountThatIsAlreadyGoneIsAnInvalidToken() {
        rig = SpecRig.start();
        TokenResponse tokens = rig.register("alice");
        Authentication auth = rig.auth(tokens);
        assertThat(rig.accessPass.deleteUser(tokens.user().id())).isTrue();

        assertThat(code(() -> rig.accessPass.deleteAccount(auth, PASSWORD, CLIENT)))
                .isEqualTo(ErrorCode.INVALID_TOKEN);
        assertThat(rig.accessPass.deleteUser(tokens.user().id())).isFalse();
        assertThat(rig.hooks.calls(AccountDeletedEvent.class)).hasSize(1);
    }
}
