package dev.accesspass.servlet;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassException;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code GET /oauth/{provider}} and {@code GET /oauth/{provider}/callback} (docs/HTTP-API.md): HTTP only; the flow lives in
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
        Optional<String> canonical = canonicalStart(accessPass, provider, request);
        if (canonical.isPresent()) {
            // The binding cookie is per host: set on 127.0.0.1 it would not come back with a callback to localhost.
            response.setStatus(HttpServletResponse.SC_FOUND);
            response.setHeader("Location", canonical.get());
            return;
        }
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
        Optional<URI> successUrl = accessPass.config().oauthSuccessUrl();
        TokenResponse tokens;
        try {
            tokens = accessPass.completeOAuth(callback);
        } catch (AccessPassException e) {
            // A browser is on this URL: it gets the front end, or a page, not raw problem JSON.
            response.addHeader("Set-Cookie", bindingCookie("", 0));
            if (successUrl.isPresent()) {
                response.setStatus(HttpServletResponse.SC_FOUND);
                response.setHeader("Location", successUrl.get() + "#" + errorFragment(e));
                return;
            }
            if (acceptsHtml(request)) {
                failurePage(request, response, e);
                return;
            }
            throw e;
        }
        // The binding has done its job; the state it guarded is used up.
        response.addHeader("Set-Cookie", bindingCookie("", 0));
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

    /**
     * In development, {@code base-url} names one loopback host ({@code http://localhost:8080}) and the page may be
     * open on another ({@code 127.0.0.1}): the start is sent to the same route on {@code base-url} first, so the
     * binding cookie is set on the host the callback comes back to. Only between loopback names: behind a reverse
     * proxy that rewrites {@code Host}, a redirect on any mismatch would loop.
     */
    static Optional<String> canonicalStart(AccessPass accessPass, String provider, HttpServletRequest request) {
        Optional<URI> base = accessPass.config().baseUrl();
        String host = request.getServerName();
        if (base.isEmpty() || host == null || base.get().getHost() == null) {
            return Optional.empty();
        }
        String baseHost = base.get().getHost();
        if (!loopback(baseHost) || !loopback(host) || baseHost.equalsIgnoreCase(host)
                || !accessPass.config().oauthProviders().containsKey(provider)) {
            return Optional.empty();
        }
        String origin = base.get().toString().replaceAll("/+$", "");
        return Optional.of(origin + accessPass.config().prefix() + "/oauth/" + provider);
    }

    private static boolean loopback(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        return name.equals("localhost") || name.equals("127.0.0.1") || name.equals("[::1]") || name.equals("::1");
    }

    /** {@code error=<code>&error_description=<detail>}, form-encoded like the token fragment. */
    static String errorFragment(AccessPassException e) {
        return "error=" + URLEncoder.encode(e.code().code(), StandardCharsets.UTF_8)
                + "&error_description=" + URLEncoder.encode(e.getMessage(), StandardCharsets.UTF_8);
    }

    private static boolean acceptsHtml(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
    }

    /** A small page with the problem's status: what went wrong, in words, and where to start again. */
    private static void failurePage(HttpServletRequest request, HttpServletResponse response,
                                    AccessPassException e) throws IOException {
        response.setStatus(e.code().status());
        e.retryAfter().ifPresent(after -> response.setHeader("Retry-After", Long.toString(after.toSeconds())));
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Content-Security-Policy", "default-src 'none'");
        response.getWriter().write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"referrer\" content=\"no-referrer\"><title>Login failed</title></head>"
                + "<body><h1>Login failed</h1><p>" + escape(e.getMessage()) + "</p>"
                + "<p>Error code: <code>" + escape(e.code().code()) + "</code></p>"
                + "<p><a href=\"" + escape(request.getContextPath() + "/") + "\">Back to the start page</a></p>"
                + "</body></html>\n");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
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
