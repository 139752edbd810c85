package dev.accesspass.servlet;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.AccessPassException;
import dev.accesspass.Authentication;
import dev.accesspass.ErrorCode;
import dev.accesspass.FieldErrors;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The email routes of API.md §1: {@code /confirm} (GET and POST), {@code /confirm/resend}, {@code /password/forgot},
 * {@code /password/reset}, {@code /password/change} and {@code /username/forgot}. Each reads its documented fields
 * and calls one {@link AccessPass} method; the logic is in core. Thread-safe.
 *
 * <p>The three routes that mail an address someone typed answer 202 with one fixed body, whether or not the account
 * exists (SR-34). The routes a link lands on send {@code Referrer-Policy: no-referrer}, so the token in the URL
 * cannot leak to another site through a {@code Referer} header (SR-41).
 */
final class EmailRoutes {
    /** The one body of every "we will mail you if the account exists" answer. */
    static final Map<String, String> ACCEPTED = Map.of("status", "accepted");
    static final Map<String, String> CONFIRMED = Map.of("status", "confirmed");
    /** What our tokens look like: 32 random bytes in unpadded base64url. */
    private static final Pattern TOKEN_SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final AccessPass accessPass;
    private final int maxBodyBytes;

    private EmailRoutes(AccessPass accessPass) {
        this.accessPass = accessPass;
        this.maxBodyBytes = accessPass.config().maxBodyBytes();
    }

    /** Adds the email routes to {@code routes}. */
    static void register(Routes routes, AccessPass accessPass) {
        EmailRoutes email = new EmailRoutes(accessPass);
        routes.add("/confirm", "GET", false, email::confirmByLink);
        routes.add("/confirm", "POST", false, email::confirmByPost);
        routes.add("/confirm/resend", "POST", false, email::resend);
        routes.add("/password/forgot", "POST", false, email::forgotPassword);
        routes.add("/password/reset", "POST", false, email::resetPassword);
        routes.add("/password/change", "POST", true, email::changePassword);
        routes.add("/username/forgot", "POST", false, email::forgotUsername);
    }

    /** The pages a mailed link lands on: {@code GET /confirm} and {@code GET /email/change/confirm}. */
    enum Landing {
        CONFIRM("confirm", "Confirm your email address", "Press the button to confirm your email address.",
                "Confirm my email address", null),
        EMAIL_CHANGE("confirm", "Confirm your new email address",
                "Press the button to make this the email address of your account.", "Confirm my new email address",
                "email_change");

        /** The form's action, relative to the page, so it POSTs to the same path as the GET. */
        final String action;
        final String title;
        final String text;
        final String button;
        /** Added to the redirect as {@code flow=…} so one front-end page can tell the two links apart. */
        final String flow;

        Landing(String action, String title, String text, String button, String flow) {
            this.action = action;
            this.title = title;
            this.text = text;
            this.button = button;
            this.flow = flow;
        }
    }

    /**
     * {@code GET /confirm?token=T} changes nothing: mail scanners and link previews fetch links (SR-76). It answers a
     * small page whose button POSTs the token to {@code /confirm}, or, with {@code confirm-redirect-url} set, a 302
     * there with the token as a query parameter for the front end to POST. Only a token of our shape is put anywhere
     * (and escaped regardless); any other value is 401 {@code invalid_grant}, as the POST would say.
     */
    private void confirmByLink(HttpServletRequest req, HttpServletResponse res, Authentication none)
            throws IOException {
        linkLanding(req, res, accessPass.config(), Landing.CONFIRM);
    }

    /** The one implementation of every link landing page (see {@link #confirmByLink}). */
    static void linkLanding(HttpServletRequest req, HttpServletResponse res, AccessPassConfig config, Landing landing)
            throws IOException {
        res.setHeader("Referrer-Policy", "no-referrer");
        String token = queryToken(req.getQueryString());
        if (token == null || token.isEmpty()) {
            throw AccessPassException.validation(new FieldErrors().add("token", "is required"));
        }
        if (!TOKEN_SHAPE.matcher(token).matches()) {
            throw new AccessPassException(ErrorCode.INVALID_GRANT, "The confirmation link is invalid or has expired.");
        }
        Optional<URI> target = config.confirmRedirectUrl();
        if (target.isPresent()) {
            // The configured page only, never a request parameter (SR-45); the front end POSTs the token.
            String page = target.get().toString();
            res.setStatus(HttpServletResponse.SC_FOUND);
            res.setHeader("Location", page + (target.get().getRawQuery() == null ? "?" : "&") + "token=" + token
                    + (landing.flow == null ? "" : "&flow=" + landing.flow));
            return;
        }
        HtmlPages.write(res, 200, landing.title,
                "<p>" + HtmlPages.escape(landing.text) + "</p>"
                        + "<form method=\"post\" action=\"" + landing.action + "\">"
                        + "<input type=\"hidden\" name=\"token\" value=\"" + HtmlPages.escape(token) + "\">"
                        + "<button type=\"submit\">" + HtmlPages.escape(landing.button) + "</button></form>");
    }

    private void confirmByPost(HttpServletRequest req, HttpServletResponse res, Authentication none)
            throws IOException {
        res.setHeader("Referrer-Policy", "no-referrer");
        Map<String, String> body = fields(req, "token");
        accessPass.confirmEmail(body.get("token"));
        if (HtmlPages.wanted(req)) {
            // The form of the GET page posts here; a browser should see a page, not JSON.
            HtmlPages.write(res, 200, "Email address confirmed", "<p>Your email address is confirmed.</p>");
            return;
        }
        Responses.json(res, 200, CONFIRMED);
    }

    private void resend(HttpServletRequest req, HttpServletResponse res, Authentication none)
            throws IOException {
        Map<String, String> body = fields(req, "email");
        accessPass.resendConfirmation(body.get("email"), req.getRemoteAddr(), origin(req));
        Responses.json(res, 202, ACCEPTED);
    }

    private void forgotPassword(HttpServletRequest req, HttpServletResponse res, Authentication none)
            throws IOException {
        Map<String, String> body = fields(req, "username");
        accessPass.forgotPassword(body.get("username"), req.getRemoteAddr(), origin(req));
        Responses.json(res, 202, ACCEPTED);
    }

    private void resetPassword(HttpServletRequest req, HttpServletResponse res, Authentication none) {
        res.setHeader("Referrer-Policy", "no-referrer");
        Map<String, String> body = fields(req, "token", "password", "password_confirmation");
        accessPass.resetPassword(body.get("token"), body.get("password"), body.get("password_confirmation"),
                Clients.of(req));
        res.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private void changePassword(HttpServletRequest req, HttpServletResponse res, Authentication auth) {
        Map<String, String> body = fields(req, "current_password", "password", "password_confirmation");
        accessPass.changePassword(auth, body.get("current_password"), body.get("password"),
                body.get("password_confirmation"), Clients.of(req));
        res.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private void forgotUsername(HttpServletRequest req, HttpServletResponse res, Authentication none)
            throws IOException {
        Map<String, String> body = fields(req, "email");
        accessPass.forgotUsername(body.get("email"), req.getRemoteAddr());
        Responses.json(res, 202, ACCEPTED);
    }

    private Map<String, String> fields(HttpServletRequest request, String... names) {
        return BodyReader.readFields(request, maxBodyBytes, Set.of(names));
    }

    /**
     * The {@code token} query parameter of a confirmation link, read from the raw query string (never merged with a
     * body). Our tokens are base64url, so they need no percent-decoding; anything else simply fails the token check.
     * Missing or repeated is a validation error.
     */
    static String queryToken(String query) {
        String token = null;
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("token=")) {
                    if (token != null) {
                        throw AccessPassException.validation(new FieldErrors().add("token", BodyReader.REPEATED));
                    }
                    token = pair.substring("token=".length());
                }
            }
        }
        return token;
    }

    /**
     * The request's origin plus context path, for links built by the dev {@code log} mailer when {@code base-url}
     * is unset. {@code getServerName()} reflects the {@code Host} header, which is why no other mailer ever uses this
     * (SR-39). {@code null} if it does not form a valid URI.
     */
    static String origin(HttpServletRequest request) {
        try {
            String path = request.getContextPath();
            return new URI(request.getScheme(), null, request.getServerName(), request.getServerPort(),
                    path == null || path.isEmpty() ? null : path, null, null).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
