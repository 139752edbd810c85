package dev.accesspass;

import static dev.accesspass.SpecRig.code;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.event.SecurityEvent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sessions and their tokens, specified through the public {@link AccessPass} API with a moving clock: issue,
 * expiry, the session cap, role and account changes, logout, and the extra fields of a token response.
 * Refresh rotation has its own class, {@link RefreshRotationSpecTest}.
 */
class SessionsSpecTest {
    private SpecRig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void freshPairReportsTheConfiguredLifetimes() {
        rig = SpecRig.start();

        TokenResponse tokens = rig.register("alice");

        assertThat(tokens.expiresIn()).isEqualTo(300);
        assertThat(tokens.refreshExpiresIn()).isEqualTo(2_592_000L);
        assertThat(tokens.tokenType()).isEqualTo("Bearer");
        assertThat(tokens.user().username()).isEqualTo("alice");
        assertThat(tokens.accessToken()).isNotEqualTo(tokens.refreshToken()).hasSize(43);
        assertThat(tokens.refreshToken()).hasSize(43);
        assertThat(tokens.extra()).isEmpty();
    }

    @Test
    void sr06_accessTokenWorksUntilItsTtlAndNotAMomentLonger() {
        rig = SpecRig.start(config -> config.accessTokenTtl(Duration.ofSeconds(120)));
        TokenResponse tokens = rig.register("alice");

        rig.clock.advance(Duration.ofSeconds(119));
        Authentication auth = rig.accessPass.authenticate(tokens.accessToken()).orElseThrow();
        assertThat(auth.user().username()).isEqualTo("alice");
        assertThat(auth.expiresIn(rig.clock.instant())).isEqualTo(1);

        rig.clock.advance(Duration.ofSeconds(1));
        assertThat(rig.accessPass.authenticate(tokens.accessToken())).isEmpty();
    }

    @Test
    void sr04_aRefreshTokenIsNoAccessTokenAndUnknownTokensAuthenticateNoOne() {
        rig = SpecRig.start();
        TokenResponse tokens = rig.register("alice");

        assertThat(rig.accessPass.authenticate(tokens.refreshToken())).isEmpty();
        assertThat(rig.accessPass.authenticate(Secrets.newToken())).isEmpty();
        assertThat(rig.accessPass.authenticate(null)).isEmpty();
    }

    @Test
    void sr07_sessionCapClampsAccessAndRefreshLifetimes() {
        rig = SpecRig.start(config -> config.sessionMaxLifetime(Duration.ofSeconds(100)));
        TokenResponse first = rig.register("alice");
        assertThat(first.expiresIn()).isEqualTo(100);
        assertThat(first.refreshExpiresIn()).isEqualTo(100L);

        rig.clock.advance(Duration.ofSeconds(60));
        TokenResponse second = rig.accessPass.refresh(first.refreshToken());
        assertThat(second.expiresIn()).isEqualTo(40);
        assertThat(second.refreshExpiresIn()).isEqualTo(40L);

        rig.clock.advance(Duration.ofSeconds(40));
        assertThat(rig.accessPass.authenticate(second.accessToken())).isEmpty();
        assertThat(code(() -> rig.accessPass.refresh(second.refreshToken()))).isEqualTo(ErrorCode.INVALID_GRANT);
    }

    @Test
    void sr07_capShorterThanTheAccessTtlOnlyShortensTheAccessToken() {
        rig = SpecRig.start(config -> config.accessTokenTtl(Duration.ofSeconds(300))
                .sessionMaxLifetime(Duration.ofSeconds(3_600)));

        TokenResponse tokens = rig.register("alice");

        assertThat(tokens.expiresIn()).isEqualTo(300);
        assertThat(tokens.refreshExpiresIn()).isEqualTo(3_600L);
    }

    @Test
    void sr07_withoutRefreshTtlTheRefreshTokenLivesAsLongAsTheSession() {
        rig = SpecRig.start(config -> config.refreshTokenTtl(Duration.ZERO));
        assertThat(rig.register("alice").refreshExpiresIn()).isNull();
        rig.close();

        rig = SpecRig.start(config -> config.refreshTokenTtl(Duration.ZERO)
                .sessionMaxLifetime(Duration.ofSeconds(1_000)));
        TokenResponse tokens = rig.register("alice");
        assertThat(tokens.refreshExpiresIn()).isEqualTo(1_000L);

        rig.clock.advance(Duration.ofSeconds(999));
        assertThat(rig.accessPass.refresh(tokens.refreshToken()).refreshExpiresIn()).isEqualTo(1L);
    }

    @Test
    void sr07_refreshTokenExpires() {
        rig = SpecRig.start(config -> config.refreshTokenTtl(Duration.ofSeconds(1_000)));
        TokenResponse tokens = rig.register("alice");

        rig.clock.advance(Duration.ofSeconds(1_000));

        assertThat(code(() -> rig.accessPass.refresh(tokens.refreshToken()))).isEqualTo(ErrorCode.INVALID_GRANT);
    }

    @Test
    void sr13_rolesAreReadFreshOnEveryCheck() {
        rig = SpecRig.start();
        TokenResponse tokens = rig.register("alice");
        UserId id = tokens.user().id();

        rig.accessPass.grantRole(id, "admin");
        assertThat(rig.auth(tokens).user().hasRole("admin")).isTrue();

        rig.accessPass.revokeRole(id, "admin");
        assertThat(rig.auth(tokens).user().hasRole("admin")).isFalse();
    }

    @Test
    void sr13_sr71_aSessionCheckedBeforeSeesEachChangeOnItsVeryNextCheck() {
        rig = SpecRig.start();
        TokenResponse current = rig.register("alice");
        TokenResponse other = rig.login("alice");
        TokenResponse bob = rig.register("bob");
        UserId id = current.user().id();
        // Checked first, so that the memory store holds each session's ready grant when the changes come.
        rig.auth(current);
        rig.auth(other);
        rig.auth(bob);

        rig.accessPass.grantRole(id, "admin");
        assertThat(rig.auth(current).user().hasRole("admin")).isTrue();
        assertThat(rig.auth(other).user().hasRole("admin")).isTrue();
        rig.accessPass.revokeRole(id, "admin");
        assertThat(rig.auth(current).user().hasRole("admin")).isFalse();

        rig.clock.advance(Duration.ofSeconds(30));
        AccessPass.Reauthenticated stepUp =
                rig.accessPass.reauthenticate(rig.auth(current), SpecRig.PASSWORD, null, ClientContext.none());
        assertThat(rig.auth(current).authTime()).isEqualTo(stepUp.authTime()).isAfter(rig.auth(other).authTime());

        // The caller's session moves to the new credential epoch and lives on; the other one ends.
        rig.accessPass.changePassword(rig.auth(current), SpecRig.PASSWORD, "a new and long passphrase",
                "a new and long passphrase", SpecRig.CLIENT);
        assertThat(rig.accessPass.authenticate(other.accessToken())).isEmpty();
        assertThat(rig.accessPass.authenticate(current.accessToken())).isPresent();

        TokenResponse rotated = rig.accessPass.refresh(current.refreshToken());
        assertThat(rig.auth(rotated).expiresAt()).isAfterOrEqualTo(rig.auth(current).expiresAt());
        TokenResponse again = rig.accessPass.refresh(rotated.refreshToken());
        assertThat(rig.accessPass.authenticate(current.accessToken())).as("two rotations back").isEmpty();

        rig.accessPass.logoutAll(rig.auth(again));
        assertThat(rig.accessPass.authenticate(again.accessToken())).isEmpty();
        assertThat(rig.accessPass.authenticate(rotated.accessToken())).isEmpty();

        rig.accessPass.deleteUser(bob.user().id());
        assertThat(rig.accessPass.authenticate(bob.accessToken())).isEmpty();
    }

    @Test
    void sr13_tokensOfAUserRemovedFromTheStoreStopWorkingAtOnce() {
        rig = SpecRig.start();
        TokenResponse tokens = rig.register("alice");

        rig.userStore.delete(tokens.user().id());

        assertThat(rig.accessPass.authenticate(tokens.accessToken())).isEmpty();
    }

    @Test
    void authenticationCarriesTheSessionAndItsMeta() {
        rig = SpecRig.start();
        UserId id = rig.register("alice").user().id();

        TokenResponse opened = rig.accessPass.openSession(id, Map.of("device", "phone"));
        Authentication auth = rig.auth(opened);

        assertThat(auth.meta()).containsExactly(Map.entry("device", "phone"));
        assertThat(auth.sessionCreatedAt()).isEqualTo(rig.clock.instant());
        assertThat(auth.user().id()).isEqualTo(id);
        assertThat(rig.hooks.types()).contains(SecurityEvent.Type.LOGIN_SUCCEEDED);
    }

    @Test
    void sr09_logoutEndsTheSessionAtOnceAndOnlyOnce() {
        rig = SpecRig.start();
        TokenResponse tokens = rig.register("alice");
        TokenResponse other = rig.login("alice");
        Authentication auth = rig.auth(tokens);

        rig.accessPass.logout(auth);
        rig.accessPass.logout(auth);

        assertThat(rig.accessPass.authenticate(tokens.accessToken())).isEmpty();
        assertThat(code(() -> rig.accessPass.refresh(tokens.refreshToken()))).isEqualTo(ErrorCode.INVALID_GRANT);
        assertThat(rig.accessPass.authenticate(other.accessToken())).isPresent();
        assertThat(rig.hooks.types()).containsOnlyOnce(SecurityEvent.Type.SESSION_REVOKED);
        assertThat(rig.hooks.types()).doesNotContain(SecurityEvent.Type.REFRESH_REUSE_DETECTED);
    }

    @Test
    void sr10_logoutAllEndsEverySessionOfTheUser() {
        rig = SpecRig.start();
        TokenResponse first = rig.register("alice");
        TokenResponse second = rig.login("alice");
        TokenResponse bob = rig.register("bob");

        rig.accessPass.logoutAll(rig.auth(first));

        assertThat(rig.accessPass.authenticate(first.accessToken())).isEmpty();
        assertThat(rig.accessPass.authenticate(second.accessToken())).isEmpty();
        assertThat(rig.accessPass.authenticate(bob.accessToken())).isPresent();
        assertThat(rig.hooks.events).filteredOn(e -> e.type() == SecurityEvent.Type.ALL_SESSIONS_REVOKED)
                .singleElement().satisfies(e -> assertThat(e.details()).containsEntry("sessions", "2"));
    }

    @Test
    void sr10_revokeSessionsAndRevokeSessionReportWhatTheyEnded() {
        rig = SpecRig.start();
        TokenResponse first = rig.register("alice");
        rig.login("alice");
        SessionId session = rig.auth(first).sessionId();

        assertThat(rig.accessPass.revokeSession(session)).isTrue();
        assertThat(rig.accessPass.revokeSession(session)).isFalse();
        assertThat(rig.accessPass.revokeSessions(first.user().id())).isEqualTo(1);
        assertThat(rig.accessPass.revokeSessions(first.user().id())).isZero();
    }

    @Test
    void loginResponseHookAddsItsFieldsButCannotOverrideStandardOnes() {
        rig = SpecRig.start();
        rig.hooks.loginResponse = user -> {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("plan", "pro-" + user.username());
            fields.put("access_token", "forged");
            fields.put("expires_in", 1);
            fields.put("empty", null);
            return fields;
        };

        TokenResponse tokens = rig.register("alice");
        TokenResponse refreshed = rig.accessPass.refresh(tokens.refreshToken());

        assertThat(tokens.extra()).containsExactly(Map.entry("plan", "pro-alice"));
        assertThat(tokens.accessToken()).isNotEqualTo("forged");
        assertThat(refreshed.extra()).containsExactly(Map.entry("plan", "pro-alice"));
    }

    @Test
    void failingOrEmptyLoginResponseHookStillAnswersWithTheTokens() {
        rig = SpecRig.start();
        rig.hooks.loginResponse = user -> {
            throw new IllegalStateException("hook broke");
        };
        TokenResponse tokens = rig.register("alice");
        assertThat(tokens.extra()).isEmpty();
        assertThat(rig.accessPass.authenticate(tokens.accessToken())).isPresent();

        rig.hooks.loginResponse = user -> null;
        assertThat(rig.login("alice").extra()).isEmpty();
    }
}
