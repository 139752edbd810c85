package dev.accesspass;

import static dev.accesspass.SpecRig.code;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.event.SecurityEvent;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Refresh rotation (API.md §1 "Refresh rotation"; SR-14 to SR-17) through the public {@link AccessPass} API: every
 * refresh rotates, a repeat inside {@code refresh-grace} gets the very same successor, any other reuse ends the
 * session, and nothing revives a revoked session.
 */
class RefreshRotationSpecTest {
    private SpecRig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void sr14_refreshRotatesBothTokensWithinTheSameSession() {
        rig = SpecRig.start();
        TokenResponse first = rig.register("alice");
        SessionId session = rig.auth(first).sessionId();
        rig.clock.advance(Duration.ofSeconds(100));

        TokenResponse next = rig.accessPass.refresh(first.refreshToken());

        assertThat(next.accessToken()).isNotEqualTo(first.accessToken());
        assertThat(next.refreshToken()).isNotEqualTo(first.refreshToken());
        assertThat(next.expiresIn()).isEqualTo(300);
        assertThat(next.refreshExpiresIn()).isEqualTo(2_592_000L);
        assertThat(next.user().username()).isEqualTo("alice");
        assertThat(rig.auth(next).sessionId()).isEqualTo(session);
        assertThat(rig.accessPass.refresh(next.refreshToken()).refreshToken()).isNotEqualTo(next.refreshToken());
    }

    @Test
    void sr15_repeatInsideTheGraceWindowGetsTheSameSuccessorPair() {
        rig = SpecRig.start(config -> config.refreshGrace(Duration.ofSeconds(10)));
        TokenResponse first = rig.register("alice");

        TokenResponse winner = rig.accessPass.refresh(first.refreshToken());
        rig.clock.advance(Duration.ofSeconds(10));
        TokenResponse repeat = rig.accessPass.refresh(first.refreshToken());

        assertThat(repeat.accessToken()).isEqualTo(winner.accessToken());
        assertThat(repeat.refreshToken()).isEqualTo(winner.refreshToken());
        assertThat(repeat.expiresIn()).isEqualTo(290);
        assertThat(rig.accessPass.authenticate(winner.accessToken())).isPresent();
        assertThat(rig.hooks.types()).doesNotContain(SecurityEvent.Type.REFRESH_REUSE_DETECTED);
    }

    @Test
    void sr15_reuseAfterTheGraceWindowEndsTheSession() {
        rig = SpecRig.start(config -> config.refreshGrace(Duration.ofSeconds(10)));
        TokenResponse first = rig.register("alice");
        SessionId session = rig.auth(first).sessionId();
        TokenResponse next = rig.accessPass.refresh(first.refreshToken());

        rig.clock.advance(Duration.ofMillis(10_001));

        assertThat(code(() -> rig.accessPass.refresh(first.refreshToken()))).isEqualTo(ErrorCode.INVALID_GRANT);
        assertThat(rig.accessPass.authenticate(next.accessToken())).isEmpty();
        assertThat(code(() -> rig.accessPass.refresh(next.refreshToken()))).isEqualTo(ErrorCode.INVALID_GRANT);
        assertThat(rig.accessPass.revokeSession(session)).as("already revoked").isFalse();
        assertThat(rig.hooks.events).filteredOn(e -> e.type() == SecurityEvent.Type.REFRESH_REUSE_DETECTED)
                .singleElement().satisfies(e -> assertThat(e.session()).isEqualTo(session));
    }

    @Test
    void sr15_withoutGraceAnyRepeatEndsTheSession() {
        rig = SpecRig.start(config -> config.refreshGrace(Duration.ZERO));
        TokenResponse first = rig.register("alice");
        TokenResponse next = rig.accessPass.refresh(first.refreshToken());

        assertThat(code(() -> rig.accessPass.refresh(first.refreshToken()))).isEqualTo(ErrorCode.INVALID_GRANT);

        assertThat(rig.accessPass.authenticate(next.accessToken())).isEmpty();
        assertThat(rig.hooks.types()).contains(SecurityEvent.Type.REFRESH_REUSE_DETECTED);
    }

    @Test
    void sr15_repeatOfAnOlderTokenInsideTheGraceWindowStillEndsTheSession() {
        rig = SpecRig.start(config -> config.refreshGrace(Duration.ofSeconds(10)));
        TokenResponse first = rig.register("alice");
        TokenResponse second = rig.accessPass.refresh(first.refreshToken());
        TokenResponse third = rig.accessPass.refresh(second.refreshToken());

        // first's successor (second) is no longer the live pair: re-delivering it would hand out dead tokens.
        assertThat(code(() -> rig.accessPass.refresh(first.refreshToken()))).isEqualTo(ErrorCode.INVALID_GRANT);

        assertThat(rig.accessPass.authenticate(third.accessToken())).isEmpty();
        assertThat(rig.hooks.types()).contains(SecurityEvent.Type.REFRESH_REUSE_DETECTED);
    }

    @Test
    void sr17_refreshCannotReviveALoggedOutSession() {
        rig = SpecRig.start();
        TokenResponse tokens = rig.register("alice");
        rig.accessPass.logout(rig.auth(tokens));

        assertThat(code(() -> rig.accessPass.refresh(tokens.refreshToken()))).isEqualTo(ErrorCode.INVALID_GRANT);

        assertThat(rig.accessPass.authenticate(tokens.accessToken())).isEmpty();
        assertThat(rig.hooks.types()).doesNotContain(SecurityEvent.Type.REFRESH_REUSE_DETECTED);
    }

    @Test
    void sr35_unknownMissingOrMalformedRefreshTokensAreRefused() {
        rig = SpecRig.start();
        rig.register("alice");

        assertThat(code(() -> rig.accessPass.refresh(Secrets.newToken()))).isEqualTo(ErrorCode.INVALID_GRANT);
        assertThat(code(() -> rig.accessPass.refresh("not-a-token"))).isEqualTo(ErrorCode.INVALID_GRANT);
        assertThat(code(() -> rig.accessPass.refresh(""))).isEqualTo(ErrorCode.VALIDATION_FAILED);
        assertThat(code(() -> rig.accessPass.refresh(null))).isEqualTo(ErrorCode.VALIDATION_FAILED);
    }

    @Test
    void sr13_refreshForAUserRemovedMeanwhileIsRefusedAndEndsTheSession() {
        rig = SpecRig.start();
        TokenResponse tokens = rig.register("alice");
        SessionId session = rig.auth(tokens).sessionId();
        rig.userStore.delete(tokens.user().id());

        assertThat(code(() -> rig.accessPass.refresh(tokens.refreshToken()))).isEqualTo(ErrorCode.INVALID_GRANT);

        assertThat(rig.accessPass.revokeSession(session)).as("already revoked").isFalse();
    }
}
