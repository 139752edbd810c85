package dev.accesspass;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.event.SecurityEvent;
import dev.accesspass.store.Identity;
import dev.accesspass.store.LiveSession;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.UserRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sessions and devices through the public API (API.md §7 and §9): what a session records, listing and ending
 * sessions of one user only, the re-authentication rule for users without a password, and identity removal.
 */
class SelfServiceSpecTest {
    private SpecRig rig;

    @AfterEach
    void close() {
        rig.close();
    }

    @Test
    void aLoginRecordsWhereAndHowTheSessionWasOpened() {
        rig = SpecRig.start();
        rig.register("alice");
        rig.clock.advance(Duration.ofSeconds(1)); // newest first: the login's session after the registration's

        TokenResponse tokens = rig.accessPass.login("alice", SpecRig.PASSWORD,
                new ClientContext("198.51.100.4", "Agent\u0007/1 " + "z".repeat(300), null));

        Authentication auth = rig.auth(tokens);
        assertThat(auth.amr()).containsExactly("pwd");
        assertThat(auth.aal()).isEqualTo(1);
        LiveSession session = rig.accessPass.sessions(auth.user().id()).get(0);
        assertThat(session.id()).isEqualTo(auth.sessionId());
        assertThat(session.metadata().address()).isEqualTo("198.51.100.4");
        assertThat(session.metadata().userAgent()).startsWith("Agent/1 z").hasSize(256);
        assertThat(session.metadata().method()).isEqualTo("password");
        assertThat(rig.accessPass.sessions(auth.user().id()).get(1).metadata().method()).isEqualTo("register");
        TokenResponse api = rig.accessPass.openSession(auth.user().id(), Map.of());
        assertThat(rig.auth(api).amr()).isEmpty();
    }

    @Test
    void aSessionIdIsNotDerivedFromItsTokensAndOnlyItsOwnerCanEndIt() {
        rig = SpecRig.start();
        TokenResponse alice = rig.register("alice");
        TokenResponse bob = rig.register("bob");
        Authentication aliceAuth = rig.auth(alice);
        Authentication bobAuth = rig.auth(bob);

        assertThat(aliceAuth.sessionId().value()).doesNotContain(alice.accessToken(), alice.refreshToken());
        assertThat(rig.accessPass.revokeSession(bobAuth.user().id(), aliceAuth.sessionId())).isFalse();
        AccessPassException foreign = SpecRig.failure(() -> rig.accessPass.endSession(bobAuth, aliceAuth.sessionId()));
        assertThat(foreign.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(rig.accessPass.authenticate(alice.accessToken())).isPresent();

        rig.accessPass.endSession(aliceAuth, aliceAuth.sessionId());
        assertThat(rig.accessPass.authenticate(alice.accessToken())).isEmpty();
        assertThat(SpecRig.code(() -> rig.accessPass.refresh(alice.refreshToken()))).isEqualTo(ErrorCode.INVALID_GRANT);
        assertThat(rig.hooks.events).anyMatch(e -> e.type() == SecurityEvent.Type.SESSION_REVOKED
                && aliceAuth.sessionId().equals(e.session()));
    }

    @Test
    void logoutOthersKeepsOnlyTheCaller() {
        rig = SpecRig.start();
        TokenResponse first = rig.register("alice");
        TokenResponse second = rig.login("alice");
        TokenResponse third = rig.login("alice");

        assertThat(rig.accessPass.logoutOthers(rig.auth(second))).isEqualTo(2);

        assertThat(rig.accessPass.authenticate(second.accessToken())).isPresent();
        assertThat(rig.accessPass.authenticate(first.accessToken())).isEmpty();
        assertThat(rig.accessPass.authenticate(third.accessToken())).isEmpty();
    }

    private TokenResponse passwordless(String name, String... providers) {
        UserRecord user = rig.userStore.create(new NewUser(name, name + "@example.org", true, null, Set.of(),
                rig.clock.instant()));
        for (String provider : providers) {
            rig.userStore.linkIdentity(user.id(), new Identity(provider, name, Map.of(), rig.clock.instant()));
        }
        return rig.accessPass.openSession(user.id(), Map.of());
    }

    @Test
    void aPasswordlessUserReauthenticatesWithACodeAndTheSensitiveStepsWorkAgain() {
        rig = SpecRig.start(config -> config.reauthMaxAge(Duration.ofSeconds(60)));
        TokenResponse tokens = passwordless("petra", "github");
        Authentication recent = rig.auth(tokens);
        AccessPass.TotpSetup setup = rig.accessPass.setupTotp(recent, null, ClientContext.none());
        rig.accessPass.confirmTotp(recent, Totp.codeAt(setup.secret(), rig.clock.instant()), ClientContext.none());

        rig.clock.advance(Duration.ofSeconds(61));
        Authentication stale = rig.auth(tokens);
        assertThat(SpecRig.failure(() -> rig.accessPass.deleteAccount(stale, null, null)))
                .isInstanceOf(StepUpRequiredException.class);
        assertThat(SpecRig.failure(() -> rig.accessPass.reauthenticate(stale, "a password", null,
                ClientContext.none())).code()).as("no password to give").isEqualTo(ErrorCode.VALIDATION_FAILED);

        AccessPass.Reauthenticated done = rig.accessPass.reauthenticate(stale, null,
                Totp.codeAt(setup.secret(), rig.clock.instant()), ClientContext.none());
        assertThat(done.aal()).isEqualTo(2);
        assertThat(done.amr()).containsExactly("otp", "mfa");
        Authentication fresh = rig.auth(tokens);
        assertThat(fresh.sessionId()).as("the same session, the same tokens").isEqualTo(stale.sessionId());
        assertThat(fresh.authTime()).isEqualTo(done.authTime());
        rig.accessPass.deleteAccount(fresh, null, null);
        assertThat(rig.userStore.findById(fresh.user().id())).isEmpty();
    }

    @Test
    void withoutAPasswordTheSensitiveStepsNeedARecentLogin() {
        rig = SpecRig.start(config -> config.reauthMaxAge(Duration.ofSeconds(60)));
        TokenResponse tokens = passwordless("olga", "github", "google");
        Authentication recent = rig.auth(tokens);

        rig.clock.advance(Duration.ofSeconds(61));
        Authentication stale = rig.auth(tokens);

        for (AccessPassException refused : List.of(
                SpecRig.failure(() -> rig.accessPass.unlinkIdentity(stale, "github", null, ClientContext.none())),
                SpecRig.failure(() -> rig.accessPass.requestEmailChange(stale, null, "o@example.net",
                        ClientContext.none(), null)),
                SpecRig.failure(() -> rig.accessPass.setupTotp(stale, null, ClientContext.none())),
                SpecRig.failure(() -> rig.accessPass.deleteAccount(stale, null, null)))) {
            assertThat(refused).isInstanceOf(StepUpRequiredException.class);
            assertThat(refused.code()).isEqualTo(ErrorCode.STEP_UP_REQUIRED);
            assertThat(((StepUpRequiredException) refused).maxAge()).contains(Duration.ofSeconds(60));
        }
        assertThat(rig.userStore.findById(stale.user().id()).orElseThrow().identities()).hasSize(2);

        rig.clock.advance(Duration.ofSeconds(-61));
        rig.accessPass.unlinkIdentity(recent, "github", null, ClientContext.none());
        assertThat(SpecRig.code(() -> rig.accessPass.unlinkIdentity(recent, "google", null, ClientContext.none())))
                .isEqualTo(ErrorCode.LAST_LOGIN_METHOD);
        assertThat(SpecRig.code(() -> rig.accessPass.unlinkIdentity(recent, "github", null, ClientContext.none())))
                .isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void aWrongPasswordOnASensitiveStepCountsLikeAFailedLogin() {
        rig = SpecRig.start(config -> config.set("login-max-attempts", "2"));
        TokenResponse tokens = rig.register("alice");
        Authentication auth = rig.auth(tokens);

        for (int i = 0; i < 2; i++) {
            assertThat(SpecRig.code(() -> rig.accessPass.requestEmailChange(auth, "wrong password",
                    "a2@example.net", ClientContext.of(SpecRig.CLIENT), null)))
                    .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }

        assertThat(SpecRig.code(() -> rig.accessPass.unlinkIdentity(auth, "github", "wrong", ClientContext.none())))
                .as("no identity: not found before any password check").isEqualTo(ErrorCode.NOT_FOUND);
        // The account's counter is used up: the sensitive step itself is now 429 …
        assertThat(SpecRig.code(() -> rig.accessPass.requestEmailChange(auth, SpecRig.PASSWORD,
                "a2@example.net", ClientContext.of(SpecRig.CLIENT), null))).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        // … and a login without a device cookie is refused like a wrong password, right password or not (the
        // shared counter answers silently, so that a username and an email cannot be paired by their 429s).
        assertThat(SpecRig.code(() -> rig.login("alice"))).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }
}
