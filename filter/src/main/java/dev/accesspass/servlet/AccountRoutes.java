package dev.accesspass.servlet;

import dev.accesspass.AccessPass;
import dev.accesspass.Authentication;
import dev.accesspass.ClientContext;
import dev.accesspass.StoreUnavailableException;
import dev.accesspass.TokenResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The account and token routes of API.md §1: {@code /register}, {@code /login}, {@code /refresh}, {@code /logout},
 * {@code /logout-all}, {@code /check}, {@code /me} and {@code DELETE /account}. Each reads its documented fields,
 * calls one {@link AccessPass} method and renders the result; the logic is in core. Thread-safe.
 */
final class AccountRoutes {
    private final AccessPass accessPass;
    private final int maxBodyBytes;

    private AccountRoutes(AccessPass accessPass) {
        this.accessPass = accessPass;
        this.maxBodyBytes = accessPass.config().maxBodyBytes();
    }

    /** Adds the account routes to {@code routes}. */
    static void register(Routes routes, AccessPass accessPass) {
        AccountRoutes account = new AccountRoutes(accessPass);
        routes.add("/register", "POST", false, account::register);
        routes.add("/login", "POST", false, account::login);
        routes.add("/refresh", "POST", false, account::refresh);
        routes.add("/logout", "POST", true, account::logout);
        routes.add("/logout-all", "POST", true, account::logoutAll);
        routes.add("/check", "GET", true, account::check);
        routes.add("/me", "GET", true, account::me);
        routes.add("/account", "DELETE", true, account::deleteAccount);
    }

    private void register(HttpServletRequest req, HttpServletResponse res, Authentication none) throws IOException {
        Map<String, String> body = fields(req, "username", "email", "password", "password_confirmation");
        Optional<TokenResponse> tokens = accessPass.register(body.get("username"), body.get("email"),
                body.get("password"), body.get("password_confirmation"), Clients.of(req), EmailRoutes.origin(req));
        if (tokens.isPresent()) {
            Responses.json(res, 201, Responses.tokens(tokens.get()));
        } else {
            Responses.json(res, 202, Map.of("status", "confirmation_required"));
        }
    }

    private void login(HttpServletRequest req, HttpServletResponse res, Authentication none) throws IOException {
        Map<String, String> body = fields(req, "username", "password");
        ClientContext client = Clients.of(req);
        TokenResponse tokens = accessPass.login(body.get("username"), body.get("password"), client);
        // The browser is known to this user from now on: failures from elsewhere cannot lock it out.
        try {
            res.addHeader("Set-Cookie", Clients.deviceCookieHeader(accessPass.rememberDevice(tokens.user().id(), client)));
        } catch (StoreUnavailableException lost) {
            // The login itself succeeded: without the cookie this browser is merely not (yet) a known device.
        }
        Responses.json(res, 200, Responses.tokens(tokens));
    }

    private void refresh(HttpServletRequest req, HttpServletResponse res, Authentication none) throws IOException {
        // A token that is not of our shape is refused by core before any store access.
        Map<String, String> body = fields(req, "refresh_token");
        Responses.json(res, 200, Responses.tokens(accessPass.refresh(body.get("refresh_token"))));
    }

    private void logout(HttpServletRequest req, HttpServletResponse res, Authentication auth) {
        accessPass.logout(auth);
        res.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private void logoutAll(HttpServletRequest req, HttpServletResponse res, Authentication auth) {
        accessPass.logoutAll(auth);
        res.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private void check(HttpServletRequest req, HttpServletResponse res, Authentication auth) throws IOException {
        Responses.json(res, 200, Responses.check(auth, accessPass.clock().instant()));
    }

    private void me(HttpServletRequest req, HttpServletResponse res, Authentication auth) throws IOException {
        Responses.json(res, 200, Responses.user(auth.user()));
    }

    private void deleteAccount(HttpServletRequest req, HttpServletResponse res, Authentication auth) {
        Map<String, String> body = fields(req, "password");
        accessPass.deleteAccount(auth, body.get("password"), req.getRemoteAddr());
        res.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private Map<String, String> fields(HttpServletRequest request, String... names) {
        return BodyReader.readFields(request, maxBodyBytes, Set.of(names));
    }
}
