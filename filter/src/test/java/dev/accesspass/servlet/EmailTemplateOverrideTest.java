package dev.accesspass.servlet;

import static dev.accesspass.servlet.MailTesting.awaitMessage;
import static dev.accesspass.servlet.MailTesting.html;
import static dev.accesspass.servlet.MailTesting.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import dev.accesspass.AuthHooks;
import dev.accesspass.mail.MailContent;
import dev.accesspass.mail.MailContext;
import dev.accesspass.mail.MailTemplates;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Template overrides through the builder and through hooks, delivered over real SMTP (GreenMail). */
class EmailTemplateOverrideTest {
    private static final String PASSWORD = "correct horse battery";
    /** Allowed by the registration rules, and full of characters HTML must escape. */
    private static final String EMAIL = "o'brien&co@example.com";

    private GreenMail greenMail;

    @BeforeEach
    void startSmtp() {
        greenMail = MailTesting.greenMail(MailTesting.freePort());
    }

    @AfterEach
    void stopSmtp() {
        greenMail.stop();
    }

    private TestServer.Builder smtpServer() {
        return MailTesting.smtpServer(greenMail.getSmtp().getPort());
    }

    @Test
    void sr40_builderTemplatesOverrideAndEscapeUserValuesInHtml_hooksDecorateThem() {
        MailTemplates fromBuilder = new MailTemplates() {
            @Override
            public MailContent confirmEmail(MailContext c) {
                return new MailContent("Welcome to Acme", "Acme says hi " + c.user().email() + ": " + c.link(),
                        "<p>Hi <b>" + MailTemplates.escapeHtml(c.user().email()) + "</b> ("
                                + MailTemplates.escapeHtml(c.user().username()) + ")</p><a href=\""
                                + MailTemplates.escapeHtml(c.link()) + "\">go</a>");
            }
        };
        AuthHooks hooks = new AuthHooks() {
            @Override
            public MailTemplates mailTemplates(MailTemplates configured) {
                return new MailTemplates() {
                    @Override
                    public MailContent confirmEmail(MailContext c) {
                        return configured.confirmEmail(c);
                    }

                    @Override
                    public MailContent resetPassword(MailContext c) {
                        return new MailContent("Acme reset", "Reset here: " + c.link(), null);
                    }

                    @Override
                    public MailContent forgotUsername(MailContext c) {
                        throw new IllegalStateException("a broken template");
                    }
                };
            }
        };
        try (TestServer server = smtpServer().hooks(hooks)
                .customize(builder -> builder.mailTemplates(fromBuilder)).start()) {
            Http http = server.http();
            assertThat(http.post("/auth/register", "username", "obrien", "email", EMAIL, "password", PASSWORD,
                    "password_confirmation", PASSWORD).status()).isEqualTo(201);
            MimeMessage welcome = awaitMessage(greenMail, EMAIL, "Welcome to Acme");
            assertThat(text(welcome)).contains("Acme says hi " + EMAIL).contains("/auth/confirm?token=");
            assertThat(html(welcome)).contains("<b>o&#39;brien&amp;co@example.com</b> (obrien)")
                    .doesNotContain(EMAIL);

            http.post("/auth/password/forgot", "username", "obrien");
            MimeMessage reset = awaitMessage(greenMail, EMAIL, "Acme reset");
            assertThat(text(reset)).startsWith("Reset here: https://app.example/reset-password?token=");
            assertThat(html(reset)).isNull();

            // A failing override is logged and the built-in text goes out instead.
            http.post("/auth/username/forgot", "email", EMAIL);
            MimeMessage username = awaitMessage(greenMail, EMAIL, "Your username");
            assertThat(text(username)).contains("obrien");
            assertThat(html(username)).contains("<strong>obrien</strong>");
        }
    }
}
