package dev.accesspass.servlet;

import static dev.accesspass.servlet.MailTesting.awaitMessage;
import static dev.accesspass.servlet.MailTesting.html;
import static dev.accesspass.servlet.MailTesting.link;
import static dev.accesspass.servlet.MailTesting.pathAndQuery;
import static dev.accesspass.servlet.MailTesting.text;
import static dev.accesspass.servlet.MailTesting.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import dev.accesspass.AuthHooks;
import dev.accesspass.event.ConfirmationEvent;
import dev.accesspass.event.PasswordResetEvent;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The email journeys end to end: real Jetty, real SMTP (GreenMail), following the links in delivered messages. */
class EmailJourneyTest {
    private static final String PASSWORD = "correct horse battery";
    private static final String NEW_PASSWORD = "tulip kettle monsoon";

    private GreenMail greenMail;
    private final List<Object> events = new CopyOnWriteArrayList<>();
    private final AuthHooks recording = new AuthHooks() {
        @Override
        public void afterConfirmation(ConfirmationEvent event) {
            events.add(event);
        }

        @Override
        public void afterPasswordReset(PasswordResetEvent event) {
            events.add(event);
        }
    };

    @BeforeEach
    void startSmtp() {
        greenMail = MailTesting.greenMail(MailTesting.freePort());
    }

    @AfterEach
    void stopSmtp() {
        greenMail.stop();
    }

    private TestServer.Builder smtpServer() {
        return MailTesting.smtpServer(greenMail.getSmtp().getPort())
                .set("mail-from", "no-reply@app.example")
                .hooks(recording);
    }

    @Test
    void sr36_confirmJourney_requireConfirmedEmail() {
        try (TestServer server = smtpServer().set("require-confirmed-email", "true").start()) {
            Http http = server.http();
            Http.Reply registered = http.register("alice", PASSWORD);
            assertThat(registered.status()).isEqualTo(202);
            assertThat(registered.text()).isEqualTo("{\"status\":\"confirmation_required\"}");
            Http.Reply early = http.login("alice", PASSWORD);
            assertThat(early.status()).isEqualTo(403);
            assertThat(early.code()).isEqualTo("email_not_confirmed");

            MimeMessage mail = awaitMessage(greenMail, "alice@example.com", "Confirm");
            String link = link(text(mail));
            assertThat(link).startsWith("https://app.example/auth/confirm?token=");
            assertThat(html(mail)).contains("href=\"https://app.example/auth/confirm?token=");

            // Opening the link shows a page and changes nothing (SR-76); its button POSTs the token.
            Http.Reply page = http.get(pathAndQuery(link), null);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.text()).contains("name=\"token\"");
            assertThat(events).isEmpty();
            String token = link.substring(link.indexOf("token=") + "token=".length());
            Http.Reply confirmed = http.post("/auth/confirm", "token", token);
            assertThat(confirmed.status()).isEqualTo(200);
            assertThat(confirmed.text()).isEqualTo("{\"status\":\"confirmed\"}");
            assertThat(confirmed.header("Referrer-Policy")).contains("no-referrer");
            assertThat(events).hasSize(1).first().isInstanceOf(ConfirmationEvent.class);
            assertThat(((ConfirmationEvent) events.get(0)).user().emailConfirmed()).isTrue();

            Http.Reply login = http.login("alice", PASSWORD);
            assertThat(login.status()).isEqualTo(200);
            assertThat(login.json().get("user").get("email_confirmed").asBoolean()).isTrue();

            // SR-37: the second use changes nothing and says invalid_grant.
            Http.Reply again = http.post("/auth/confirm", "token", token);
            assertThat(again.status()).isEqualTo(401);
            assertThat(again.code()).isEqualTo("invalid_grant");
            assertThat(events).hasSize(1);
        }
    }

    @Test
    void sr12_resetJourney_revokesSessionsAndSendsNoticeWithoutSecrets() throws Exception {
        try (TestServer server = smtpServer().set("reset-password-url", "https://app.example/reset").start()) {
            Http http = server.http();
            Http.Reply first = http.register("bob", PASSWORD);
            assertThat(first.status()).isEqualTo(201);
            awaitMessage(greenMail, "bob@example.com", "Confirm");
            Http.Reply second = http.login("bob", PASSWORD);

            assertThat(http.post("/auth/password/forgot", "username", "bob").status()).isEqualTo(202);
            MimeMessage mail = awaitMessage(greenMail, "bob@example.com", "Reset");
            String link = link(text(mail));
            assertThat(link).startsWith("https://app.example/reset?token=");
            String token = token(link);

            // SR-38: a refused password leaves the token working.
            Http.Reply weak = http.post("/auth/password/reset", "token", token, "password", "bob",
                    "password_confirmation", "bob");
            assertThat(weak.status()).isEqualTo(400);
            assertThat(weak.code()).isEqualTo("validation_failed");
            Http.Reply same = http.post("/auth/password/reset", "token", token, "password", "bob@example.com",
                    "password_confirmation", "bob@example.com");
            assertThat(same.status()).isEqualTo(400);
            assertThat(same.json().get("errors").get("password").get(0).asText()).contains("username or email");

            Http.Reply reset = http.post("/auth/password/reset", "token", token, "password", NEW_PASSWORD,
                    "password_confirmation", NEW_PASSWORD);
            assertThat(reset.status()).isEqualTo(204);
            assertThat(reset.body()).isEmpty();
            assertThat(reset.header("Referrer-Policy")).contains("no-referrer");
            assertThat(events).hasSize(1).first().isInstanceOf(PasswordResetEvent.class);

            for (Http.Reply session : List.of(first, second)) {
                assertThat(http.get("/auth/check", session.field("access_token")).status()).isEqualTo(401);
                Http.Reply refresh = http.post("/auth/refresh", "refresh_token", session.field("refresh_token"));
                assertThat(refresh.status()).isEqualTo(401);
                assertThat(refresh.code()).isEqualTo("invalid_grant");
            }
            assertThat(http.login("bob", PASSWORD).status()).isEqualTo(401);
            assertThat(http.login("bob", NEW_PASSWORD).status()).isEqualTo(200);
            Http.Reply reused = http.post("/auth/password/reset", "token", token, "password", "another good one",
                    "password_confirmation", "another good one");
            assertThat(reused.status()).isEqualTo(401);
            assertThat(reused.code()).isEqualTo("invalid_grant");

            MimeMessage notice = awaitMessage(greenMail, "bob@example.com", "password was changed");
            String noticeText = text(notice) + html(notice);
            assertThat(noticeText).doesNotContain(NEW_PASSWORD).doesNotContain(token).doesNotContain("token=");
        }
    }

    @Test
    void forgotUsernameJourney_knownAndUnknownLookTheSame() {
        try (TestServer server = smtpServer().start()) {
            Http http = server.http();
            assertThat(http.register("carol.k", PASSWORD).status()).isEqualTo(201);
            awaitMessage(greenMail, "carol.k@example.com", "Confirm");

            Http.Reply known = http.post("/auth/username/forgot", "email", "CAROL.K@example.com");
            Http.Reply unknown = http.post("/auth/username/forgot", "email", "nobody@example.com");
            assertThat(known.status()).isEqualTo(202);
            assertThat(unknown.status()).isEqualTo(202);
            assertThat(known.text()).isEqualTo(unknown.text()).isEqualTo("{\"status\":\"accepted\"}");

            // Sent to the stored address, not to the spelling that was typed.
            MimeMessage mail = awaitMessage(greenMail, "carol.k@example.com", "username");
            assertThat(text(mail)).contains("carol.k");
            assertThat(MailTesting.awaitMessages(greenMail, 2)).hasSize(2);
            // Closing drains the mail queue: the job for the unknown address has run, so its absence is final.
            server.close();
            assertThat(greenMail.getReceivedMessages()).hasSize(2);
            assertThat(greenMail.getReceivedMessagesForDomain("nobody@example.com")).isEmpty();
        }
    }

    @Test
    void sr39_linksIgnoreHostAndForwardedHeaders() throws IOException {
        try (TestServer server = smtpServer().start()) {
            assertThat(server.http().register("dave", PASSWORD).status()).isEqualTo(201);
            awaitMessage(greenMail, "dave@example.com", "Confirm");
            Http.Reply reply = server.raw().send(null, "POST", "/auth/password/forgot", List.of(
                    "Host: evil.example", "X-Forwarded-Host: evil.example", "X-Forwarded-Proto: http",
                    "Forwarded: host=evil.example;proto=http", "Content-Type: application/json"),
                    "{\"username\":\"dave\"}".getBytes(StandardCharsets.US_ASCII));
            assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
            MimeMessage mail = awaitMessage(greenMail, "dave@example.com", "Reset");
            assertThat(link(text(mail))).startsWith("https://app.example/reset-password?token=");
            assertThat(text(mail) + html(mail)).doesNotContain("evil.example");
        }
    }

    @Test
    void sr40_headerInjectionAddressesAreRefusedAndNothingIsSent() {
        try (TestServer server = smtpServer().start()) {
            Http http = server.http();
            for (String email : List.of("a@example.com\r\nBcc: evil@evil.example", "\"Evil\" <a@example.com>",
                    "a@example.com, evil@evil.example")) {
                Http.Reply reply = http.post("/auth/register", "username", "erin", "email", email,
                        "password", PASSWORD, "password_confirmation", PASSWORD);
                assertThat(reply.status()).as(email).isEqualTo(400);
                Http.Reply resend = http.post("/auth/confirm/resend", "email", email);
                assertThat(resend.status()).as(email).isEqualTo(400);
            }
            assertThat(http.register("erin", PASSWORD).status()).isEqualTo(201);
            awaitMessage(greenMail, "erin@example.com", "Confirm");
            assertThat(greenMail.getReceivedMessagesForDomain("evil.example")).isEmpty();
            assertThat(greenMail.getReceivedMessages()).hasSize(1);
        }
    }
}
