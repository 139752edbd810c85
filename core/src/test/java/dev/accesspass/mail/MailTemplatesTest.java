package dev.accesspass.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accesspass.User;
import dev.accesspass.UserId;
import jakarta.mail.internet.AddressException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Escaping, the built-in texts, subject sanitising and the SMTP mailer's recipient check (SR-12, SR-40). */
class MailTemplatesTest {
    private static final User USER = new User(new UserId("u1"), "o.brien", "o'brien&co@example.com", false,
            Set.of(), Instant.parse("2026-01-01T00:00:00Z"), List.of());

    @Test
    void sr40_escapeHtmlEscapesTheFiveSpecialCharacters() {
        assertThat(MailTemplates.escapeHtml("<script>alert(\"x\" & 'y')</script>"))
                .isEqualTo("&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
        assertThat(MailTemplates.escapeHtml("plain.name-1")).isEqualTo("plain.name-1");
        assertThat(MailTemplates.escapeHtml(null)).isEmpty();
    }

    @Test
    void builtInTextsCarryTheLinkAndItsLifetime_andTheNoticeCarriesNoLink() {
        String link = "https://app.example/auth/confirm?token=" + "a".repeat(43);
        MailContent confirm = MailTemplates.defaults().confirmEmail(
                new MailContext(USER, link, Duration.ofHours(24), Instant.EPOCH));
        assertThat(confirm.text()).contains(link).contains("24 hours");
        assertThat(confirm.html()).contains("href=\"" + link + "\"");
        MailContent reset = MailTemplates.defaults().resetPassword(
                new MailContext(USER, link, Duration.ofMinutes(30), Instant.EPOCH));
        assertThat(reset.text()).contains(link).contains("30 minutes");
        MailContent notice = MailTemplates.defaults().passwordChanged(new MailContext(USER, null, null, Instant.EPOCH));
        assertThat(notice.text() + notice.html()).doesNotContain("token").doesNotContain("http");
        MailContent username = MailTemplates.defaults().forgotUsername(new MailContext(USER, null, null, Instant.EPOCH));
        assertThat(username.text()).contains("o.brien");
    }

    @Test
    void sr40_subjectsLoseLineBreaks() {
        MailContent content = new MailContent("Hello\r\nBcc: evil@evil.example", "text", null);
        assertThat(content.subject()).doesNotContain("\r").doesNotContain("\n");
        assertThat(new MailMessage("a@example.com", "x\ny", "t", null, "k").subject()).isEqualTo("x y");
    }

    @Test
    void sr40_smtpRecipientMustBeOneBareAddress() throws AddressException {
        assertThat(SmtpMailer.bareAddress("o'brien&co@example.com").getAddress()).isEqualTo("o'brien&co@example.com");
        for (String bad : List.of("a@example.com\r\nBcc: evil@evil.example", "\"Evil\" <a@example.com>",
                "a@example.com, b@example.com", "a@example.com (comment)", "group: a@example.com;", "",
                "a@example.com\u0000", "ä@example.com")) {
            assertThatThrownBy(() -> SmtpMailer.bareAddress(bad)).as(bad).isInstanceOf(AddressException.class);
        }
    }

    @Test
    void logMailerKeepsABoundedOutbox() {
        Mailer log = Mailer.log();
        for (int i = 0; i < LogMailer.CAPACITY + 5; i++) {
            try {
                log.send(new MailMessage("a@example.com", "s" + i, "t", null, "k"));
            } catch (MailDeliveryException e) {
                throw new AssertionError(e);
            }
        }
        List<SentMail> outbox = log.outbox().orElseThrow();
        assertThat(outbox).hasSize(LogMailer.CAPACITY);
        assertThat(outbox.get(0).message().subject()).isEqualTo("s5");
        assertThat(Mailer.smtp(dev.accesspass.AccessPassConfig.builder().set("mailer", "smtp")
                .set("smtp-host", "127.0.0.1").set("base-url", "https://app.example").build()).outbox()).isEmpty();
    }
}
