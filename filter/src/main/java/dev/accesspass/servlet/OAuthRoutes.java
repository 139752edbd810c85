package dev.accesspass.servlet;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassException;
import dev.accesspass.ErrorCode;
import dev.accesspass.MfaRequiredException;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code GET /oauth/{provider}}, {@code GET /oauth/{provider}/callback} and {@code POST /identities/{provider}/link}
 * (docs/HTTP-API.md): HTTP only; the flow lives in {@link AccessPass#startOAuth}, {@link AccessPass#startOAuthLink}
 * and {@link AccessPass#completeOAuth}. Query strings are read with {@link QueryString}, never the container's parser,
 * so a malformed one is a 4xx problem, not a 500 (SR-57).
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
        Optional<String> canonical = canonicalStart(accessPass, provider, request);
        if (canonical.isPresent()) {
            // The binding cookie is per host: set on 127.0.0.1 it would not come back with a callback to localhost.
            // The query (the page's flow value) goes along; it was just read strictly, so it is well-formed.
            String rawQuery = request.getQueryString();
            response.setStatus(HttpServletResponse.SC_FOUND);
            response.setHeader("Location", canonical.get() + (rawQuery == null || rawQuery.isEmpty() ? ""
                    : "?" + rawQuery));
            return;
        }
        OAuthStart start = accessPass.startOAuth(provider, flow(query), request.getRemoteAddr());
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
        OAuthStart start = accessPass.startOAuthLink(provider, accessToken, flow(query), request.getRemoteAddr());
        response.addHeader("Set-Cookie", bindingCookie(start.binding(), start.bindingMaxAge().toSeconds()));
        Responses.json(response, 200, Map.of("authorize_url", start.authorizationUrl().toString()));
    }

    private static void callback(AccessPass accessPass, String provider, HttpServletRequest request,
                                 HttpServletResponse response) throws IOException {
        response.setHeader("Referrer-Policy", "no-referrer");
        Optional<URI> successUrl = accessPass.config().oauthSuccessUrl();
        OAuthOutcome outcome;
        try {
            // The raw query, read strictly: the container's parser throws on %zz in Jetty (SR-57).
            Map<String, List<String>> query = query(request, ErrorCode.OAUTH_FAILED);
            OAuthCallback callback = new OAuthCallback(provider, QueryString.single(query, "code"),
                    QueryString.single(query, "state"), query.containsKey("error") ? "error" : null,
                    bindingValue(request).orElse(null), Clients.of(request));
            outcome = accessPass.completeOAuth(callback);
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
        if (e instanceof MfaRequiredException mfa) {
            // The login continues at /mfa/verify: the page gets the token instead of tokens (API.md §8).
            return "error=mfa_required&mfa_token=" + URLEncoder.encode(mfa.mfaToken(), StandardCharsets.UTF_8)
                    + "&mfa_methods=" + URLEncoder.encode(String.join(" ", mfa.methods()), StandardCharsets.UTF_8);
        }
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

}
