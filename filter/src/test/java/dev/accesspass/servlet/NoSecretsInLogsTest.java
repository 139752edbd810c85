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
import dev.accesspass.servlet.testing.LogCapture;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SR-66: the account journeys with the {@code smtp} mailer, every library logger at TRACE, and then a scan of every
 * captured event (message, arguments, MDC, throwable) for every secret the run produced: passwords, access,
 * refresh and reset tokens, and the SMTP password.
 */
class NoSecretsInLogsTest {
    private static final String PASSWORD = "correct horse battery";
    private static final String NEW_PASSWORD = "tulip kettle monsoon";
    private static final String CHANGED_PASSWORD = "orchid lantern gravel";
    private static final String SMTP_PASSWORD = "Smtp-S3cret-Value";

    @Test
    void sr66_noSecretReachesTheLog() {
        GreenMail greenMail = MailTesting.greenMail(MailTesting.freePort());
        greenMail.setUser("mailer@app.example", "mailer", SMTP_PASSWORD); // so the mailer really authenticates
        List<String> secrets = new ArrayList<>(List.of(PASSWORD, NEW_PASSWORD, CHANGED_PASSWORD, SMTP_PASSWORD));
        List<LogCapture> captures = new ArrayList<>();
        try {
            for (String logger : List.of("dev.accesspass", "org.eclipse.angus", "jakarta.mail")) {
                captures.add(LogCapture.of(logger, Level.TRACE));
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
                secrets.add(token(text(awaitMessage(greenMail, "alice@example.com", "Confirm"))));

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
                secrets.add(resetToken);
                assertThat(http.post("/auth/password/reset", "token", resetToken, "password", NEW_PASSWORD,
                        "password_confirmation", NEW_PASSWORD).status()).isEqualTo(204);

                Http.Reply again = http.login("alice", NEW_PASSWORD);
                collectTokens(again, secrets);
                assertThat(http.postJson("/auth/password/change", Http.json("current_password", NEW_PASSWORD,
                        "password", CHANGED_PASSWORD, "password_confirmation", CHANGED_PASSWORD),
                        again.field("access_token")).status()).isEqualTo(204);
                assertThat(http.postWithToken("/auth/logout", again.field("access_token")).status()).isEqualTo(204);
                assertThat(http.get("/api/hello", again.field("access_token")).status()).isEqualTo(401);
            }
        } finally {
            captures.forEach(LogCapture::close);
            greenMail.stop();
        }

        List<String> logged = new ArrayList<>();
        for (LogCapture capture : captures) {
            for (ILoggingEvent event : capture.events()) {
                logged.add(everything(event));
            }
        }
        assertThat(logged).as("the run logged something, so the scan means something").isNotEmpty();
        List<String> forms = new ArrayList<>();
        for (String secret : secrets) {
            forms.add(secret);
            forms.add(Base64.getEncoder().encodeToString(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        for (String line : logged) {
            for (String form : forms) {
                assertThat(line).as("a log event").doesNotContain(form);
            }
        }
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
