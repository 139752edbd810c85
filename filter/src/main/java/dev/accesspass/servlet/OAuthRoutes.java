package dev.accesspass.servlet;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassException;
import dev.accesspass.ErrorCode;
import dev.accesspass.FieldErrors;
import dev.accesspass.TokenResponse;
import dev.accesspass.oauth.OAuthCallback;
import dev.accesspass.oauth.OAuthOutcome;
import dev.accesspass.oauth.OAuthStart;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code GET /oauth/{provider}}, {@code GET /oauth/{provider}/callback} (API.md §1) and
 * {@code POST /identities/{provider}/link} (§7): HTTP only; the flow lives in {@link AccessPass#startOAuth},
 * {@link AccessPass#startOAuthLink} and {@link AccessPass#completeOAuth}. Query strings are read with
 * {@link QueryString}, never the container's parser, so a malformed one is a 4xx (SR-57).
 *
 * <p>A page may pass {@code flow} (its own random value) when it starts; the success URL's fragment carries it back,
 * so the page can refuse a fragment it did not ask for (a crafted {@code #access_token=…} link).
 *
 * <p>Both answers carry {@code Referrer-Policy: no-referrer} (SR-41), so neither the code and state in the callback
 * URL nor the authorization URL leak through a {@code Referer}; the filter adds {@code Cache-Control: no-store}. The
 * only redirect targets are the provider's authorization URL and the configured {@code oauth-success-url}: no
 * request parameter can choose one (SR-45). Tokens go to the success URL in the fragment only, never the query
 * (SR-46). Stateless, thread-safe.
 */
final class OAuthRoutes {
    /** Holds the browser-binding value between the start and the callback (SR-42). */
    static final String BINDING_COOKIE = "__Host-accesspass-oauth";

    private OAuthRoutes() {
    }

    static void register(Routes routes, AccessPass accessPass) {
        routes.addTemplate("/oauth/{provider}", "GET", false,
                (req, res, auth, params) -> start(accessPass, params.get("provider"), req, res));
        routes.addTemplate("/oauth/{provider}/callback", "GET", false,
                (req, res, auth, params) -> callback(accessPass, params.get("provider"), req, res));
        routes.addTemplate("/identities/{provider}/link", "POST", true,
                (req, res, auth, params) -> link(accessPass, params.get("provider"), req, res));
    }

    /** {@code GET /oauth/{provider}[?flow=F]}: 302 to the provider. */
    private static void start(AccessPass accessPass, String provider, HttpServletRequest request,
                              HttpServletResponse response) {
        response.setHeader("Referrer-Policy", "no-referrer");
        Map<String, List<String>> query = query(request, ErrorCode.VALIDATION_FAILED);
        OAuthStart start = accessPass.startOAuth(provider, flow(query));
        response.addHeader("Set-Cookie", bindingCookie(start.binding(), start.bindingMaxAge().toSeconds()));
        response.setStatus(HttpServletResponse.SC_FOUND);
        // setHeader, not sendRedirect: the container must not rewrite the provider's URL.
        response.setHeader("Location", start.authorizationUrl().toString());
    }

    /**
     * {@code POST /identities/{provider}/link[?flow=F]} (Bearer): 200 {@code {"authorize_url":"…"}} for the browser
     * to open, and the binding cookie, so only this browser can finish the link, and only while this session lives.
     */
    private static void link(AccessPass accessPass, String provider, HttpServletRequest request,
                             HttpServletResponse response) throws IOException {
        response.setHeader("Referrer-Policy", "no-referrer");
        Map<String, List<String>> query = query(request, ErrorCode.VALIDATION_FAILED);
        String accessToken = BearerCredentials.from(request).token().orElseThrow(() -> new AccessPassException(
                ErrorCode.INVALID_TOKEN, "The access token is missing, invalid, expired or revoked."));
        OAuthStart start = accessPass.startOAuthLink(provider, accessToken, flow(query));
        response.addHeader("Set-Cookie", bindingCookie(start.binding(), start.bindingMaxAge().toSeconds()));
        Responses.json(response, 200, Map.of("authorize_url", start.authorizationUrl().toString()));
    }

    private static void callback(AccessPass accessPass, String provider, HttpServletRequest request,
                                 HttpServletResponse response) throws IOException {
        response.setHeader("Referrer-Policy", "no-referrer");
        // The raw query, read strictly: the container's parser throws on %zz in Jetty (SR-57).
        Map<String, List<String>> query = query(request, ErrorCode.OAUTH_FAILED);
        OAuthCallback callback = new OAuthCallback(provider, QueryString.single(query, "code"),
                QueryString.single(query, "state"), query.containsKey("error") ? "error" : null,
                bindingValue(request).orElse(null), request.getRemoteAddr());
        OAuthOutcome outcome = accessPass.completeOAuth(callback);
        // The binding has done its job; the state it guarded is used up.
        response.addHeader("Set-Cookie", bindingCookie("", 0));
        Optional<URI> successUrl = accessPass.config().oauthSuccessUrl();
        if (outcome instanceof OAuthOutcome.Linked linked) {
            if (successUrl.isPresent()) {
                response.setStatus(HttpServletResponse.SC_FOUND);
                response.setHeader("Location", successUrl.get() + "#" + linkedFragment(linked));
            } else {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("status", "linked");
                body.put("user", Responses.user(linked.user()));
                Responses.json(response, 200, body);
            }
            return;
        }
        OAuthOutcome.LoggedIn loggedIn = (OAuthOutcome.LoggedIn) outcome;
        if (successUrl.isPresent()) {
            response.setStatus(HttpServletResponse.SC_FOUND);
            response.setHeader("Location", successUrl.get() + "#" + fragment(loggedIn.tokens(), loggedIn.flow()));
        } else {
            Responses.json(response, 200, Responses.tokens(loggedIn.tokens()));
        }
    }

    private static Map<String, List<String>> query(HttpServletRequest request, ErrorCode onMalformed) {
        return QueryString.parse(request.getQueryString()).orElseThrow(() -> onMalformed == ErrorCode.OAUTH_FAILED
                ? new AccessPassException(ErrorCode.OAUTH_FAILED, "The OAuth login failed. Please start it again.")
                : AccessPassException.validation(new FieldErrors().add("query", "is not a valid query string")));
    }

    private static String flow(Map<String, List<String>> query) {
        if (query.containsKey("flow") && QueryString.single(query, "flow") == null) {
            throw AccessPassException.validation(new FieldErrors().add("flow", BodyReader.REPEATED));
        }
        return QueryString.single(query, "flow");
    }

    /** {@code status=linked&provider=…} and the start's {@code flow}; the page asks {@code /me} for the user. */
    static String linkedFragment(OAuthOutcome.Linked linked) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("status", "linked");
        fields.put("provider", linked.provider());
        if (linked.flow() != null) {
            fields.put("flow", linked.flow());
        }
        return form(fields);
    }

    /**
     * The token response as {@code application/x-www-form-urlencoded} for the URL fragment: {@code access_token},
     * {@code token_type}, {@code expires_in}, {@code refresh_token} and, unless refresh tokens never expire,
     * {@code refresh_expires_in}. The user object is not in it: the page asks {@code /me}.
     */
    static String fragment(TokenResponse tokens) {
        return fragment(tokens, null);
    }

    /** {@link #fragment(TokenResponse)} plus {@code flow}, the value the page gave at the start, when it gave one. */
    static String fragment(TokenResponse tokens, String flow) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("access_token", tokens.accessToken());
        fields.put("token_type", tokens.tokenType());
        fields.put("expires_in", Long.toString(tokens.expiresIn()));
        fields.put("refresh_token", tokens.refreshToken());
        if (tokens.refreshExpiresIn() != null) {
            fields.put("refresh_expires_in", Long.toString(tokens.refreshExpiresIn()));
        }
        if (flow != null) {
            fields.put("flow", flow);
        }
        return form(fields);
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** {@code __Host-}: Secure, Path=/ and no Domain, so no sibling subdomain can plant or read it. */
    private static String bindingCookie(String value, long maxAgeSeconds) {
        return BINDING_COOKIE + "=" + value + "; Max-Age=" + maxAgeSeconds + "; Path=/; Secure; HttpOnly; SameSite=Lax";
    }

    private static Optional<String> bindingValue(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie cookie : cookies) {
            if (BINDING_COOKIE.equals(cookie.getName())) {
                return Optional.of(cookie.getValue());
            }
        }
        return Optional.empty();
    }

}
