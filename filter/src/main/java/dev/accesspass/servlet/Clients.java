package dev.accesspass.servlet;

import dev.accesspass.AccessPass;
import dev.accesspass.ClientContext;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

/** Builds the {@link ClientContext} of a request: the one place the filter reads who is calling. */
final class Clients {

    private Clients() {
    }

    static ClientContext of(HttpServletRequest request) {
        // Raw values: core trims and checks them before it keeps or trusts any of them.
        return new ClientContext(request.getRemoteAddr(), request.getHeader("User-Agent"), deviceCookie(request));
    }

    /** The first device cookie the request carries, or null; its value is checked in core, never here. */
    static String deviceCookie(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (AccessPass.deviceCookieName().equals(cookie.getName())) {
                    return cookie.getValue();
                }
            }
        }
        return null;
    }

    /** The Set-Cookie value of a device cookie, with the attributes API.md §12 requires. */
    static String deviceCookieHeader(String value) {
        return AccessPass.deviceCookieName() + "=" + value + "; Max-Age=" + AccessPass.deviceCookieLifetime().toSeconds()
                + "; Path=/; Secure; HttpOnly; SameSite=Strict";
    }
}
