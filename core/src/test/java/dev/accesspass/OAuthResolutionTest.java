package dev.accesspass;

import dev.accesspass.event.OAuthLoginEvent;
import dev.accesspass.oauth.OAuthProfile;
import dev.accesspass.oauth.OAuthResolution;
import dev.accesspass.oauth.internal.ProfileMapper;
import dev.accesspass.password.Argon2Parameters;
import dev.accesspass.password.PasswordHasher;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.UserRecord;
import dev.accesspass.testing.MutableClock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** User resolution after a provider login (SR-49), with GitHub- and Google-shaped profiles from canned JSON. */
class OAuthResolutionTest {
    private final List<OAuthLoginEvent> events = new CopyOnWriteArrayList<>();
    private AccessPass accessPass = build(AccessPassConfig.defaults(), null);

    @AfterEach
    void close() {
        accessPass.close();
    }

    private AccessPass build(AccessPassConfig config, dev.accesspass.oauth.OAuthUserResolver resolver) {
        AccessPass.Builder builder = AccessPass.builder(config).clock(MutableClock.startingNow())
                .passwordHasher(PasswordHasher.argon2id(Argon2Parameters.owaspDefault()))
                .hooks(new AuthHooks() {
                    @Override
                    public void afterOAuthLogin(OAuthLoginEvent event) {
                        events.add(event);
                    }
                });
        if (resolver != null) {
            builder.oauthUserResolver(resolver);
        }
        return builder.build();
    }

    private static OAuthProfile github(long id, String login, String email, boolean verified) {
        return ProfileMapper.github("github", ProfileMapper.parse("{\"id\":" + id + ",\"login\":\"" + login + "\"}"),
                new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode().add(ProfileMapper.parse(
                        "{\"email\":\"" + email + "\",\"primary\":true,\"verified\":" + verified + "}")));
    }

    private static OAuthProfile google(String sub, String email, boolean verified) {
        return ProfileMapper.oidc("google", ProfileMapper.parse("{\"sub\":\"" + sub + "\",\"email\":\"" + email
                + "\",\"email_verified\":" + verified + ",\"name\":\"José Müller\"}"));
    }

    private TokenResponse login(OAuthProfile profile) {
        return accessPass.oauthLogins().login(profile, "127.0.0.1");
    }

    private UserRecord register(String username, String email, boolean confirmed) {
        UserRecord user = accessPass.userStore().create(new NewUser(username, email, confirmed,
                PasswordHasher.argon2id(Argon2Parameters.owaspDefault()).hash("Local-Pass-123"), Set.of(),
                accessPass.clock().instant()));
        return user;
    }

    @Test
    void newGithubUserWithVerifiedEmailIsCreatedConfirmedWithoutPassword() {
        TokenResponse tokens = login(github(583231, "octocat", "octo@github.test", true));
        UserRecord user = accessPass.userStore().findById(tokens.user().id()).orElseThrow();
        assertThat(user.username()).isEqualTo("octocat");
        assertThat(user.emailConfirmed()).isTrue();
        assertThat(user.passwordHash()).isNull();
        assertThat(user.identities()).singleElement().satisfies(identity -> {
            assertThat(identity.provider()).isEqualTo("github");
            assertThat(identity.subject()).isEqualTo("583231");
            assertThat(identity.profile()).containsEntry("login", "octocat");
        });
        assertThat(accessPass.authenticate(tokens.accessToken()).orElseThrow().meta()).containsEntry("id", "583231");
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.created()).isTrue();
            assertThat(e.linked()).isFalse();
        });
    }

    @Test
    void sr76_unverifiedGoogleEmailCreatesAUserWithoutAnEmail() {
        TokenResponse tokens = login(google("g-1", "jose@gmail.test", false));
        assertThat(tokens.user().emailConfirmed()).isFalse();
        assertThat(tokens.user().email()).isNull();
        assertThat(tokens.user().username()).isEqualTo("Jose-Muller");
        // The address is not reserved: its real owner can still register it.
        assertThat(accessPass.userStore().findByEmail("jose@gmail.test")).isEmpty();
        assertThat(accessPass.register("jose", "jose@gmail.test", "Real-Owner-Pass-1", "Real-Owner-Pass-1",
                "127.0.0.1", null).orElseThrow().user().email()).isEqualTo("jose@gmail.test");
    }

    @Test
    void returningIdentityLogsInTheSameUser() {
        TokenResponse first = login(github(1, "octocat", "octo@github.test", true));
        TokenResponse second = login(github(1, "renamed", "new@github.test", true));
        assertThat(second.user().id()).isEqualTo(first.user().id());
        assertThat(events.get(1).created()).isFalse();
        assertThat(events.get(1).linked()).isFalse();
    }

    @Test
    void takenUsernameGetsASuffix() {
        register("octocat", "someone@else.test", true);
        TokenResponse tokens = login(github(2, "octocat", "octo2@github.test", true));
        assertThat(tokens.user().username()).isEqualTo("octocat-2");
    }

    @Test
    void sr76_verifiedEmailOfAConfirmedAccountWithAPasswordIsNotLinked() {
        UserRecord local = register("owner", "owner@x.test", true);
        assertThatThrownBy(() -> login(google("g-owner", "Owner@x.test", true)))
                .isInstanceOf(AccessPassException.class)
                .satisfies(e -> assertThat(((AccessPassException) e).code()).isEqualTo(ErrorCode.ACCOUNT_EXISTS));
        UserRecord after = accessPass.userStore().findById(local.id()).orElseThrow();
        assertThat(after.identities()).isEmpty();
        assertThat(accessPass.userStore().findByIdentity("google", "g-owner")).isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void verifiedEmailLinksToAConfirmedAccountWithoutAPassword_SR49() {
        UserRecord local = accessPass.userStore().create(new NewUser("owner", "owner@x.test", true, null, Set.of(),
                accessPass.clock().instant()));
        TokenResponse tokens = login(google("g-owner", "Owner@x.test", true));
        assertThat(tokens.user().id()).isEqualTo(local.id());
        assertThat(accessPass.userStore().findById(local.id()).orElseThrow().identities()).hasSize(1);
        assertThat(events).singleElement().satisfies(e -> assertThat(e.linked()).isTrue());
    }

    @Test
    void sr76_aResolverCannotLinkIntoAPasswordAccountEither() {
        accessPass.close();
        accessPass = build(AccessPassConfig.defaults(), (profile, users) -> OAuthResolution.link(
                users.findByEmail("owner@x.test").orElseThrow().id()));
        UserRecord local = register("owner", "owner@x.test", true);
        assertThatThrownBy(() -> login(google("g-x", "other@x.test", true)))
                .satisfies(e -> assertThat(((AccessPassException) e).code()).isEqualTo(ErrorCode.ACCOUNT_EXISTS));
        assertThat(accessPass.userStore().findById(local.id()).orElseThrow().identities()).isEmpty();
    }

    @Test
    void verifiedEmailTakesOverUnconfirmedLocalAccount_SR49a() {
        UserRecord squatter = register("squatter", "victim@x.test", false);
        TokenResponse squatterSession = accessPass.openSession(squatter.id(), Map.of());
        TokenResponse tokens = login(github(3, "victim", "victim@x.test", true));
        assertThat(tokens.user().id()).isEqualTo(squatter.id());
        UserRecord after = accessPass.userStore().findById(squatter.id()).orElseThrow();
        assertThat(after.passwordHash()).isNull();
        assertThat(after.emailConfirmed()).isTrue();
        assertThat(accessPass.authenticate(squatterSession.accessToken())).isEmpty();
        assertThatThrownBy(() -> accessPass.login("squatter", "Local-Pass-123", "127.0.0.1"))
                .isInstanceOf(AccessPassException.class)
                .satisfies(e -> assertThat(((AccessPassException) e).code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS));
    }

    @Test
    void unverifiedEmailOfAnExistingAccountNeverLinks_SR49b() {
        UserRecord local = register("owner", "owner@x.test", true);
        TokenResponse viaGoogle = login(google("g-evil", "owner@x.test", false));
        TokenResponse viaGithub = login(github(4, "evil", "owner@x.test", false));
        assertThat(viaGoogle.user().id()).isNotEqualTo(local.id());
        assertThat(viaGithub.user().id()).isNotEqualTo(local.id()).isNotEqualTo(viaGoogle.user().id());
        assertThat(viaGoogle.user().email()).isNull();
        assertThat(viaGithub.user().email()).isNull();
        assertThat(accessPass.userStore().findById(local.id()).orElseThrow().identities()).isEmpty();
        assertThat(accessPass.userStore().findByEmail("owner@x.test").orElseThrow().id()).isEqualTo(local.id());
    }

    @Test
    void sr76_preAccountTakeoverThroughAnUnverifiedEmailFails() {
        // The attacker logs in through a provider that did not verify victim@x.test.
        TokenResponse attacker = login(google("g-attacker", "victim@x.test", false));
        assertThat(attacker.user().email()).isNull();
        // The victim registers the address, confirms it and resets the password: the attacker's identity is not
        // on the victim's account, and the attacker's provider login still lands in the attacker's own account.
        TokenResponse victim = accessPass.register("victim", "victim@x.test", "Victim-Pass-123", "Victim-Pass-123",
                "127.0.0.1", null).orElseThrow();
        UserRecord account = accessPass.userStore().findById(victim.user().id()).orElseThrow();
        assertThat(account.identities()).isEmpty();
        TokenResponse again = login(google("g-attacker", "victim@x.test", false));
        assertThat(again.user().id()).isEqualTo(attacker.user().id()).isNotEqualTo(victim.user().id());
    }

    @Test
    void secondProviderWithSameEmailFollowsTheSameRules_SR49c() {
        TokenResponse viaGithub = login(github(5, "dual", "dual@x.test", true));
        TokenResponse viaGoogle = login(google("g-dual", "dual@x.test", true));
        assertThat(viaGoogle.user().id()).isEqualTo(viaGithub.user().id());
        assertThat(accessPass.userStore().findById(viaGithub.user().id()).orElseThrow().identities()).hasSize(2);
        TokenResponse unverified = login(google("g-dual-unverified", "dual@x.test", false));
        assertThat(unverified.user().id()).isNotEqualTo(viaGithub.user().id());
        assertThat(accessPass.userStore().findById(viaGithub.user().id()).orElseThrow().identities()).hasSize(2);
    }

    @Test
    void profileWithoutEmailCreatesAUserWithoutOne() {
        OAuthProfile profile = ProfileMapper.github("github", ProfileMapper.parse("{\"id\":9,\"login\":\"xavier\"}"),
                null);
        TokenResponse tokens = login(profile);
        assertThat(tokens.user().username()).isEqualTo("xavier");
        assertThat(tokens.user().email()).isNull();
        // Mail flows have nowhere to write and say nothing either way.
        accessPass.forgotPassword("xavier", "127.0.0.1", null);
    }

    @Test
    void requireConfirmedEmailRefusesUnverifiedWithoutCreatingAUser() {
        accessPass.close();
        accessPass = build(AccessPassConfig.builder().requireConfirmedEmail(true).build(), null);
        assertThatThrownBy(() -> login(google("g-u", "u@x.test", false)))
                .satisfies(e -> assertThat(((AccessPassException) e).code()).isEqualTo(ErrorCode.EMAIL_NOT_CONFIRMED));
        assertThat(accessPass.findUser("u@x.test")).isEmpty();
    }

    @Test
    void applicationResolverOverridesTheDecision() {
        accessPass.close();
        accessPass = build(AccessPassConfig.defaults(), (profile, users) ->
                profile.email().endsWith("@corp.test") ? OAuthResolution.create("corp-" + profile.subject(),
                        profile.email(), profile.emailVerified()) : OAuthResolution.refuse());
        assertThat(login(google("7", "a@corp.test", true)).user().username()).isEqualTo("corp-7");
        assertOAuthFailed(() -> login(google("8", "a@gmail.test", true)));
        assertThat(accessPass.findUser("a@gmail.test")).isEmpty();
    }

    private static void assertOAuthFailed(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(AccessPassException.class)
                .satisfies(e -> assertThat(((AccessPassException) e).code()).isEqualTo(ErrorCode.OAUTH_FAILED));
    }
}
