package dev.accesspass.servlet;

import dev.accesspass.AccessPass;
import dev.accesspass.Authentication;
import dev.accesspass.SessionId;
import dev.accesspass.User;
import dev.accesspass.store.LiveSession;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The self-service routes of API.md §7: {@code GET /sessions}, {@code DELETE /sessions/{id}},
 * {@code POST /logout-others}, the email change ({@code POST /email/change}, {@code GET} and {@code POST
 * /email/change/confirm}) and {@code DELETE /identities/{provider}}. Each reads its documented fields and calls one
 * {@link AccessPass} method; the logic is in core. Thread-safe.
 */
final class SessionRoutes {
    static final Map<String, String> CONFIRMATION_SENT = Map.of("status", "confirmation_sent");

    private final AccessPass accessPass;
    private final int maxBodyBytes;

    private SessionRoutes(AccessPass accessPass) {
        this.accessPass = accessPass;
        this.maxBodyBytes = accessPass.config().maxBodyBytes();
    }

    /** Adds these routes to {@code routes}. */
    static void register(Routes routes, AccessPass accessPass) {
        SessionRoutes self = new SessionRoutes(accessPass);
        routes.add("/sessions", "GET", true, self::list);
        routes.addTemplate("/sessions/{id}", "DELETE", true, self::end);
        routes.add("/logout-others", "POST", true, self::logoutOthers);
        routes.add("/email/change", "POST", true, self::requestEmailChange);
        routes.add("/email/change/confirm", "GET", false, self::confirmEmailChangeByLink);
        routes.add("/email/change/confirm", "POST", false, self::confirmEmailChange);
        routes.addTemplate("/identities/{provider}", "DELETE", true, self::unlinkIdentity);
    }

    private void list(HttpServletRequest req, HttpServletResponse res, Authentication auth) throws IOException {
        List<Map<String, Object>> sessions = accessPass.sessions(auth.user().id()).stream()
                .map(session -> session(session, auth.sessionId()))
                .toList();
        Responses.json(res, 200, Map.of("sessions", sessions));
    }

    private void end(HttpServletRequest req, HttpServletResponse res, Authentication auth, Map<String, String> params) {
        // Any string may arrive here; core answers 404 not_found for every id that is not one of the caller's.
        accessPass.endSession(auth, new SessionId(params.get("id")));
        res.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private void logoutOthers(HttpServletRequest req, HttpServletResponse res, Authentication auth) {
        accessPass.logoutOthers(auth);
        res.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private void requestEmailChange(HttpServletRequest req, HttpServletResponse res, Authentication auth)
            throws IOException {
        Map<String, String> body = fields(req, "password", "new_email");
        accessPass.requestEmailChange(auth, body.get("password"), body.get("new_email"), Clients.of(req),
                EmailRoutes.origin(req));
        Responses.json(res, 202, CONFIRMATION_SENT);
    }

    /** Changes nothing, exactly like {@code GET /confirm} (mail scanners fetch links): the same landing code. */
    private void confirmEmailChangeByLink(HttpServletRequest req, HttpServletResponse res, Authentication none)
            throws IOException {
        EmailRoutes.linkLanding(req, res, accessPass.config(), EmailRoutes.Landing.EMAIL_CHANGE);
    }

    private void confirmEmailChange(HttpServletRequest req, HttpServletResponse res, Authentication none)
            throws IOException {
        res.setHeader("Referrer-Policy", "no-referrer");
        Map<String, String> body = fields(req, "token");
        User user = accessPass.confirmEmailChange(body.get("token"), Clients.of(req));
        if (HtmlPages.wanted(req)) {
            HtmlPages.write(res, 200, "Email address changed",
                    "<p>Your account now uses " + HtmlPages.escape(user.email()) + ".</p>");
            return;
        }
        Responses.json(res, 200, Responses.user(user));
    }

    private void unlinkIdentity(HttpServletRequest req, HttpServletResponse res, Authentication auth,
                                Map<String, String> params) {
        Map<String, String> body = fields(req, "password");
        accessPass.unlinkIdentity(auth, params.get("provider"), body.get("password"), Clients.of(req));
        res.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    /** The session object of API.md §7. */
    static Map<String, Object> session(LiveSession session, SessionId current) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", session.id().value());
        json.put("current", session.id().equals(current));
        json.put("created_at", session.createdAt().toString());
        json.put("last_used_at", session.lastUsedAt().toString());
        json.put("ip", session.metadata().address());
        json.put("user_agent", session.metadata().userAgent());
        json.put("method", session.metadata().method());
        json.put("amr", session.metadata().amr());
        json.put("auth_time", session.metadata().authTime().toString());
        json.put("aal", session.metadata().aal());
        return json;
    }

    private Map<String, String> fields(HttpServletRequest request, String... names) {
        return BodyReader.readFields(request, maxBodyBytes, Set.of(names));
    }
}
