package dev.accesspass.servlet;

import dev.accesspass.AccessPass;
import dev.accesspass.Authentication;
import dev.accesspass.ClientContext;
import dev.accesspass.TokenResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The second-factor routes of API.md §8: {@code /mfa/totp/setup}, {@code /mfa/totp/confirm}, {@code DELETE
 * /mfa/totp}, {@code /mfa/recovery-codes} and {@code /mfa/verify}. HTTP only; the logic is in core. Thread-safe.
 */
final class MfaRoutes {
    private final AccessPass accessPass;
    private final int maxBodyBytes;

    private MfaRoutes(AccessPass accessPass) {
        this.accessPass = accessPass;
        this.maxBodyBytes = accessPass.config().maxBodyBytes();
    }

    static void register(Routes routes, AccessPass accessPass) {
        MfaRoutes mfa = new MfaRoutes(accessPass);
        routes.add("/mfa/totp/setup", "POST", true, mfa::setup);
        routes.add("/mfa/totp/confirm", "POST", true, mfa::confirm);
        routes.add("/mfa/totp", "DELETE", true, mfa::disable);
        routes.add("/mfa/recovery-codes", "POST", true, mfa::regenerate);
        routes.add("/mfa/verify", "POST", false, mfa::verify);
        routes.add("/reauth", "POST", true, mfa::reauth);
    }

    private void setup(HttpServletRequest req, HttpServletResponse res, Authentication auth) throws IOException {
        Map<String, String> body = fields(req, "password");
        AccessPass.TotpSetup setup = accessPass.setupTotp(auth, body.get("password"), Clients.of(req));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("secret", setup.secret());
        out.put("otpauth_uri", setup.otpauthUri());
        Responses.json(res, 200, out);
    }

    private void confirm(HttpServletRequest req, HttpServletResponse res, Authentication auth) throws IOException {
        Map<String, String> body = fields(req, "code");
        codes(res, accessPass.confirmTotp(auth, body.get("code"), Clients.of(req)));
    }

    private void disable(HttpServletRequest req, HttpServletResponse res, Authentication auth) {
        Map<String, String> body = fields(req, "password", "code");
        accessPass.disableTotp(auth, body.get("password"), body.get("code"), Clients.of(req));
        res.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private void regenerate(HttpServletRequest req, HttpServletResponse res, Authentication auth) throws IOException {
        Map<String, String> body = fields(req, "code");
        codes(res, accessPass.regenerateRecoveryCodes(auth, body.get("code"), Clients.of(req)));
    }

    private void verify(HttpServletRequest req, HttpServletResponse res, Authentication none) throws IOException {
        // A passkey step carries a credential object, so the body is read as a ceremony body (tighter limits).
        BodyReader.CeremonyBody read = BodyReader.readCeremony(req, maxBodyBytes,
                Set.of("mfa_token", "code", "recovery_code", "ceremony"));
        Map<String, String> body = read.fields();
        ClientContext client = Clients.of(req);
        TokenResponse tokens;
        if (body.containsKey("ceremony") || read.credential() != null) {
            tokens = accessPass.verifyMfaWithPasskey(body.get("mfa_token"), body.get("ceremony"), read.credential(),
                    client);
        } else {
            tokens = accessPass.verifyMfa(body.get("mfa_token"), body.get("code"), body.get("recovery_code"), client);
        }
        PasskeyRoutes.rememberDevice(res, tokens, client, accessPass);
        Responses.json(res, 200, Responses.tokens(tokens));
    }

    private void reauth(HttpServletRequest req, HttpServletResponse res, Authentication auth) throws IOException {
        BodyReader.CeremonyBody read = BodyReader.readCeremony(req, maxBodyBytes,
                Set.of("password", "code", "ceremony"));
        Map<String, String> body = read.fields();
        AccessPass.Reauthenticated done = body.containsKey("ceremony") || read.credential() != null
                ? accessPass.reauthenticateWithPasskey(auth, body.get("ceremony"), read.credential(), Clients.of(req))
                : accessPass.reauthenticate(auth, body.get("password"), body.get("code"), Clients.of(req));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("auth_time", done.authTime().getEpochSecond());
        out.put("amr", done.amr());
        out.put("aal", done.aal());
        Responses.json(res, 200, out);
    }

    private static void codes(HttpServletResponse res, List<String> codes) throws IOException {
        Responses.json(res, 200, Map.of("recovery_codes", codes));
    }

    private Map<String, String> fields(HttpServletRequest request, String... names) {
        return BodyReader.readFields(request, maxBodyBytes, Set.of(names));
    }
}
