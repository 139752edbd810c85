package dev.accesspass.servlet;

import static dev.accesspass.servlet.MailTesting.awaitMessage;
import static dev.accesspass.servlet.MailTesting.html;
import static dev.accesspass.servlet.MailTesting.link;
import static dev.accesspass.servlet.MailTesting.pathAndQuery;
import static dev.accesspass.servlet.MailTesting.recipient;
import static dev.accesspass.servlet.MailTesting.subject;
import static dev.accesspass.servlet.MailTesting.text;
import static dev.accesspass.servlet.MailTesting.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.store.Identity;
import dev.accesspass.testing.Http;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The security notices through real SMTP (GreenMail): after a password change, an email change (the request's
 * notice and the completed change, both to the OLD address), an identity removal, and a login from a new device
 * with {@code notify-new-device}; each to the right address, saying from which address and browser, and without a
 * token or a link. With {@code notify-security-changes=false} none is sent.
 */
class SecurityNoticesTest {
    private static final String PASSWORD = "correct horse battery";
    private static final String AGENT = "NoticeBrowser/1.0";
    private static GreenMail greenMail;
    private static TestServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        greenMail = MailTesting.greenMail(MailTesting.freePort());
        server = MailTesting.smtpServer(greenMail.getSmtp().getPort()).set("notify-new-device", "true").start();
        http = server.http();
    }

    @AfterAll
    static void stop() {
        server.close();
        greenMail.stop();
    }

    private static Http.Reply send(String method, String path, String bearer, String json) {
        return http.send(method, path, json == null ? null : "application/json",
                json == null ? null : json.getBytes(StandardCharsets.UTF_8),
                bearer == null ? Map.of("User-Agent", AGENT) : Map.of("User-Agent", AGENT, "Authorization",
                        "Bearer " + bearer));
    }

    /** A notice: says where it came from, carries no token and no link of any kind. */
    private static void assertNotice(MimeMessage notice) {
        for (String part : new String[] {text(notice), html(notice)}) {
            assertThat(part).contains("127.0.0.1").contains(AGENT)
                    .doesNotContainPattern("[A-Za-z0-9_-]{43}").doesNotContain("token").doesNotContain("http")
                    .doesNotContain("href");
        }
    }

    @Test
    void sr12_passwordChangeNoticeGoesToTheAccountWithoutAToken() {
        String token = send("POST", "/auth/register", null, Http.json("username", "pat", "email", "pat@example.com",
                "password", PASSWORD, "password_confirmation", PASSWORD)).field("access_token");

        assertThat(send("POST", "/auth/password/change", token, Http.json("current_password", PASSWORD,
                "password", "tulip kettle monsoon", "password_confirmation", "tulip kettle monsoon")).status())
                .isEqualTo(204);

        MimeMessage notice = awaitMessage(greenMail, "pat@example.com", "Your password was changed");
        assertNotice(notice);
    }

    @Test
    void emailChangeMailsTheLinkToTheNewAddressAndNoticesToTheOldOne() {
        String token = send("POST", "/auth/register", null, Http.json("username", "emma", "email",
                "emma@example.com", "password", PASSWORD, "password_confirmation", PASSWORD)).field("access_token");

        assertThat(send("POST", "/auth/email/change", token, Http.json("password", PASSWORD, "new_email",
                "emma@new.example")).status()).isEqualTo(202);

        MimeMessage confirm = awaitMessage(greenMail, "emma@new.example", "Confirm your new email address");
        String link = link(text(confirm));
        assertThat(link).startsWith("https://app.example/auth/email/change/confirm?token=");
        MimeMessage requested = awaitMessage(greenMail, "emma@example.com", "change of your email address");
        assertNotice(requested);
        assertThat(text(requested)).contains("emma@new.example");

        assertThat(http.get(pathAndQuery(link), null).status()).isEqualTo(200);
        assertThat(send("POST", "/auth/email/change/confirm", null, Http.json("token", token(link))).status())
                .isEqualTo(200);

        MimeMessage changed = awaitMessage(greenMail, "emma@example.com", "Your email address was changed");
        assertNotice(changed);
        assertThat(text(changed)).contains("emma@new.example");
        assertThat(Arrays.stream(greenMail.getReceivedMessages())
                .filter(m -> subject(m).contains("Your email address was changed")).map(MailTesting::recipient))
                .containsOnly("emma@example.com");
    }

    @Test
    void identityRemovalIsAnnounced() {
        String token = send("POST", "/auth/register", null, Http.json("username", "ivan", "email",
                "ivan@example.com", "password", PASSWORD, "password_confirmation", PASSWORD)).field("access_token");
        server.accessPass().userStore().linkIdentity(server.accessPass().findUser("ivan").orElseThrow().id(),
                new Identity("github", "ivan-gh", Map.of(), server.clock().instant()));

        assertThat(send("DELETE", "/auth/identities/github", token, Http.json("password", PASSWORD)).status())
                .isEqualTo(204);

        MimeMessage notice = awaitMessage(greenMail, "ivan@example.com", "A login was removed from your account");
        assertNotice(notice);
        assertThat(text(notice)).contains("github");
    }

    @Test
    void aLoginFromANewDeviceIsAnnouncedWhenAskedFor() {
        send("POST", "/auth/register", null, Http.json("username", "nina", "email", "nina@example.com",
                "password", PASSWORD, "password_confirmation", PASSWORD));

        assertThat(send("POST", "/auth/login", null, Http.json("username", "nina", "password", PASSWORD)).status())
                .isEqualTo(200);

        MimeMessage notice = awaitMessage(greenMail, "nina@example.com", "New sign-in to your account");
        assertNotice(notice);
        assertThat(recipient(notice)).isEqualTo("nina@example.com");
    }

    @Test
    void aBrowserWithTheUsersDeviceCookieIsNotANewDevice() {
        GreenMail own = MailTesting.greenMail(MailTesting.freePort());
        try {
            try (TestServer devices = MailTesting.smtpServer(own.getSmtp().getPort())
                    .set("notify-new-device", "true").start()) {
                Http deviceHttp = devices.http();
                deviceHttp.register("rita", PASSWORD);
                Http.Reply first = deviceHttp.login("rita", PASSWORD);
                String cookie = first.header("Set-Cookie").orElseThrow().split(";", 2)[0];
                assertThat(cookie).startsWith("__Host-accesspass-device=");

                Http.Reply known = deviceHttp.send("POST", "/auth/login", "application/json",
                        Http.json("username", "rita", "password", PASSWORD).getBytes(StandardCharsets.UTF_8),
                        Map.of("Cookie", cookie));
                assertThat(known.status()).isEqualTo(200);
                Http.Reply forged = deviceHttp.send("POST", "/auth/login", "application/json",
                        Http.json("username", "rita", "password", PASSWORD).getBytes(StandardCharsets.UTF_8),
                        Map.of("Cookie", "__Host-accesspass-device=" + "A".repeat(43)));
                assertThat(forged.status()).isEqualTo(200);
            }
            // Closing drained the queue: the cookie-less first login and the forged cookie were announced, the
            // browser holding rita's own cookie was not.
            assertThat(Arrays.stream(own.getReceivedMessages()).map(MailTesting::subject)
                    .filter("New sign-in to your account"::equals)).hasSize(2);
        } finally {
            own.stop();
        }
    }

    @Test
    void withNotificationsOffNoNoticeIsSent() {
        GreenMail quiet = MailTesting.greenMail(MailTesting.freePort());
        try {
            try (TestServer off = MailTesting.smtpServer(quiet.getSmtp().getPort())
                    .set("notify-security-changes", "false").start()) {
                Http offHttp = off.http();
                String token = offHttp.register("olga", PASSWORD).field("access_token");
                assertThat(offHttp.postJson("/auth/password/change", Http.json("current_password", PASSWORD,
                        "password", "tulip kettle monsoon", "password_confirmation", "tulip kettle monsoon"), token)
                        .status()).isEqualTo(204);
                assertThat(offHttp.login("olga", "tulip kettle monsoon").status()).isEqualTo(200);
            }
            // Closing the server drained the mail queue: only the registration's confirmation went out.
            assertThat(Arrays.stream(quiet.getReceivedMessages()).map(MailTesting::subject))
                    .containsExactly("Confirm your email address");
        } finally {
            quiet.stop();
        }
    }
}
