package dev.accesspass.servlet;

import dev.accesspass.AccessPass;
import dev.accesspass.Authentication;
import dev.accesspass.ClientContext;
import dev.accesspass.StoreUnavailableException;
import dev.accesspass.TokenResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The passkey routes of API.md §10: registration and login ceremonies, re-authentication options, and the user's
 * list ({@code GET}, {@code PATCH} to rename, {@code DELETE}). The passkey forms of {@code /mfa/verify} and
 * {@code /reauth} are {@link MfaRoutes}', which hand a body with a {@code credential} here. Bodies with a credential
 * are read by {@link BodyReader#readCeremony} within its tight limits. HTTP only; the logic is in core.
 * Thread-safe.
 */
final class PasskeyRoutes {
    private final AccessPass accessPass;
    private final int maxBodyBytes;

    private PasskeyRoutes(AccessPass accessPass) {
        this.accessPass = accessPass;
        this.maxBodyBytes = accessPass.config().maxBodyBytes();
    }

    static void register(Routes routes, AccessPass accessPass) {
        PasskeyRoutes passkeys = new PasskeyRoutes(accessPass);
        routes.add("/passkeys/register/options", "POST", true, passkeys::registrationOptions);
        routes.add("/passkeys/register", "POST", true, passkeys::register);
        routes.add("/passkeys", "GET", true, passkeys::list);
        routes.add("/passkeys/login/options", "POST", false, passkeys::loginOptions);
        routes.add("/passkeys/login", "POST", false, passkeys::login);
        routes.add("/passkeys/reauth/options", "POST", true, passkeys::reauthOptions);
        routes.addTemplate("/passkeys/{id}", "DELETE", true, passkeys::remove);
        routes.addTemplate("/passkeys/{id}", "PATCH", true, passkeys::rename);
    }

    private void registrationOptions(HttpServletRequest req, HttpServletResponse res, Authentication auth)
            throws IOException {
        BodyReader.readFields(req, maxBodyBytes, Set.of());
        options(res, accessPass.passkeyRegistrationOptions(auth));
    }

    private void register(HttpServletRequest req, HttpServletResponse res, Authentication auth) throws IOException {
        BodyReader.CeremonyBody body = BodyReader.readCeremony(req, maxBodyBytes, Set.of("ceremony", "name"));
        AccessPass.Passkey passkey = accessPass.registerPasskey(auth, body.fields().get("ceremony"),
                body.credential(), body.fields().get("name"), Clients.of(req));
        Responses.json(res, 201, json(passkey));
    }

    private void list(HttpServletRequest req, HttpServletResponse res, Authentication auth) throws IOException {
        List<Map<String, Object>> list = accessPass.passkeys(auth).stream().map(PasskeyRoutes::json).toList();
        Responses.json(res, 200, Map.of("passkeys", list));
    }

    private void loginOptions(HttpServletRequest req, HttpServletResponse res, Authentication none)
            throws IOException {
        Map<String, String> body = BodyReader.readFields(req, maxBodyBytes, Set.of("mfa_token"));
        options(res, accessPass.passkeyLoginOptions(body.get("mfa_token"), Clients.of(req)));
    }

    private void login(HttpServletRequest req, HttpServletResponse res, Authentication none) throws IOException {
        BodyReader.CeremonyBody body = BodyReader.readCeremony(req, maxBodyBytes, Set.of("ceremony"));
        ClientContext client = Clients.of(req);
        TokenResponse tokens = accessPass.loginWithPasskey(body.fields().get("ceremony"), body.credential(), client);
        rememberDevice(res, tokens, client, accessPass);
        Responses.json(res, 200, Responses.tokens(tokens));
    }

    private void reauthOptions(HttpServletRequest req, HttpServletResponse res, Authentication auth)
            throws IOException {
        BodyReader.readFields(req, maxBodyBytes, Set.of());
        options(res, accessPass.passkeyReauthOptions(auth, Clients.of(req)));
    }

    private void remove(HttpServletRequest req, HttpServletResponse res, Authentication auth,
                        Map<String, String> params) {
        BodyReader.readFields(req, maxBodyBytes, Set.of());
        accessPass.removePasskey(auth, params.get("id"), Clients.of(req));
        res.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private void rename(HttpServletRequest req, HttpServletResponse res, Authentication auth,
                        Map<String, String> params) throws IOException {
        Map<String, String> body = BodyReader.readFields(req, maxBodyBytes, Set.of("name"));
        Responses.json(res, 200, json(accessPass.renamePasskey(auth, params.get("id"), body.get("name"))));
    }

    /** As after a password login: this browser is known to the user from now on. */
    static void rememberDevice(HttpServletResponse res, TokenResponse tokens, ClientContext client,
                               AccessPass accessPass) {
        try {
            res.addHeader("Set-Cookie", Clients.deviceCookieHeader(accessPass.rememberDevice(tokens.user().id(),
                    client)));
        } catch (StoreUnavailableException lost) {
            // The login succeeded; the browser is merely not (yet) a known device.
        }
    }

    private static void options(HttpServletResponse res, AccessPass.PasskeyOptions options) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ceremony", options.ceremony());
        out.put("publicKey", options.publicKey());
        Responses.json(res, 200, out);
    }

    static Map<String, Object> json(AccessPass.Passkey passkey) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", passkey.id());
        json.put("name", passkey.name());
        json.put("created_at", passkey.createdAt().toString());
        json.put("last_used_at", passkey.lastUsedAt() == null ? null : passkey.lastUsedAt().toString());
        return json;
    }
}
