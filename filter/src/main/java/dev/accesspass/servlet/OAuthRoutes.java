package dev.accesspass.servlet;

import dev.accesspass.AccessPass;
import dev.accesspass.TokenResponse;
import dev.accesspass.oauth.OAuthCallback;
import dev.accesspass.oauth.OAuthStart;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code GET /oauth/{provider}} and {@code GET /oauth/{provider}/callback} (API.md §1): HTTP only; the flow lives in
 * {@link AccessPass#startOAuth} and {@link AccessPass#completeOAuth}.
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
    }

    private static void start(AccessPass accessPass, String provider, HttpServletRequest request,
                              HttpServletResponse response) {
        response.setHeader("Referrer-Policy", "no-referrer");
        OAuthStart start = accessPass.startOAuth(provider, request.getRemoteAddr());
        response.addHeader("Set-Cookie", bindingCookie(start.binding(), start.bindingMaxAge().toSeconds()));
        response.setStatus(HttpServletResponse.SC_FOUND);
        // setHeader, not sendRedirect: the container must not rewrite the provider's URL.
        response.setHeader("Location", start.authorizationUrl().toString());
    }

    private static void callback(AccessPass accessPass, String provider, HttpServletRequest request,
                                 HttpServletResponse response) throws IOException {
        response.setHeader("Referrer-Policy", "no-referrer");
        OAuthCallback callback = new OAuthCallback(provider, single(request, "code"), single(request, "state"),
                request.getParameterValues("error") == null ? null : "error", bindingValue(request).orElse(null),
                request.getRemoteAddr());
        TokenResponse tokens = accessPass.completeOAuth(callback);
        // The binding has done its job; the state it guarded is used up.
        response.addHeader("Set-Cookie", bindingCookie("", 0));
        Optional<URI> successUrl = accessPass.config().oauthSuccessUrl();
        if (successUrl.isPresent()) {
            response.setStatus(HttpServletResponse.SC_FOUND);
            response.setHeader("Location", successUrl.get() + "#" + fragment(tokens));
        } else {
            Responses.json(response, 200, Responses.tokens(tokens));
        }
    }

    /**
     * The token response as {@code application/x-www-form-urlencoded} for the URL fragment: {@code access_token},
     * {@code token_type}, {@code expires_in}, {@code refresh_token} and, unless refresh tokens never expire,
     * {@code refresh_expires_in}. The user object is not in it: the page asks {@code /me}.
     */
    static String fragment(TokenResponse tokens) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("access_token", tokens.accessToken());
        fields.put("token_type", tokens.tokenType());
        fields.put("expires_in", Long.toString(tokens.expiresIn()));
        fields.put("refresh_token", tokens.refreshToken());
        if (tokens.refreshExpiresIn() != null) {
            fields.put("refresh_expires_in", Long.toString(tokens.refreshExpiresIn()));
        }
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

    /** A parameter given exactly once; a repeated one is as good as missing. */
    private static String single(HttpServletRequest request, String name) {
        String[] values = request.getParameterValues(name);
        return values != null && values.length == 1 ? values[0] : null;
    }
}
