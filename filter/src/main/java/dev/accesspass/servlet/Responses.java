package dev.accesspass.servlet;

import dev.accesspass.Authentication;
import dev.accesspass.TokenResponse;
import dev.accesspass.User;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders core results as the JSON shapes of API.md §1. Stateless. */
final class Responses {
    private Responses() {
    }

    static Map<String, Object> user(User user) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", user.id().value());
        json.put("username", user.username());
        json.put("email", user.email());
        json.put("email_confirmed", user.emailConfirmed());
        json.put("roles", user.sortedRoles());
        json.put("created_at", user.createdAt().toString());
        List<Map<String, Object>> identities = user.identities().stream()
                .map(i -> Map.<String, Object>of("provider", i.provider(), "subject", i.subject()))
                .toList();
        json.put("identities", identities);
        return json;
    }

    /** RFC 6749 §5.1 shape plus the user; hook fields after the standard ones. */
    static Map<String, Object> tokens(TokenResponse tokens) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("access_token", tokens.accessToken());
        json.put("token_type", tokens.tokenType());
        json.put("expires_in", tokens.expiresIn());
        json.put("refresh_token", tokens.refreshToken());
        json.put("refresh_expires_in", tokens.refreshExpiresIn());
        json.put("user", user(tokens.user()));
        tokens.extra().forEach(json::putIfAbsent);
        return json;
    }

    static Map<String, Object> check(Authentication auth, Instant now) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("active", true);
        json.put("user_id", auth.user().id().value());
        json.put("username", auth.user().username());
        json.put("roles", auth.user().sortedRoles());
        json.put("expires_in", auth.expiresIn(now));
        json.put("meta", auth.meta());
        json.put("session_id", auth.sessionId().value());
        json.put("amr", auth.amr());
        json.put("auth_time", auth.authTime().getEpochSecond());
        json.put("aal", auth.aal());
        return json;
    }

    static void json(HttpServletResponse response, int status, Object body) throws IOException {
        byte[] bytes = Json.write(body);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
