package dev.accesspass.oauth.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.scribejava.apis.GitHubApi;
import com.github.scribejava.apis.GoogleApi20;
import com.github.scribejava.core.builder.ServiceBuilder;
import com.github.scribejava.core.builder.api.DefaultApi20;
import com.github.scribejava.core.httpclient.jdk.JDKHttpClientConfig;
import com.github.scribejava.core.model.OAuth2AccessToken;
import com.github.scribejava.core.model.OAuthRequest;
import com.github.scribejava.core.model.Response;
import com.github.scribejava.core.model.Verb;
import com.github.scribejava.core.oauth.AccessTokenRequestParams;
import com.github.scribejava.core.oauth.OAuth20Service;
import com.github.scribejava.core.pkce.PKCE;
import com.github.scribejava.core.pkce.PKCECodeChallengeMethod;
import dev.accesspass.AccessPassConfig.OAuthProviderConfig;
import dev.accesspass.oauth.OAuthProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * One configured provider on ScribeJava: builds the authorization URL (state, PKCE S256, OIDC nonce) and turns an
 * authorization code into an {@link OAuthProfile} (token request with the PKCE verifier, then userinfo).
 *
 * <p>Security notes for maintainers. The redirect URI is fixed when the client is built and ScribeJava sends that
 * same value in the authorization and the token request (SR-44). The HTTP client has connect and read timeouts, as
 * the JDK client ScribeJava uses has none by default (SR-50). ScribeJava's debug stream is never set: it would write
 * the client secret and the code. Identity comes from the userinfo endpoint; the ID token is not read at all, so it
 * needs no validation (SR-48). Failures are {@link ProviderFailure}s whose messages hold no provider text.
 *
 * <p>Thread-safe: {@link OAuth20Service} is.
 */
public final class ProviderClient implements AutoCloseable {
    /** Connect and read timeout of every call to a provider. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    static final String GITHUB_USER = "https://api.github.com/user";
    static final String GITHUB_EMAILS = "https://api.github.com/user/emails";
    static final String GOOGLE_USERINFO = "https://openidconnect.googleapis.com/v1/userinfo";

    private final String name;
    private final boolean github;
    private final boolean openid;
    private final String userinfoUrl;
    private final OAuth20Service service;

    private ProviderClient(String name, boolean github, boolean openid, String userinfoUrl, OAuth20Service service) {
        this.name = name;
        this.github = github;
        this.openid = openid;
        this.userinfoUrl = userinfoUrl;
        this.service = service;
    }

    /**
     * Builds the client of one provider.
     *
     * @param redirectUri {@code <base-url><prefix>/oauth/<name>/callback}
     * @throws IllegalArgumentException naming the missing key
     */
    public static ProviderClient create(OAuthProviderConfig config, String redirectUri, Duration timeout) {
        String name = config.name();
        boolean github = name.equals("github");
        boolean google = name.equals("google");
        DefaultApi20 api;
        if (config.authorizeUrl() != null && config.tokenUrl() != null) {
            api = new GenericApi(config.authorizeUrl(), config.tokenUrl());
        } else if (github) {
            api = GitHubApi.instance();
        } else if (google) {
            api = GoogleApi20.instance();
        } else {
            throw new IllegalArgumentException("oauth." + name + ".authorize-url: required with oauth." + name
                    + ".token-url for a provider that is not built in");
        }
        String userinfo = config.userinfoUrl() != null ? config.userinfoUrl()
                : github ? GITHUB_USER : google ? GOOGLE_USERINFO : null;
        if (userinfo == null) {
            throw new IllegalArgumentException("oauth." + name + ".userinfo-url: required for a provider that is not"
                    + " built in (AccessPass takes the identity from the userinfo endpoint)");
        }
        if (config.clientSecret() == null) {
            throw new IllegalArgumentException("oauth." + name + ".client-secret: required when oauth." + name
                    + ".client-id is set");
        }
        String scope = config.scope() != null ? config.scope()
                : github ? "read:user user:email" : "openid email profile";
        int millis = Math.toIntExact(timeout.toMillis());
        JDKHttpClientConfig http = JDKHttpClientConfig.defaultConfig();
        http.setConnectTimeout(millis);
        http.setReadTimeout(millis);
        // A provider redirecting its token endpoint elsewhere is not followed with our secret.
        http.setFollowRedirects(false);
        OAuth20Service service = new ServiceBuilder(config.clientId())
                .apiSecret(config.clientSecret())
                .defaultScope(scope)
                .callback(redirectUri)
                .userAgent("AccessPass")
                .httpClientConfig(http)
                .build(api);
        boolean openid = Arrays.asList(scope.split("[ ,]+")).contains("openid");
        return new ProviderClient(name, github, openid, userinfo, service);
    }

    public String name() {
        return name;
    }

    /** Whether the scope asks for OpenID Connect, so that a nonce is sent. */
    public boolean openid() {
        return openid;
    }

    /** The authorization URL with {@code state}, {@code code_challenge} (S256) and, for OIDC, {@code nonce}. */
    public String authorizationUrl(String state, String codeVerifier, String nonce) {
        PKCE pkce = new PKCE();
        pkce.setCodeVerifier(codeVerifier);
        pkce.setCodeChallenge(Pkce.challenge(codeVerifier));
        pkce.setCodeChallengeMethod(PKCECodeChallengeMethod.S256);
        var builder = service.createAuthorizationUrlBuilder().state(state).pkce(pkce);
        if (nonce != null) {
            builder.additionalParams(Map.of("nonce", nonce));
        }
        return builder.build();
    }

    /**
     * Exchanges the code (with the PKCE verifier) and reads the profile.
     *
     * @throws ProviderFailure on any failure: an error answer, a timeout, a profile without subject
     */
    public OAuthProfile fetchProfile(String code, String codeVerifier) {
        OAuth2AccessToken token;
        try {
            token = service.getAccessToken(AccessTokenRequestParams.create(code).pkceCodeVerifier(codeVerifier));
        } catch (IOException | ExecutionException | RuntimeException e) {
            // Not e.getMessage(): ScribeJava puts the provider's raw answer there.
            throw new ProviderFailure("token request failed (" + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderFailure("token request interrupted", e);
        }
        JsonNode user = get(token, userinfoUrl);
        try {
            if (github) {
                JsonNode emails = null;
                try {
                    emails = getArray(token, GITHUB_EMAILS);
                } catch (ProviderFailure e) {
                    // Without the user:email scope there is no verified email: the resolver then decides without one.
                    emails = null;
                }
                return ProfileMapper.github(name, user, emails);
            }
            return ProfileMapper.oidc(name, user);
        } catch (IllegalArgumentException e) {
            throw new ProviderFailure("profile unusable: " + e.getMessage(), e);
        }
    }

    private JsonNode get(OAuth2AccessToken token, String url) {
        String body = call(token, url);
        try {
            return ProfileMapper.parse(body);
        } catch (IllegalArgumentException e) {
            throw new ProviderFailure("profile request answered no JSON object", e);
        }
    }

    private JsonNode getArray(OAuth2AccessToken token, String url) {
        String body = call(token, url);
        try {
            JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
            if (node == null || !node.isArray()) {
                throw new ProviderFailure("emails request answered no JSON array", null);
            }
            return node;
        } catch (IOException e) {
            throw new ProviderFailure("emails request answered no JSON", e);
        }
    }

    private String call(OAuth2AccessToken token, String url) {
        OAuthRequest request = new OAuthRequest(Verb.GET, url);
        request.addHeader("Accept", github ? "application/vnd.github+json" : "application/json");
        service.signRequest(token, request);
        try (Response response = service.execute(request)) {
            if (response.getCode() != 200) {
                throw new ProviderFailure("profile request answered HTTP " + response.getCode(), null);
            }
            return response.getBody();
        } catch (IOException | ExecutionException e) {
            throw new ProviderFailure("profile request failed (" + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderFailure("profile request interrupted", e);
        }
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the " + name + " client failed", e);
        }
    }

    /** A provider call failed. The message is ours and safe to log; it never holds provider text or secrets. */
    public static final class ProviderFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProviderFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
