package dev.accesspass.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.AuthHooks;
import dev.accesspass.Totp;
import dev.accesspass.event.OAuthLoginEvent;
import dev.accesspass.oauth.internal.Pkce;
import dev.accesspass.servlet.testing.CountingStores;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.store.UserRecord;
import dev.accesspass.testing.Http;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The OAuth routes end to end: real Jetty with the filter, a real OAuth 2.0 / OIDC server (mock-oauth2-server) on
 * loopback configured as the generic provider {@code mock}, and a client that follows redirects and carries the
 * binding cookie by hand, as a browser would.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OAuthFlowTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String COOKIE = "__Host-accesspass-oauth";
    private static MockOAuth2Server provider;

    private final HttpClient browser = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private CountingStores stores;

    // A provider per test (it starts in milliseconds): a profile left queued by a failing test must not become the
    // next test's login.
    @BeforeEach
    void startProvider() {
        provider = new MockOAuth2Server();
        provider.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : cleanup) {
            closeable.close();
        }
        provider.shutdown();
    }

    // ---- the happy path ----

    @Test
    void anOAuthLoginOfAUserWithTotpAnswersMfaRequiredThenVerifyOpensTheSession() throws Exception {
        TestServer server = server(Map.of());
        Http http = server.http();
        issueNext("sub-totp", Map.of("email", "totp@x.test", "email_verified", true, "preferred_username", "totp"));
        String access = MAPPER.readTree(login(server).body()).get("access_token").asText();
        // No password: the fresh OAuth session stands in for it (reauth-max-age).
        Http.Reply setup = http.postJson("/auth/mfa/totp/setup", "{}", access);
        assertThat(setup.status()).as(setup.toString()).isEqualTo(200);
        String secret = setup.field("secret");
        Instant now = server.clock().instant();
        assertThat(http.postJson("/auth/mfa/totp/confirm", Http.json("code", Totp.codeAt(secret, now)), access)
                .status()).isEqualTo(200);

        issueNext("sub-totp", Map.of("email", "totp@x.test", "email_verified", true));
        HttpResponse<String> challenged = login(server);
        assertThat(challenged.statusCode()).as(challenged.body()).isEqualTo(403);
        JsonNode problem = MAPPER.readTree(challenged.body());
        assertThat(problem.path("code").asText()).isEqualTo("mfa_required");
        String token = problem.path("mfa_token").asText();
        Http.Reply verified = http.postJson("/auth/mfa/verify", Http.json("mfa_token", token, "code",
                Totp.codeAt(secret, now.plusSeconds(30))), null);
        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        JsonNode check = http.get("/auth/check", verified.field("access_token")).json();
        assertThat(check.path("aal").asInt()).isEqualTo(2);
        assertThat(check.path("amr").toString()).isEqualTo("[\"otp\",\"mfa\"]");
        assertThat(check.at("/meta/sub").asText()).as("the OAuth profile survives the second step")
                .isEqualTo("sub-totp");
        // A user without a password turns TOTP off with a code.
        server.clock().advance(Duration.ofSeconds(30));
        assertThat(http.send("DELETE", "/auth/mfa/totp", "application/json",
                Http.json("code", Totp.codeAt(secret, now.plusSeconds(60))).getBytes(StandardCharsets.UTF_8),
                Map.of("Authorization", "Bearer " + verified.field("access_token"))).status()).isEqualTo(204);
    }

    @Test
    void theRedirectFlowPutsMfaRequiredAndTheTokenInTheFragment() throws Exception {
        TestServer server = server(Map.of("oauth-success-url", "https://app.example/signed-in"));
        Http http = server.http();
        issueNext("sub-frag", Map.of("email", "frag@x.test", "email_verified", true, "preferred_username", "frag"));
        String location = header(login(server), "Location");
        String access = query(URI.create(location.replace("#", "?"))).get("access_token");
        String secret = http.postJson("/auth/mfa/totp/setup", "{}", access).field("secret");
        Instant now = server.clock().instant();
        http.postJson("/auth/mfa/totp/confirm", Http.json("code", Totp.codeAt(secret, now)), access);

        issueNext("sub-frag", Map.of("email", "frag@x.test", "email_verified", true));
        HttpResponse<String> redirected = login(server);
        assertThat(redirected.statusCode()).isEqualTo(302);
        String fragment = header(redirected, "Location");
        assertThat(fragment).startsWith("https://app.example/signed-in#error=mfa_required&mfa_token=")
                .doesNotContain("access_token");
        String token = query(URI.create(fragment.replace("#", "?"))).get("mfa_token");
        assertThat(http.postJson("/auth/mfa/verify", Http.json("mfa_token", token, "code",
                Totp.codeAt(secret, now.plusSeconds(30))), null).status()).isEqualTo(200);
    }

    @Test
    void fullFlowGivesTokensThatOpenProtectedRoutes_SR42_SR43() throws Exception {
        TestServer server = server(Map.of());
        issueNext("sub-alice", Map.of("email", "alice@x.test", "email_verified", true,
                "preferred_username", "alice", "name", "Alice A"));

        HttpResponse<String> start = get(server.baseUrl() + "/auth/oauth/mock", null);
        assertThat(start.statusCode()).isEqualTo(302);
        assertThat(header(start, "Cache-Control")).isEqualTo("no-store");
        assertThat(header(start, "Referrer-Policy")).isEqualTo("no-referrer");
        String setCookie = header(start, "Set-Cookie");
        assertThat(setCookie).startsWith(COOKIE + "=").contains("Secure").contains("HttpOnly")
                .contains("SameSite=Lax").contains("Path=/").doesNotContain("Domain");
        URI authorize = URI.create(header(start, "Location"));
        Map<String, String> query = query(authorize);
        assertThat(authorize.toString()).startsWith(provider.authorizationEndpointUrl("mock").toString());
        assertThat(query.get("code_challenge")).matches("[A-Za-z0-9_-]{43}");
        assertThat(query.get("code_challenge_method")).isEqualTo("S256");
        assertThat(query.get("state")).matches("[A-Za-z0-9_-]{43}");
        assertThat(query.get("nonce")).matches("[A-Za-z0-9_-]{43}");
        assertThat(query.get("redirect_uri")).isEqualTo(server.baseUrl() + "/auth/oauth/mock/callback");
        assertThat(query).doesNotContainKey("code_verifier");
        assertThat(authorize.toString()).doesNotContain(cookieValue(setCookie));

        HttpResponse<String> fromProvider = get(authorize.toString(), null);
        assertThat(fromProvider.statusCode()).isEqualTo(302);
        URI callback = URI.create(header(fromProvider, "Location"));
        assertThat(callback.getPath()).isEqualTo("/auth/oauth/mock/callback");

        HttpResponse<String> done = get(local(server, callback), cookieValue(setCookie));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(header(done, "Cache-Control")).isEqualTo("no-store");
        assertThat(header(done, "Referrer-Policy")).isEqualTo("no-referrer");
        JsonNode tokens = MAPPER.readTree(done.body());
        String access = tokens.get("access_token").asText();
        assertThat(tokens.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(tokens.get("refresh_token").asText()).matches("[A-Za-z0-9_-]{43}");
        assertThat(tokens.at("/user/email").asText()).isEqualTo("alice@x.test");
        assertThat(tokens.at("/user/email_confirmed").asBoolean()).isTrue();
        assertThat(tokens.at("/user/username").asText()).isEqualTo("alice");
        assertThat(tokens.at("/user/identities/0/provider").asText()).isEqualTo("mock");
        assertThat(tokens.at("/user/identities/0/subject").asText()).isEqualTo("sub-alice");

        Http http = server.http();
        Http.Reply hello = http.get("/api/hello", access);
        assertThat(hello.status()).isEqualTo(200);
        Http.Reply check = http.get("/auth/check", access);
        assertThat(check.json().at("/meta/email").asText()).isEqualTo("alice@x.test");
        assertThat(check.json().at("/meta/sub").asText()).isEqualTo("sub-alice");

        // The token request carried the verifier whose S256 is the challenge of the authorization request.
        RecordedRequest tokenRequest = recorded("/mock/token");
        Map<String, String> form = form(tokenRequest.getBody().readUtf8());
        assertThat(form.get("code_verifier")).matches("[A-Za-z0-9_-]{43}");
        assertThat(Pkce.challenge(form.get("code_verifier"))).isEqualTo(query.get("code_challenge"));
        assertThat(form.get("redirect_uri")).isEqualTo(query.get("redirect_uri"));
        assertThat(form.get("grant_type")).isEqualTo("authorization_code");

        // A second login of the same identity is the same user, not a new one.
        int usersBefore = stores.usersCreated();
        issueNext("sub-alice", Map.of("email", "alice@x.test", "email_verified", true));
        JsonNode again = MAPPER.readTree(login(server).body());
        assertThat(again.at("/user/id").asText()).isEqualTo(tokens.at("/user/id").asText());
        assertThat(stores.usersCreated()).isEqualTo(usersBefore);
    }

    @Test
    void afterOAuthLoginHookSeesUserProfileAndCreation() throws Exception {
        List<OAuthLoginEvent> events = new CopyOnWriteArrayList<>();
        TestServer server = server(Map.of(), new AuthHooks() {
            @Override
            public void afterOAuthLogin(OAuthLoginEvent event) {
                events.add(event);
            }
        });
        issueNext("sub-hook", Map.of("email", "hook@x.test", "email_verified", true));
        assertThat(login(server).statusCode()).isEqualTo(200);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).provider()).isEqualTo("mock");
        assertThat(events.get(0).created()).isTrue();
        assertThat(events.get(0).linked()).isFalse();
        assertThat(events.get(0).profile()).containsEntry("email", "hook@x.test");
        assertThat(events.get(0).user().email()).isEqualTo("hook@x.test");
    }

    @Test
    void successUrlGetsTokensInFragmentOnly_SR46() throws Exception {
        TestServer server = server(Map.of("oauth-success-url", "https://app.example/signed-in"));
        issueNext("sub-frag", Map.of("email", "frag@x.test", "email_verified", true));
        HttpResponse<String> done = login(server);
        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(header(done, "Cache-Control")).isEqualTo("no-store");
        assertThat(header(done, "Referrer-Policy")).isEqualTo("no-referrer");
        String location = header(done, "Location");
        assertThat(location).startsWith("https://app.example/signed-in#access_token=");
        assertThat(location).doesNotContain("?");
        Map<String, String> fragment = form(URI.create(location).getRawFragment());
        assertThat(fragment.get("token_type")).isEqualTo("Bearer");
        assertThat(fragment.get("expires_in")).isEqualTo("300");
        assertThat(fragment.get("refresh_expires_in")).isEqualTo("2592000");
        assertThat(server.http().get("/api/hello", fragment.get("access_token")).status()).isEqualTo(200);
        assertThat(fragment.get("refresh_token")).matches("[A-Za-z0-9_-]{43}");
    }

    // ---- a browser on another loopback name, and failures in a browser ----

    @Test
    void startOnAnotherLoopbackNameIsSentToTheBaseUrlHostFirst() throws Exception {
        TestServer server = server(Map.of("base-url", "http://localhost:{port}"));
        HttpResponse<String> start = get(server.baseUrl() + "/auth/oauth/mock", null);
        assertThat(start.statusCode()).isEqualTo(302);
        assertThat(header(start, "Location")).isEqualTo("http://localhost:" + server.port() + "/auth/oauth/mock");
        assertThat(header(start, "Set-Cookie")).as("no binding cookie on the wrong host").isNull();
        // A foreign, non-loopback Host is never redirected on (behind a proxy that could loop): the flow starts.
        Http.Reply foreign = server.raw().send(null, "GET", "/auth/oauth/mock", List.of("Host: app.internal"), null);
        assertThat(foreign.status()).isEqualTo(302);
        assertThat(foreign.header("Location")).hasValueSatisfying(location -> assertThat(location)
                .startsWith(provider.authorizationEndpointUrl("mock").toString()));
    }

    @Test
    void aFailedCallbackWithASuccessUrlLandsOnThatPageWithTheErrorInTheFragment() throws Exception {
        TestServer server = server(Map.of("oauth-success-url", "https://app.example/signed-in"));
        Started started = start(server);
        HttpResponse<String> done = get(callbackUrl(server, "mock", started.code(), "not-the-state"),
                started.cookie());
        assertThat(done.statusCode()).isEqualTo(302);
        String location = header(done, "Location");
        assertThat(location).startsWith("https://app.example/signed-in#error=oauth_failed&error_description=")
                .doesNotContain("access_token").doesNotContain("?");
        assertThat(form(URI.create(location).getRawFragment()).get("error_description"))
                .isEqualTo("The OAuth login failed. Please start it again.");
        assertThat(header(done, "Set-Cookie")).startsWith(COOKIE + "=;").contains("Max-Age=0");
    }

    @Test
    void aFailedCallbackInABrowserWithoutASuccessUrlGetsAReadablePageWithTheStatus() throws Exception {
        TestServer server = server(Map.of());
        Started started = start(server);
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(
                        URI.create(callbackUrl(server, "mock", started.code(), "not-the-state")))
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                .header("Cookie", COOKIE + "=" + started.cookie()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(header(page, "Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("<h1>Login failed</h1>")
                .contains("The OAuth login failed. Please start it again.").contains("<code>oauth_failed</code>")
                .doesNotContain("{\"");
        assertThat(header(page, "Cache-Control")).isEqualTo("no-store");
    }

    // ---- SR-44 / SR-45 ----

    @Test
    void redirectUriComesFromConfigurationNotFromRequest_SR44() throws Exception {
        TestServer server = server(Map.of());
        String expected = server.baseUrl() + "/auth/oauth/mock/callback";

        HttpResponse<String> withParam = get(server.baseUrl()
                + "/auth/oauth/mock?redirect_uri=https://evil.example/cb&next=//evil.com&return_to=/%5Cevil.com", null);
        assertThat(withParam.statusCode()).isEqualTo(302);
        assertThat(query(URI.create(header(withParam, "Location"))).get("redirect_uri")).isEqualTo(expected);
        assertThat(header(withParam, "Location")).startsWith(provider.authorizationEndpointUrl("mock").toString());

        // java.net.http will not send a foreign Host header: speak HTTP/1.1 over a socket.
        Http.Reply raw = server.raw().send(null, "GET", "/auth/oauth/mock", List.of("Host: evil.example"), null);
        assertThat(raw.status()).isEqualTo(302);
        String location = raw.header("Location").orElseThrow();
        assertThat(query(URI.create(location)).get("redirect_uri")).isEqualTo(expected);
        assertThat(location).doesNotContain("evil");
    }

    @Test
    void javascriptSuccessUrlFailsInitNamingTheKey_SR45() {
        assertThatThrownBy(() -> AccessPassConfig.builder().set("oauth-success-url", "javascript:alert(1)").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("oauth-success-url")
                .hasMessageNotContaining("alert");
    }

    @Test
    void providerWithoutBaseUrlFailsInitNamingBaseUrl() {
        assertThatThrownBy(() -> TestServer.builder()
                .set("oauth.mock.client-id", "c").set("oauth.mock.client-secret", "s")
                .set("oauth.mock.authorize-url", provider.authorizationEndpointUrl("mock").toString())
                .set("oauth.mock.token-url", provider.tokenEndpointUrl("mock").toString())
                .set("oauth.mock.userinfo-url", provider.userInfoUrl("mock").toString())
                .start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("base-url:");
    }

    @Test
    void unknownProviderIs404() throws Exception {
        TestServer server = server(Map.of());
        HttpResponse<String> start = get(server.baseUrl() + "/auth/oauth/nope", null);
        assertThat(start.statusCode()).isEqualTo(404);
        assertThat(MAPPER.readTree(start.body()).get("code").asText()).isEqualTo("unknown_provider");
        HttpResponse<String> callback = get(server.baseUrl() + "/auth/oauth/nope/callback?code=a&state=b", null);
        assertThat(callback.statusCode()).isEqualTo(404);
        assertThat(MAPPER.readTree(callback.body()).get("code").asText()).isEqualTo("unknown_provider");
        assertThat(server.http().send("POST", "/auth/oauth/mock", null, null, Map.of()).status()).isEqualTo(405);
    }

    // ---- SR-42: state and binding failures, each 400 oauth_failed and nothing created ----
    //
    // Each refusal runs with a profile queued at the provider that would log in (verified email), and asserts that
    // the provider saw no request at all while the callback was refused: so the 400 comes from the check under test,
    // not from the code exchange or from the resolver turning down an email-less profile. Each is then paired with
    // the same flow succeeding once the one thing under test is right, which also takes the queued profile.

    @Test
    void missingStateIsRefused_SR42() throws Exception {
        TestServer server = server(Map.of());
        issueGood("sub-nostate");
        Started started = start(server);
        int before = stores.writes();
        refusedWithoutProviderCall(() -> get(server.baseUrl() + "/auth/oauth/mock/callback?code="
                + enc(started.code()), started.cookie()));
        refusedWithoutProviderCall(() -> get(server.baseUrl() + "/auth/oauth/mock/callback?state=&code="
                + enc(started.code()), started.cookie()));
        assertThat(stores.writes()).isEqualTo(before);

        // The same started login with its state succeeds.
        assertLoggedIn(get(callbackUrl(server, "mock", started.code(), started.state()), started.cookie()),
                "sub-nostate");
    }

    @Test
    void tamperedStateIsRefused_SR42() throws Exception {
        TestServer server = server(Map.of());
        issueGood("sub-tampered");
        Started started = start(server);
        int before = stores.writes();
        String tampered = (started.state().charAt(0) == 'A' ? "B" : "A") + started.state().substring(1);
        refusedWithoutProviderCall(() -> get(callbackUrl(server, "mock", started.code(), tampered),
                started.cookie()));
        assertThat(stores.writes()).isEqualTo(before);

        // The untampered state of the same login succeeds: the tampered one did not use it up.
        assertLoggedIn(get(callbackUrl(server, "mock", started.code(), started.state()), started.cookie()),
                "sub-tampered");
    }

    @Test
    void replayedStateIsRefused_SR42() throws Exception {
        TestServer server = server(Map.of());
        issueGood("sub-replay");
        Started started = start(server);
        HttpResponse<String> first = get(callbackUrl(server, "mock", started.code(), started.state()),
                started.cookie());
        assertLoggedIn(first, "sub-replay");
        issueGood("sub-replay-again");
        int before = stores.writes();
        refusedWithoutProviderCall(() -> get(callbackUrl(server, "mock", started.code(), started.state()),
                started.cookie()));
        assertThat(stores.writes()).isEqualTo(before);

        // A new login (new state) of the same browser succeeds.
        assertLoggedIn(login(server), "sub-replay-again");
    }

    @Test
    void expiredStateIsRefused_SR42() throws Exception {
        TestServer server = server(Map.of());
        issueGood("sub-expired");
        Started started = start(server);
        server.clock().advance(Duration.ofMinutes(10).plusSeconds(1));
        int before = stores.writes();
        refusedWithoutProviderCall(() -> get(callbackUrl(server, "mock", started.code(), started.state()),
                started.cookie()));
        assertThat(stores.writes()).isEqualTo(before);

        // The same flow one second inside the ten minutes succeeds.
        Started fresh = start(server);
        server.clock().advance(Duration.ofMinutes(10).minusSeconds(1));
        assertLoggedIn(get(callbackUrl(server, "mock", fresh.code(), fresh.state()), fresh.cookie()),
                "sub-expired");
    }

    @Test
    void missingOrMismatchedBindingCookieIsRefused_SR42() throws Exception {
        TestServer server = server(Map.of());
        issueGood("sub-bound");
        Started withoutCookie = start(server);
        int before = stores.writes();
        refusedWithoutProviderCall(() -> get(callbackUrl(server, "mock", withoutCookie.code(),
                withoutCookie.state()), null));
        Started otherBrowser = start(server);
        Started victim = start(server);
        // The attacker's own binding cookie with the victim's state (login CSRF).
        refusedWithoutProviderCall(() -> get(callbackUrl(server, "mock", victim.code(), victim.state()),
                otherBrowser.cookie()));
        assertThat(stores.writes()).isEqualTo(before);

        // The same flow with the cookie of the browser that started it succeeds.
        Started own = start(server);
        assertLoggedIn(get(callbackUrl(server, "mock", own.code(), own.state()), own.cookie()), "sub-bound");
    }

    @Test
    void stateOfAnotherProviderIsRefused_SR47() throws Exception {
        TestServer server = server(Map.of(
                "oauth.other.client-id", "accesspass-test", "oauth.other.client-secret", "other-secret",
                "oauth.other.authorize-url", provider.authorizationEndpointUrl("other").toString(),
                "oauth.other.token-url", provider.tokenEndpointUrl("other").toString(),
                "oauth.other.userinfo-url", provider.userInfoUrl("other").toString()));
        issueGood("sub-mixup");
        // A real login at the other provider: its state, its binding cookie and a code the provider really issued.
        Started atOther = start(server, "other");
        int before = stores.writes();
        refusedWithoutProviderCall(() -> get(callbackUrl(server, "mock", atOther.code(), atOther.state()),
                atOther.cookie()));
        assertThat(stores.writes()).isEqualTo(before);

        // The profile queued for mock is still there for mock's own login...
        assertLoggedIn(login(server), "sub-mixup");
        // ...and the same flow at the callback of the provider that issued the state succeeds.
        issueNext("other", "sub-other", Map.of("email", "other@x.test", "email_verified", true));
        Started again = start(server, "other");
        assertLoggedIn(get(callbackUrl(server, "other", again.code(), again.state()), again.cookie()), "sub-other");
    }

    @Test
    void providerErrorIsRefusedWithoutEchoingIt() throws Exception {
        TestServer server = server(Map.of());
        issueGood("sub-error");
        // A callback with a valid state, binding and code, and an error: the error alone must refuse it.
        Started started = start(server);
        int before = stores.writes();
        HttpResponse<String> refused = refusedWithoutProviderCall(() -> get(server.baseUrl()
                + "/auth/oauth/mock/callback?error=access_denied&error_description=PROVIDER-SAYS-NO&code="
                + enc(started.code()) + "&state=" + enc(started.state()), started.cookie()));
        assertThat(refused.body()).doesNotContain("PROVIDER-SAYS-NO").doesNotContain("access_denied");
        assertThat(stores.writes()).isEqualTo(before);

        // The same flow without the error succeeds.
        assertLoggedIn(login(server), "sub-error");
    }

    // ---- SR-50: failing code exchange ----

    @Test
    void tokenEndpointAnswering400IsRefused_SR50() throws Exception {
        HttpServer failing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        failing.createContext("/token", exchange -> {
            byte[] body = "{\"error\":\"invalid_grant\",\"error_description\":\"PROVIDER-SECRET-TEXT\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        failing.start();
        cleanup.add(() -> failing.stop(0));
        TestServer server = server(Map.of("oauth.mock.token-url",
                "http://127.0.0.1:" + failing.getAddress().getPort() + "/token"));
        Started started = start(server);
        int before = stores.writes();
        HttpResponse<String> refused = get(callbackUrl(server, "mock", started.code(), started.state()),
                started.cookie());
        assertRefused(refused);
        assertThat(refused.body()).doesNotContain("PROVIDER-SECRET-TEXT").doesNotContain("invalid_grant");
        assertThat(stores.writes()).isEqualTo(before);
    }

    @Test
    void tokenEndpointThatNeverAnswersIsRefusedWithinTheTimeout_SR50() throws Exception {
        Duration timeout = Duration.ofSeconds(2);
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (!silent.isClosed()) {
                        held.add(silent.accept()); // accepted and never answered
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-token-endpoint");
            acceptor.setDaemon(true);
            acceptor.start();
            TestServer server = server(Map.of("oauth.mock.token-url",
                    "http://127.0.0.1:" + silent.getLocalPort() + "/token"), null, timeout);
            HttpResponse<String> start = get(server.baseUrl() + "/auth/oauth/mock", null);
            String state = query(URI.create(header(start, "Location"))).get("state");
            int before = stores.writes();
            long began = System.nanoTime();
            HttpResponse<String> refused = get(callbackUrl(server, "mock", "any-code", state),
                    cookieValue(header(start, "Set-Cookie")));
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            assertRefused(refused);
            // Ended by the 2 s timeout: not before it, and long before the 20 s the client itself would wait (a
            // generous bound for a loaded machine; without the timeout the call would hang until then).
            assertThat(took).isGreaterThan(timeout.minusMillis(500)).isLessThan(timeout.plusSeconds(8));
            assertThat(stores.writes()).isEqualTo(before);
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    // ---- SR-49 over HTTP ----

    @Test
    void verifiedProviderEmailTakesOverUnconfirmedPreRegisteredAccount_SR49a() throws Exception {
        TestServer server = server(Map.of());
        Http http = server.http();
        Http.Reply attacker = http.post("/auth/register", "username", "squatter", "email", "victim@x.test",
                "password", "Attacker-Pass-123", "password_confirmation", "Attacker-Pass-123");
        assertThat(attacker.status()).isEqualTo(201);
        String attackerToken = attacker.field("access_token");

        issueNext("sub-victim", Map.of("email", "victim@x.test", "email_verified", true));
        HttpResponse<String> done = login(server);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        JsonNode victim = MAPPER.readTree(done.body());
        assertThat(victim.at("/user/id").asText()).isEqualTo(attacker.json().at("/user/id").asText());
        assertThat(victim.at("/user/email_confirmed").asBoolean()).isTrue();

        assertThat(http.login("squatter", "Attacker-Pass-123").status()).isEqualTo(401);
        assertThat(http.get("/auth/check", attackerToken).status()).isEqualTo(401);
        assertThat(http.post("/auth/refresh", "refresh_token", attacker.field("refresh_token")).status())
                .isEqualTo(401);
        assertThat(http.get("/api/hello", victim.get("access_token").asText()).status()).isEqualTo(200);
    }

    @Test
    void unverifiedEmailNeverLinks_verifiedOneMeetsAPasswordAccountWith409_SR49bc_SR76() throws Exception {
        TestServer server = server(Map.of());
        Http http = server.http();
        Http.Reply owner = http.post("/auth/register", "username", "owner", "email", "owner@x.test",
                "password", "Owner-Pass-12345", "password_confirmation", "Owner-Pass-12345");
        String ownerId = owner.json().at("/user/id").asText();
        UserRecord record = server.accessPass().findUser("owner").map(u -> server.accessPass().userStore()
                .findById(u.id()).orElseThrow()).orElseThrow();
        server.accessPass().userStore().setEmailConfirmed(record.id(), true);

        // (b) unverified: a separate user without an email; the owner's identities are unchanged
        issueNext("sub-unverified", Map.of("email", "owner@x.test", "email_verified", false));
        HttpResponse<String> unverified = login(server);
        assertThat(unverified.statusCode()).as(unverified.body()).isEqualTo(200);
        JsonNode other = MAPPER.readTree(unverified.body());
        assertThat(other.at("/user/id").asText()).isNotEqualTo(ownerId);
        assertThat(other.at("/user/email").isNull()).isTrue();
        assertThat(server.accessPass().userStore().findById(record.id()).orElseThrow().identities()).isEmpty();

        // verified, confirmed local account with a password: not linked automatically
        int before = stores.writes();
        issueNext("sub-verified", Map.of("email", "owner@x.test", "email_verified", true));
        HttpResponse<String> exists = login(server);
        assertThat(exists.statusCode()).as(exists.body()).isEqualTo(409);
        assertThat(MAPPER.readTree(exists.body()).get("code").asText()).isEqualTo("account_exists");
        assertThat(server.accessPass().userStore().findById(record.id()).orElseThrow().identities()).isEmpty();
        assertThat(stores.writes()).as("nothing written but the consumed state").isEqualTo(before);
        assertThat(http.login("owner", "Owner-Pass-12345").status()).isEqualTo(200);

        // (c) another identity with the same email follows the same rules
        issueNext("sub-second", Map.of("email", "OWNER@x.test", "email_verified", "true"));
        assertThat(login(server).statusCode()).isEqualTo(409);
    }

    // ---- SR-76: link from the session, and the two pre-account-takeover sequences ----

    @Test
    void sr76_passwordAccountLinksFromItsSessionAndThenLogsInThroughTheProvider() throws Exception {
        TestServer server = server(Map.of());
        Http http = server.http();
        Http.Reply owner = http.post("/auth/register", "username", "linker", "email", "linker@x.test",
                "password", "Linker-Pass-12345", "password_confirmation", "Linker-Pass-12345");
        String ownerId = owner.json().at("/user/id").asText();
        String access = owner.field("access_token");

        issueNext("sub-linker", Map.of("email", "linker@x.test", "email_verified", true));
        Linking linking = startLink(server, access);
        HttpResponse<String> done = get(callbackUrl(server, "mock", linking.code(), linking.state()), linking.cookie());
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(header(done, "Cache-Control")).isEqualTo("no-store");
        JsonNode linked = MAPPER.readTree(done.body());
        assertThat(linked.get("status").asText()).isEqualTo("linked");
        assertThat(linked.at("/user/id").asText()).isEqualTo(ownerId);
        assertThat(linked.at("/user/identities/0/subject").asText()).isEqualTo("sub-linker");
        assertThat(linked.has("access_token")).as("a link opens no session").isFalse();

        // From now on the provider login lands in that account, and the password still works.
        issueNext("sub-linker", Map.of("email", "linker@x.test", "email_verified", true));
        HttpResponse<String> viaProvider = login(server);
        assertThat(viaProvider.statusCode()).as(viaProvider.body()).isEqualTo(200);
        assertThat(MAPPER.readTree(viaProvider.body()).at("/user/id").asText()).isEqualTo(ownerId);
        assertThat(http.login("linker", "Linker-Pass-12345").status()).isEqualTo(200);
    }

    @Test
    void sr76_linkIsBoundToTheBrowserAndTheSession() throws Exception {
        TestServer server = server(Map.of());
        Http http = server.http();
        Http.Reply registered = http.post("/auth/register", "username", "bound", "email", "bound@x.test",
                "password", "Bound-Pass-12345", "password_confirmation", "Bound-Pass-12345");
        String access = registered.field("access_token");

        // Without a token: 401.
        assertThat(http.postWithToken("/auth/identities/mock/link", null).status()).isEqualTo(401);
        assertThat(http.postWithToken("/auth/identities/nope/link", access).code()).isEqualTo("unknown_provider");

        // Another browser (no binding cookie) cannot finish it. (No claims queued at the provider: refused callbacks
        // never reach its token endpoint, which is where a queued answer would be used up.)
        Linking first = startLink(server, access);
        assertRefused(get(callbackUrl(server, "mock", first.code(), first.state()), null));

        // A session that ended meanwhile cannot finish it either.
        Linking second = startLink(server, access);
        assertThat(http.postWithToken("/auth/logout", access).status()).isEqualTo(204);
        assertRefused(get(callbackUrl(server, "mock", second.code(), second.state()), second.cookie()));
        assertThat(server.accessPass().findUser("bound").orElseThrow().identities()).isEmpty();
    }

    @Test
    void sr76_linkingAnIdentityAnotherUserHasIs409IdentityTaken() throws Exception {
        TestServer server = server(Map.of());
        Http http = server.http();
        issueNext("sub-taken", Map.of("email", "first@x.test", "email_verified", true));
        assertThat(login(server).statusCode()).isEqualTo(200);
        String access = http.post("/auth/register", "username", "second", "email", "second@x.test",
                "password", "Second-Pass-12345", "password_confirmation", "Second-Pass-12345").field("access_token");

        issueNext("sub-taken", Map.of("email", "first@x.test", "email_verified", true));
        Linking linking = startLink(server, access);
        HttpResponse<String> taken = get(callbackUrl(server, "mock", linking.code(), linking.state()),
                linking.cookie());
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(409);
        assertThat(MAPPER.readTree(taken.body()).get("code").asText()).isEqualTo("identity_taken");
        assertThat(server.accessPass().findUser("second").orElseThrow().identities()).isEmpty();
    }

    @Test
    void sr76_squatPlusMailScannerPlusVerifiedLoginLeavesTheSquatterNoAccess() throws Exception {
        TestServer server = server(Map.of());
        Http http = server.http();
        // The attacker registers the victim's address with a password and never confirms it.
        Http.Reply squat = http.post("/auth/register", "username", "squatter2", "email", "victim2@x.test",
                "password", "Attacker-Pass-123", "password_confirmation", "Attacker-Pass-123");
        assertThat(squat.status()).isEqualTo(201);
        // The confirmation mail reaches the victim's inbox, whose scanner fetches every link.
        String token = MailTesting.awaitToken(server.accessPass(), "victim2@x.test", "confirm_email", 1);
        assertThat(http.get("/auth/confirm?token=" + token, null).status()).isEqualTo(200);
        assertThat(server.accessPass().findUser("squatter2").orElseThrow().emailConfirmed()).isFalse();

        // The victim signs in with a provider that verified the address: the unconfirmed account is taken over.
        issueNext("sub-victim2", Map.of("email", "victim2@x.test", "email_verified", true));
        HttpResponse<String> victim = login(server);
        assertThat(victim.statusCode()).as(victim.body()).isEqualTo(200);
        assertThat(http.login("squatter2", "Attacker-Pass-123").status()).isEqualTo(401);
        assertThat(http.get("/auth/check", squat.field("access_token")).status()).isEqualTo(401);
        assertThat(http.post("/auth/refresh", "refresh_token", squat.field("refresh_token")).status())
                .isEqualTo(401);
    }

    @Test
    void sr76_unverifiedProviderEmailReservesNothingAndNeverReachesTheOwnersAccount() throws Exception {
        TestServer server = server(Map.of());
        Http http = server.http();
        // The attacker signs in through a provider that did not verify the victim's address.
        issueNext("sub-attacker", Map.of("email", "victim3@x.test", "email_verified", false));
        HttpResponse<String> attacker = login(server);
        assertThat(attacker.statusCode()).as(attacker.body()).isEqualTo(200);
        JsonNode attackerUser = MAPPER.readTree(attacker.body()).get("user");
        assertThat(attackerUser.get("email").isNull()).isTrue();

        // The real owner registers the address (it was not reserved), confirms it and resets the password.
        Http.Reply owner = http.post("/auth/register", "username", "real-victim3", "email", "victim3@x.test",
                "password", "Victim-Pass-12345", "password_confirmation", "Victim-Pass-12345");
        assertThat(owner.status()).as(owner.toString()).isEqualTo(201);
        String confirm = MailTesting.awaitToken(server.accessPass(), "victim3@x.test", "confirm_email", 1);
        assertThat(http.post("/auth/confirm", "token", confirm).status()).isEqualTo(200);
        assertThat(http.post("/auth/password/forgot", "username", "real-victim3").status()).isEqualTo(202);
        String reset = MailTesting.awaitToken(server.accessPass(), "victim3@x.test", "reset_password", 1);
        assertThat(http.post("/auth/password/reset", "token", reset, "password", "Victim-New-Pass-1",
                "password_confirmation", "Victim-New-Pass-1").status()).isEqualTo(204);

        // The attacker's identity is not on the owner's account; the attacker's login lands in its own account.
        assertThat(server.accessPass().findUser("real-victim3").orElseThrow().identities()).isEmpty();
        issueNext("sub-attacker", Map.of("email", "victim3@x.test", "email_verified", false));
        JsonNode again = MAPPER.readTree(login(server).body());
        assertThat(again.at("/user/id").asText()).isEqualTo(attackerUser.get("id").asText())
                .isNotEqualTo(owner.json().at("/user/id").asText());
    }

    @Test
    void flowGivenAtTheStartComesBackInTheFragment_SR46() throws Exception {
        TestServer server = server(Map.of("oauth-success-url", "https://app.example/signed-in"));
        issueNext("sub-flow", Map.of("email", "flow@x.test", "email_verified", true));
        String flow = "page-flow-0123456789abcdef";
        HttpResponse<String> start = get(server.baseUrl() + "/auth/oauth/mock?flow=" + flow, null);
        assertThat(start.statusCode()).isEqualTo(302);
        HttpResponse<String> fromProvider = get(header(start, "Location"), null);
        Map<String, String> back = query(URI.create(header(fromProvider, "Location")));
        HttpResponse<String> done = get(callbackUrl(server, "mock", back.get("code"), back.get("state")),
                cookieValue(header(start, "Set-Cookie")));
        Map<String, String> fragment = form(URI.create(header(done, "Location")).getRawFragment());
        assertThat(fragment.get("flow")).isEqualTo(flow);
        assertThat(fragment.get("access_token")).matches("[A-Za-z0-9_-]{43}");

        for (String bad : List.of("short", "has%20space", "x".repeat(65), "a&flow=b")) {
            HttpResponse<String> refused = get(server.baseUrl() + "/auth/oauth/mock?flow=" + bad, null);
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
        }
    }

    /** A started link: the code the provider sent back, the state, and the binding cookie. */
    private record Linking(String code, String state, String cookie) {
    }

    private Linking startLink(TestServer server, String access) throws Exception {
        Http.Reply started = server.http().postWithToken("/auth/identities/mock/link", access);
        assertThat(started.status()).as(started.toString()).isEqualTo(200);
        String setCookie = started.header("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith(COOKIE + "=").contains("HttpOnly").contains("Secure");
        HttpResponse<String> fromProvider = get(started.field("authorize_url"), null);
        Map<String, String> back = query(URI.create(header(fromProvider, "Location")));
        return new Linking(back.get("code"), back.get("state"), cookieValue(setCookie));
    }

    // ---- helpers ----

    private TestServer server(Map<String, String> extra) throws IOException {
        return server(extra, null, null);
    }

    private TestServer server(Map<String, String> extra, AuthHooks hooks) throws IOException {
        return server(extra, hooks, null);
    }

    private TestServer server(Map<String, String> extra, AuthHooks hooks, Duration timeout) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        stores = new CountingStores();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("base-url", "http://127.0.0.1:" + port);
        settings.put("oauth.mock.client-id", "accesspass-test");
        settings.put("oauth.mock.client-secret", "test-client-secret");
        settings.put("oauth.mock.scope", "openid email profile");
        settings.put("oauth.mock.authorize-url", provider.authorizationEndpointUrl("mock").toString());
        settings.put("oauth.mock.token-url", provider.tokenEndpointUrl("mock").toString());
        settings.put("oauth.mock.userinfo-url", provider.userInfoUrl("mock").toString());
        extra.forEach((key, value) -> settings.put(key, value.replace("{port}", Integer.toString(port))));
        TestServer.Builder builder = TestServer.builder().port(port).stores(stores.tokens(), stores.users());
        settings.forEach(builder::set);
        if (hooks != null) {
            builder.hooks(hooks);
        }
        if (timeout != null) {
            builder.customize(b -> b.oauthTimeout(timeout));
        }
        TestServer server = builder.start();
        cleanup.add(server);
        return server;
    }

    /** The next token the provider issues is for this subject with these claims (userinfo echoes them). */
    private static void issueNext(String subject, Map<String, Object> claims) {
        issueNext("mock", subject, claims);
    }

    private static void issueNext(String issuer, String subject, Map<String, Object> claims) {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback(issuer, subject, "JWT", List.of("accesspass-test"),
                claims, 3600));
    }

    /** Queues a profile that would log in: a verified email {@code <subject>@x.test}. */
    private static void issueGood(String subject) {
        issueNext(subject, Map.of("email", subject + "@x.test", "email_verified", true));
    }

    /**
     * Sends a callback that must be refused, and asserts the provider saw no request while it was handled: no code
     * exchange, no userinfo call.
     */
    private static HttpResponse<String> refusedWithoutProviderCall(Callable<HttpResponse<String>> callback)
            throws Exception {
        drainRecorded();
        HttpResponse<String> response = callback.call();
        assertRefused(response);
        assertThat(drainRecorded()).as("requests the provider saw during a refused callback").isEmpty();
        return response;
    }

    /** A 200 token response for the user of the queued profile of {@code subject}. */
    private static void assertLoggedIn(HttpResponse<String> response, String subject) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode tokens = MAPPER.readTree(response.body());
        assertThat(tokens.at("/user/identities/0/subject").asText()).isEqualTo(subject);
        assertThat(tokens.get("access_token").asText()).matches("[A-Za-z0-9_-]{43}");
    }

    /** The paths of everything the provider recorded since the last drain. */
    private static List<String> drainRecorded() {
        List<String> paths = new ArrayList<>();
        for (RecordedRequest request = takeRecorded(50); request != null; request = takeRecorded(50)) {
            paths.add(request.getMethod() + " " + request.getPath());
        }
        return paths;
    }

    /** A started login: the code the provider sent back, the state, and the binding cookie. */
    private record Started(String code, String state, String cookie) {
    }

    private Started start(TestServer server) throws Exception {
        return start(server, "mock");
    }

    private Started start(TestServer server, String providerName) throws Exception {
        HttpResponse<String> start = get(server.baseUrl() + "/auth/oauth/" + providerName, null);
        HttpResponse<String> fromProvider = get(header(start, "Location"), null);
        Map<String, String> back = query(URI.create(header(fromProvider, "Location")));
        return new Started(back.get("code"), back.get("state"), cookieValue(header(start, "Set-Cookie")));
    }

    private HttpResponse<String> login(TestServer server) throws Exception {
        Started started = start(server);
        return get(callbackUrl(server, "mock", started.code(), started.state()), started.cookie());
    }

    private static String callbackUrl(TestServer server, String name, String code, String state) {
        return server.baseUrl() + "/auth/oauth/" + name + "/callback?code=" + enc(code) + "&state=" + enc(state);
    }

    private static String local(TestServer server, URI callback) {
        // The callback as the browser would follow it, on the test server's address.
        return server.baseUrl() + callback.getRawPath() + "?" + callback.getRawQuery();
    }

    private HttpResponse<String> get(String url, String bindingCookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
        if (bindingCookie != null) {
            request.header("Cookie", COOKIE + "=" + bindingCookie);
        }
        return browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(MAPPER.readTree(response.body()).get("code").asText()).isEqualTo("oauth_failed");
        assertThat(header(response, "Cache-Control")).isEqualTo("no-store");
        assertThat(header(response, "Referrer-Policy")).isEqualTo("no-referrer");
    }

    private static RecordedRequest recorded(String path) throws InterruptedException {
        for (int i = 0; i < 20; i++) {
            RecordedRequest request = takeRecorded(1000);
            if (request == null) {
                break;
            }
            if (request.getPath() != null && request.getPath().startsWith(path)) {
                return request;
            }
        }
        throw new AssertionError("the provider recorded no request to " + path);
    }

    /** The next request the provider recorded, or null (the mock throws when its queue stays empty). */
    private static RecordedRequest takeRecorded(long millis) {
        try {
            return provider.takeRequest(millis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException empty) {
            return null;
        }
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    private static String cookieValue(String setCookie) {
        String pair = setCookie.split(";", 2)[0];
        return pair.substring(pair.indexOf('=') + 1);
    }

    private static Map<String, String> query(URI uri) {
        return form(uri.getRawQuery());
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (encoded == null) {
            return fields;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            fields.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return fields;
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
