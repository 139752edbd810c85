package dev.accesspass;

import static dev.accesspass.SpecRig.code;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accesspass.event.SecurityEvent;
import dev.accesspass.store.TokenStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Introspection (RFC 7662), revocation (RFC 7009) and the gateway view of a token, through the public API: the
 * client check, what an active token shows, that anything else is inactive, and that revocation ends sessions and
 * nothing else.
 */
class GatewaySpecTest {
    private static final String SECRET = "s3cret-of-the-gateway";
    private static final String CLIENTS = "gateway:" + SECRET + ",billing:another-long-secret:with-colon";

    private static SpecRig rig() {
        return SpecRig.start(config -> config.introspectionClients(CLIENTS));
    }

    // ------------------------------------------------------------------------------------- client authentication

    @Test
    void sr82_configuredClientsAuthenticateAndEveryMismatchIsInvalidClient() {
        try (SpecRig rig = rig()) {
            AccessPass ap = rig.accessPass;
            assertThat(ap.authenticateIntrospectionClient("gateway", SECRET, SpecRig.CLIENT)).isEqualTo("gateway");
            // The secret is everything after the first colon.
            assertThat(ap.authenticateIntrospectionClient("billing", "another-long-secret:with-colon",
                    SpecRig.CLIENT)).isEqualTo("billing");

            int address = 100;
            for (String[] wrong : new String[][] {{"gateway", SECRET + "x"}, {"gateway", "another-long-secret:with-colon"},
                    {"nobody", SECRET}, {"GATEWAY", SECRET}, {"gateway", ""}, {null, null}, {"gateway", null},
                    {null, SECRET}}) {
                // One address each: the per-address throttle is a test of its own.
                String from = "192.0.2." + address++;
                assertThat(code(() -> ap.authenticateIntrospectionClient(wrong[0], wrong[1], from)))
                        .as("%s / %s", wrong[0], wrong[1]).isEqualTo(ErrorCode.INVALID_CLIENT);
            }
        }
    }

    @Test
    void withoutClientsTheRouteDoesNotExist() {
        try (SpecRig rig = SpecRig.start()) {
            assertThat(rig.accessPass.config().introspectionEnabled()).isFalse();
            assertThat(code(() -> rig.accessPass.authenticateIntrospectionClient("gateway", SECRET, SpecRig.CLIENT)))
                    .isEqualTo(ErrorCode.NOT_FOUND);
        }
    }

    @Test
    void sr28_failedClientAuthenticationsAreThrottledPerAddressAndApartFromLogins() {
        try (SpecRig rig = SpecRig.start(config -> config.introspectionClients(CLIENTS).loginAddressMaxAttempts(3))) {
            AccessPass ap = rig.accessPass;
            rig.register("alice");
            for (int i = 0; i < 3; i++) {
                assertThat(code(() -> ap.authenticateIntrospectionClient("gateway", "wrong-secret-123456", "192.0.2.7")))
                        .isEqualTo(ErrorCode.INVALID_CLIENT);
            }
            // Now even the right secret is refused from that address, with a delay to wait …
            AccessPassException throttled = SpecRig.failure(
                    () -> ap.authenticateIntrospectionClient("gateway", SECRET, "192.0.2.7"));
            assertThat(throttled.code()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
            assertThat(throttled.retryAfter()).isPresent();
            // … while another address, and logins from the same address, are untouched.
            assertThat(ap.authenticateIntrospectionClient("gateway", SECRET, "192.0.2.8")).isEqualTo("gateway");
            assertThat(ap.login("alice", SpecRig.PASSWORD, "192.0.2.7").accessToken()).isNotNull();

            rig.clock.advance(rig.accessPass.config().loginWindow().plusSeconds(1));
            assertThat(ap.authenticateIntrospectionClient("gateway", SECRET, "192.0.2.7")).isEqualTo("gateway");
        }
    }

    // ------------------------------------------------------------------------------------------- introspection

    @Test
    void sr82_aLiveAccessTokenShowsItsUserSessionAndTimes() {
        try (SpecRig rig = rig()) {
            TokenResponse tokens = rig.register("alice");
            rig.accessPass.grantRole(rig.user("alice").id(), "admin");
            java.time.Instant issued = rig.clock.instant();
            rig.clock.advance(Duration.ofSeconds(30));

            TokenIntrospection view = rig.accessPass.introspect(tokens.accessToken()).orElseThrow();

            Authentication auth = rig.auth(tokens);
            assertThat(view.sub()).isEqualTo(rig.user("alice").id());
            assertThat(view.username()).isEqualTo("alice");
            assertThat(view.roles()).contains("admin");
            assertThat(view.sessionId()).isEqualTo(auth.sessionId().value());
            assertThat(view.expiresAt()).isEqualTo(auth.expiresAt());
            assertThat(view.issuedAt().getEpochSecond()).isEqualTo(issued.getEpochSecond());
            assertThat(view.authTime().getEpochSecond()).isEqualTo(issued.getEpochSecond());
            assertThat(view.amr()).containsExactly("pwd");
            assertThat(view.aal()).isEqualTo(1);
            // The session's own authentication facts, the same as /check shows.
            assertThat(view.amr()).isEqualTo(auth.amr());
            assertThat(view.authTime()).isEqualTo(auth.authTime());
            assertThat(view.aal()).isEqualTo(auth.aal());
            assertThat(rig.accessPass.introspection(auth)).isEqualTo(view);
        }
    }

    @Test
    void sr82_anythingButALiveAccessTokenIsInactive() {
        try (SpecRig rig = rig()) {
            TokenResponse tokens = rig.register("alice");
            TokenResponse rotatedAway = rig.login("alice");
            rig.accessPass.refresh(rotatedAway.refreshToken());
            TokenResponse loggedOut = rig.login("alice");
            rig.accessPass.logout(rig.auth(loggedOut));

            for (String token : List.of(tokens.refreshToken(), loggedOut.accessToken(), Secrets.newToken(), "",
                    "not a token", tokens.accessToken() + "x")) {
                assertThat(rig.accessPass.introspect(token)).as(token).isEmpty();
            }
            assertThat(rig.accessPass.introspect(null)).isEmpty();
            rig.clock.advance(rig.accessPass.config().accessTokenTtl());
            assertThat(rig.accessPass.introspect(tokens.accessToken())).as("expired").isEmpty();
        }
    }

    @Test
    void introspectionNeverExtendsOrTouchesTheToken() {
        try (SpecRig rig = rig()) {
            TokenResponse tokens = rig.register("alice");
            Authentication before = rig.auth(tokens);
            for (int i = 0; i < 5; i++) {
                rig.clock.advance(Duration.ofSeconds(10));
                rig.accessPass.introspect(tokens.accessToken()).orElseThrow();
            }
            assertThat(rig.auth(tokens).expiresAt()).isEqualTo(before.expiresAt());
            // The refresh token is still the live one: introspection rotated nothing.
            assertThat(rig.accessPass.refresh(tokens.refreshToken()).accessToken()).isNotNull();
        }
    }

    // ---------------------------------------------------------------------------------------------- revocation

    @Test
    void sr09_revokingTheAccessTokenEndsTheWholeSession() {
        try (SpecRig rig = rig()) {
            TokenResponse tokens = rig.register("alice");
            TokenResponse other = rig.login("alice");

            assertThat(rig.accessPass.revokeToken(tokens.accessToken(), null)).isTrue();

            assertThat(rig.accessPass.authenticate(tokens.accessToken())).isEmpty();
            assertThat(code(() -> rig.accessPass.refresh(tokens.refreshToken()))).isEqualTo(ErrorCode.INVALID_GRANT);
            assertThat(rig.accessPass.authenticate(other.accessToken())).as("another session").isPresent();
            SecurityEvent event = rig.hooks.events.stream()
                    .filter(e -> e.type() == SecurityEvent.Type.SESSION_REVOKED).findFirst().orElseThrow();
            assertThat(event.user()).isEqualTo(rig.user("alice").id());
            assertThat(event.details()).containsEntry("via", "revocation");
        }
    }

    @Test
    void sr09_revokingTheRefreshTokenEndsTheWholeSessionWhateverTheHint() {
        for (String hint : new String[] {null, "refresh_token", "access_token", "something_else"}) {
            try (SpecRig rig = rig()) {
                TokenResponse tokens = rig.register("alice");

                assertThat(rig.accessPass.revokeToken(tokens.refreshToken(), hint)).as("hint %s", hint).isTrue();

                assertThat(rig.accessPass.authenticate(tokens.accessToken())).as("hint %s", hint).isEmpty();
                assertThat(code(() -> rig.accessPass.refresh(tokens.refreshToken()))).isEqualTo(ErrorCode.INVALID_GRANT);
            }
        }
        try (SpecRig rig = rig()) {
            TokenResponse tokens = rig.register("alice");
            assertThat(rig.accessPass.revokeToken(tokens.accessToken(), "refresh_token")).as("a wrong hint").isTrue();
            assertThat(rig.accessPass.authenticate(tokens.accessToken())).isEmpty();
        }
    }

    @Test
    void sr09_unknownEmptyOrUsedTokensChangeNothing() {
        try (SpecRig rig = rig()) {
            TokenResponse tokens = rig.register("alice");
            TokenResponse rotatedFrom = rig.login("alice");
            TokenResponse rotated = rig.accessPass.refresh(rotatedFrom.refreshToken());
            int eventsBefore = rig.hooks.events.size();

            for (String token : java.util.Arrays.asList(null, "", "nonsense", Secrets.newToken(),
                    rotatedFrom.refreshToken())) {
                assertThat(rig.accessPass.revokeToken(token, null)).as(String.valueOf(token)).isFalse();
            }

            assertThat(rig.accessPass.authenticate(tokens.accessToken())).isPresent();
            assertThat(rig.accessPass.authenticate(rotated.accessToken()))
                    .as("a used refresh token revokes nothing (RFC 7009 asks only for live tokens)").isPresent();
            assertThat(rig.hooks.events).hasSize(eventsBefore);
        }
    }

    @Test
    void sr17_revocationRacingARefreshOfTheSameTokenNeverLeavesARevokedSessionAlive() throws Exception {
        try (SpecRig rig = rig(); dev.accesspass.testing.Race race = new dev.accesspass.testing.Race(2)) {
            for (int round = 0; round < 200; round++) {
                TokenResponse tokens = rig.login(round == 0 ? rig.register("alice").user().username() : "alice");
                List<Object> outcomes = race.run(i -> i == 0
                        ? () -> rig.accessPass.revokeToken(tokens.refreshToken(), "refresh_token")
                        : () -> {
                            try {
                                return rig.accessPass.refresh(tokens.refreshToken());
                            } catch (AccessPassException e) {
                                return e.code();
                            }
                        });
                boolean revoked = (Boolean) outcomes.get(0);
                if (outcomes.get(1) instanceof TokenResponse successor) {
                    // Either the revocation found the token live and ended the session (the successor dies with
                    // it), or it came after the rotation and found a used token, which changes nothing.
                    assertThat(rig.accessPass.authenticate(successor.accessToken()).isPresent())
                            .as("round %d: successor alive although revoked=%s", round, revoked).isEqualTo(!revoked);
                } else {
                    assertThat(revoked).as("round %d: the refresh lost, so the revocation won", round).isTrue();
                    assertThat(outcomes.get(1)).isEqualTo(ErrorCode.INVALID_GRANT);
                }
                assertThat(rig.accessPass.authenticate(tokens.accessToken()).isPresent()).as("round %d", round)
                        .isEqualTo(!revoked);
            }
        }
    }

    @Test
    void sr05_aStringNotOfOurShapeNeverReachesTheStore() {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        TokenStore counting = new FlakyTokenStore() {
            @Override
            public java.util.Optional<dev.accesspass.store.SessionGrant> findByAccessToken(
                    dev.accesspass.store.TokenHash hash, java.time.Instant now) {
                reads.incrementAndGet();
                return super.findByAccessToken(hash, now);
            }

            @Override
            public java.util.Optional<SessionId> findSessionByRefreshToken(dev.accesspass.store.TokenHash hash,
                                                                           java.time.Instant now) {
                reads.incrementAndGet();
                return super.findSessionByRefreshToken(hash, now);
            }
        };
        try (SpecRig rig = SpecRig.start(config -> config.introspectionClients(CLIENTS), counting)) {
            for (String token : List.of("", "short", "x".repeat(44), "é".repeat(43))) {
                rig.accessPass.revokeToken(token, null);
                rig.accessPass.introspect(token);
            }
            assertThat(reads).hasValue(0);
            rig.accessPass.revokeToken(Secrets.newToken(), null);
            assertThat(reads).as("a well-shaped token is looked up as both kinds").hasValue(2);
        }
    }

    // ------------------------------------------------------------------------------------------- configuration

    @Test
    void theSettingIsMaskedAndCheckedWithoutEchoingSecrets() {
        AccessPassConfig config = AccessPassConfig.builder().introspectionClients(CLIENTS).build();
        assertThat(config.describe()).contains("introspection-clients=****").doesNotContain(SECRET);
        assertThat(AccessPassConfig.builder().set("introspection-clients", "").build().introspectionEnabled())
                .isFalse();

        for (String bad : List.of("gateway", ":" + SECRET, "gateway:short-secret", "a:" + SECRET + ",a:" + SECRET,
                "gateway:" + SECRET + ",", "gate way:" + SECRET, "gateway:" + SECRET.replace('-', ' '))) {
            assertThatThrownBy(() -> AccessPassConfig.builder().set("introspection-clients", bad).build())
                    .as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("introspection-clients: entry")
                    .hasMessageNotContaining("secret-of").hasMessageNotContaining("short-secret");
        }
        assertThat(AccessPassConfig.fromSources(Map.of(), Map.of(),
                Map.of("ACCESSPASS_INTROSPECTION_CLIENTS", CLIENTS)).introspectionEnabled()).isTrue();
    }
}
