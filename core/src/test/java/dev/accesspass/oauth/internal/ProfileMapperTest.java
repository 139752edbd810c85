package dev.accesspass.oauth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accesspass.oauth.OAuthProfile;
import org.junit.jupiter.api.Test;

class ProfileMapperTest {
    private static final String GITHUB_USER = """
            {"login":"octocat","id":583231,"name":"The Octocat","email":"public@github.test",
             "avatar_url":"https://avatars.githubusercontent.com/u/583231","plan":{"name":"free"}}""";

    @Test
    void githubTakesNumericIdAndPrimaryVerifiedEmailFromUserEmails_SR49() {
        OAuthProfile profile = ProfileMapper.github("github", ProfileMapper.parse(GITHUB_USER), array("""
                [{"email":"other@github.test","primary":false,"verified":true},
                 {"email":"octo@github.test","primary":true,"verified":true}]"""));
        assertThat(profile.subject()).isEqualTo("583231");
        assertThat(profile.email()).isEqualTo("octo@github.test");
        assertThat(profile.emailVerified()).isTrue();
        assertThat(profile.login()).isEqualTo("octocat");
        assertThat(profile.attributes()).containsEntry("login", "octocat").containsEntry("email", "octo@github.test")
                .doesNotContainKey("plan");
    }

    @Test
    void githubPrimaryUnverifiedEmailIsNotVerified() {
        OAuthProfile profile = ProfileMapper.github("github", ProfileMapper.parse(GITHUB_USER), array("""
                [{"email":"octo@github.test","primary":true,"verified":false}]"""));
        assertThat(profile.email()).isEqualTo("octo@github.test");
        assertThat(profile.emailVerified()).isFalse();
    }

    @Test
    void githubPublicProfileEmailIsNeverTrusted() {
        OAuthProfile profile = ProfileMapper.github("github", ProfileMapper.parse(GITHUB_USER), null);
        assertThat(profile.email()).isNull();
        assertThat(profile.emailVerified()).isFalse();
        assertThat(profile.attributes()).doesNotContainKey("email");
    }

    @Test
    void githubWithoutNumericIdIsRejected() {
        assertThatThrownBy(() -> ProfileMapper.github("github", ProfileMapper.parse("{\"login\":\"x\"}"), null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void googleVerifiedAndUnverified() {
        OAuthProfile verified = ProfileMapper.oidc("google", ProfileMapper.parse("""
                {"sub":"1029384756","email":"g@gmail.test","email_verified":true,"name":"G User"}"""));
        assertThat(verified.subject()).isEqualTo("1029384756");
        assertThat(verified.emailVerified()).isTrue();
        assertThat(verified.name()).isEqualTo("G User");
        OAuthProfile unverified = ProfileMapper.oidc("google", ProfileMapper.parse("""
                {"sub":"55","email":"u@gmail.test","email_verified":false}"""));
        assertThat(unverified.emailVerified()).isFalse();
        OAuthProfile missing = ProfileMapper.oidc("google", ProfileMapper.parse("""
                {"sub":"56","email":"m@gmail.test"}"""));
        assertThat(missing.emailVerified()).isFalse();
    }

    @Test
    void genericOidcAcceptsStringTrueAndPreferredUsername() {
        OAuthProfile profile = ProfileMapper.oidc("corp", ProfileMapper.parse("""
                {"sub":"abc","email":"c@corp.test","email_verified":"true","preferred_username":"cee"}"""));
        assertThat(profile.emailVerified()).isTrue();
        assertThat(profile.login()).isEqualTo("cee");
        assertThatThrownBy(() -> ProfileMapper.oidc("corp", ProfileMapper.parse("{\"email\":\"x@y.test\"}")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static com.fasterxml.jackson.databind.JsonNode array(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
