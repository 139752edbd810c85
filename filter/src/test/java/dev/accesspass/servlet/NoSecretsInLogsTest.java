package dev.accesspass.servlet;

import static dev.accesspass.servlet.MailTesting.awaitMessage;
import static dev.accesspass.servlet.MailTesting.text;
import static dev.accesspass.servlet.MailTesting.token;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import com.icegreen.greenmail.util.GreenMail;
import dev.accesspass.servlet.testing.JulCapture;
import dev.accesspass.servlet.testing.LogCapture;
import dev.accesspass.Totp;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SR-66: the account journeys with the {@code smtp} mailer, every library logger at TRACE, and then a scan of every
 * captured event (message, arguments, MDC, throwable) for every secret the run produced: passwords, access,
 * refresh and reset tokens, and the SMTP password, each also in the Base64 forms SMTP AUTH sends (LOGIN sends the
 * password alone, PLAIN sends {@code authzid\0user\0password} as one string).
 *
 * <p>The library logs through SLF4J (captured with logback); Jakarta Mail and Eclipse Angus Mail log through
 * {@code java.util.logging}, so they are captured there, down to Angus' SMTP protocol trace at FINEST. Every capture
 * must have seen events, or the scan would prove nothing.
 */
class NoSecretsInLogsTest {
    private static final String PASSWORD = "correct horse battery";
    private static final String NEW_PASSWORD = "tulip kettle monsoon";
    private static final String CHANGED_PASSWORD = "orchid lantern gravel";
    private static final String SMTP_PASSWORD = "Smtp-S3cret-Value";
    private static final String PROTOCOL_LOGGER = "org.eclipse.angus.mail.smtp.protocol";

    @Test
    void sr66_noSecretReachesTheLog() {
        GreenMail greenMail = MailTesting.greenMail(MailTesting.freePort());
        greenMail.setUser("mailer@app.example", "mailer", SMTP_PASSWORD); // so the mailer really authenticates
        List<String> secrets = new ArrayList<>(List.of(PASSWORD, NEW_PASSWORD, CHANGED_PASSWORD, SMTP_PASSWORD));
        // The confirmation and reset tokens: secrets everywhere except inside the email that carries them.
        List<String> mailedTokens = new ArrayList<>();
        List<LogCapture> captures = new ArrayList<>();
        List<JulCapture> mailCaptures = new ArrayList<>();
        try {
            captures.add(LogCapture.of("dev.accesspass", Level.TRACE));
            for (String logger : List.of("org.eclipse.angus", "jakarta.mail")) {
                mailCaptures.add(JulCapture.of(logger));
            }
            try (TestServer server = MailTesting.smtpServer(greenMail.getSmtp().getPort())
                    .set("smtp-user", "mailer")
                    .set("smtp-password", SMTP_PASSWORD)
                    .set("reset-password-url", "https://app.example/reset")
                    .start()) {
                Http http = server.http();
                Http.Reply registered = http.register("alice", PASSWORD);
                assertThat(registered.status()).isEqualTo(201);
                collectTokens(registered, secrets);
                mailedTokens.add(token(text(awaitMessage(greenMail, "alice@example.com", "Confirm"))));

                Http.Reply wrong = http.login("alice", "not the password");
                assertThat(wrong.status()).isEqualTo(401);
                secrets.add("not the password");
                Http.Reply login = http.login("alice@example.com", PASSWORD);
                assertThat(login.status()).isEqualTo(200);
                collectTokens(login, secrets);

                Http.Reply refreshed = http.post("/auth/refresh", "refresh_token", login.field("refresh_token"));
                assertThat(refreshed.status()).isEqualTo(200);
                collectTokens(refreshed, secrets);
                assertThat(http.get("/auth/check", refreshed.field("access_token")).status()).isEqualTo(200);
                // Reuse outside the grace window is not needed here; a repeat inside it must not log the pair.
                assertThat(http.post("/auth/refresh", "refresh_token", login.field("refresh_token")).status())
                        .isEqualTo(200);

                assertThat(http.post("/auth/password/forgot", "username", "alice").status()).isEqualTo(202);
                String resetToken = token(text(awaitMessage(greenMail, "alice@example.com", "Reset")));
                mailedTokens.add(resetToken);
                assertThat(http.post("/auth/password/reset", "token", resetToken, "password", NEW_PASSWORD,
                        "password_confirmation", NEW_PASSWORD).status()).isEqualTo(204);

                Http.Reply again = http.login("alice", NEW_PASSWORD);
                collectTokens(again, secrets);
                assertThat(http.postJson("/auth/password/change", Http.json("current_password", NEW_PASSWORD,
                        "password", CHANGED_PASSWORD, "password_confirmation", CHANGED_PASSWORD),
                        again.field("access_token")).status()).isEqualTo(204);
                secondFactorJourney(server, http, CHANGED_PASSWORD, again.field("access_token"), secrets);
                assertThat(http.postWithToken("/auth/logout", again.field("access_token")).status()).isEqualTo(204);
                assertThat(http.get("/api/hello", again.field("access_token")).status()).isEqualTo(401);
            }
        } finally {
            captures.forEach(LogCapture::close);
            mailCaptures.forEach(JulCapture::close);
            greenMail.stop();
        }

        List<String> logged = new ArrayList<>();
        List<String> mailBodies = new ArrayList<>();
        for (LogCapture capture : captures) {
            assertThat(capture.events()).as("events captured from %s", "dev.accesspass").isNotEmpty();
            for (ILoggingEvent event : capture.events()) {
                logged.add(everything(event));
            }
        }
        for (JulCapture capture : mailCaptures) {
            assertThat(capture.texts()).as("java.util.logging records captured from %s", capture.name())
                    .isNotEmpty();
            // Angus' FINEST protocol trace is the wire: between DATA and the closing dot it is the email itself,
            // which carries its link by design. Everything else, including the AUTH exchange, is a log line.
            boolean inData = false;
            for (String text : capture.texts()) {
                String message = text.substring(text.indexOf(": ") + 2).strip();
                boolean protocol = text.startsWith(PROTOCOL_LOGGER + ":");
                if (protocol && message.equals(".")) {
                    inData = false;
                }
                (inData ? mailBodies : logged).add(text);
                if (protocol && message.startsWith("354")) {
                    inData = true;
                }
            }
        }
        // The SMTP conversation itself was seen (so an AUTH line would have been), and the email bodies in it.
        assertThat(logged).as("Angus' SMTP protocol trace")
                .anySatisfy(line -> assertThat(line).startsWith(PROTOCOL_LOGGER + ":").contains("MAIL FROM:"));
        assertThat(String.join("\n", mailBodies)).as("the emails in the SMTP trace").contains(mailedTokens);
        List<String> forms = new ArrayList<>();
        for (String secret : secrets) {
            forms.add(secret);
            forms.add(base64(secret));
        }
        // SMTP AUTH PLAIN: one Base64 string of authzid NUL user NUL password, with an empty or repeated authzid.
        forms.add(base64("\0mailer\0" + SMTP_PASSWORD));
        forms.add(base64("mailer\0mailer\0" + SMTP_PASSWORD));
        List<String> mailedForms = new ArrayList<>();
        for (String token : mailedTokens) {
            mailedForms.add(token);
            mailedForms.add(base64(token));
        }
        for (String line : logged) {
            for (String form : forms) {
                assertThat(line).as("a log event").doesNotContain(form);
            }
            for (String form : mailedForms) {
                assertThat(line).as("a log event").doesNotContain(form);
            }
        }
        for (String line : mailBodies) {
            for (String form : forms) {
                assertThat(line).as("an email in the SMTP trace").doesNotContain(form);
            }
        }
    }

    /**
     * TOTP on, a login through {@code mfa_required} with a wrong and a right code, a recovery code, a re-authentication
     * and TOTP off: the secret, the otpauth URI, every code, recovery code and {@code mfa_token} join the secrets.
     */
    private static void secondFactorJourney(TestServer server, Http http, String password, String access,
                                            List<String> secrets) {
        Http.Reply setup = http.postJson("/auth/mfa/totp/setup", Http.json("password", password), access);
        assertThat(setup.status()).isEqualTo(200);
        String secret = setup.field("secret");
        secrets.add(secret);
        secrets.add(setup.field("otpauth_uri"));
        Instant now = server.clock().instant();
        String first = Totp.codeAt(secret, now);
        secrets.add(first);
        Http.Reply confirmed = http.postJson("/auth/mfa/totp/confirm", Http.json("code", first), access);
        assertThat(confirmed.status()).isEqualTo(200);
        List<String> recovery = new ArrayList<>();
        confirmed.json().path("recovery_codes").forEach(code -> recovery.add(code.asText()));
        secrets.addAll(recovery);

        Http.Reply challenged = http.login("alice", password);
        assertThat(challenged.status()).isEqualTo(403);
        String mfaToken = challenged.json().path("mfa_token").asText();
        secrets.add(mfaToken);
        String next = Totp.codeAt(secret, now.plusSeconds(30));
        String wrong = next.equals("000000") ? "111111" : "000000";
        assertThat(http.postJson("/auth/mfa/verify", Http.json("mfa_token", mfaToken, "code", wrong), null)
                .status()).isEqualTo(401);
        secrets.add(next);
        Http.Reply verified = http.postJson("/auth/mfa/verify", Http.json("mfa_token", mfaToken, "code", next), null);
        assertThat(verified.status()).isEqualTo(200);
        collectTokens(verified, secrets);

        Http.Reply again = http.login("alice", password);
        String second = again.json().path("mfa_token").asText();
        secrets.add(second);
        Http.Reply recovered = http.postJson("/auth/mfa/verify",
                Http.json("mfa_token", second, "recovery_code", recovery.get(0)), null);
        assertThat(recovered.status()).isEqualTo(200);
        collectTokens(recovered, secrets);

        server.clock().advance(Duration.ofSeconds(30));
        String third = Totp.codeAt(secret, now.plusSeconds(60));
        secrets.add(third);
        assertThat(http.postJson("/auth/reauth", Http.json("code", third), verified.field("access_token")).status())
                .isEqualTo(200);
        assertThat(http.send("DELETE", "/auth/mfa/totp", "application/json",
                Http.json("password", password).getBytes(StandardCharsets.UTF_8),
                Map.of("Authorization", "Bearer " + access)).status()).isEqualTo(204);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void collectTokens(Http.Reply reply, List<String> secrets) {
        for (String field : List.of("access_token", "refresh_token")) {
            String value = reply.field(field);
            if (value != null) {
                secrets.add(value);
            }
        }
    }

    private static String everything(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(event.getFormattedMessage()).append('\n');
        if (event.getArgumentArray() != null) {
            for (Object argument : event.getArgumentArray()) {
                text.append(argument).append('\n');
            }
        }
        for (Map.Entry<String, String> entry : event.getMDCPropertyMap().entrySet()) {
            text.append(entry.getKey()).append('=').append(entry.getValue()).append('\n');
        }
        IThrowableProxy throwable = event.getThrowableProxy();
        if (throwable != null) {
            text.append(ThrowableProxyUtil.asString(throwable));
        }
        return text.toString();
    }
}
