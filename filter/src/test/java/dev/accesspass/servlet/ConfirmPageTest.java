package dev.accesspass.servlet;

import static dev.accesspass.servlet.MailTesting.awaitToken;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.User;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * SR-76, API.md §1: {@code GET /confirm} changes nothing (mail scanners fetch links); it answers a small, safe page
 * whose button POSTs the token, and that form post gets a small HTML page back.
 */
class ConfirmPageTest {
    private static final String PASSWORD = "correct horse battery";
    private static final Pattern HIDDEN_TOKEN =
            Pattern.compile("<input type=\"hidden\" name=\"token\" value=\"([A-Za-z0-9_-]{43})\">");

    @Test
    void sr76_getConfirmChangesNothingAndAnswersAPageThatPostsTheToken() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            http.register("grace", PASSWORD);
            String token = awaitToken(server.accessPass(), "grace@example.com", "confirm_email", 1);

            // A mail scanner fetches the link, twice.
            for (int i = 0; i < 2; i++) {
                Http.Reply page = http.get("/auth/confirm?token=" + token, null);
                assertThat(page.status()).isEqualTo(200);
                assertThat(page.header("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("text/html"));
                assertThat(page.header("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                        .contains("default-src 'none'").contains("form-action 'self'")
                        .contains("frame-ancestors 'none'"));
                assertThat(page.header("Referrer-Policy")).hasValue("no-referrer");
                assertThat(page.header("X-Frame-Options")).hasValue("DENY");
                assertThat(page.header("Cache-Control")).hasValue("no-store");
                assertThat(page.text()).contains("<form method=\"post\" action=\"confirm\">")
                        .contains("<meta name=\"referrer\" content=\"no-referrer\">")
                        .doesNotContain("<script").doesNotContain("href=");
                Matcher hidden = HIDDEN_TOKEN.matcher(page.text());
                assertThat(hidden.find()).as(page.text()).isTrue();
                assertThat(hidden.group(1)).isEqualTo(token);
                assertThat(confirmed(server, "grace")).isFalse();
            }

            // The button: a form post, as a browser sends it.
            byte[] form = ("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            Http.Reply done = http.send("POST", "/auth/confirm", "application/x-www-form-urlencoded", form,
                    Map.of("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"));
            assertThat(done.status()).as(done.toString()).isEqualTo(200);
            assertThat(done.header("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/html"));
            assertThat(done.header("Content-Security-Policy")).isPresent();
            assertThat(done.text()).contains("confirmed").doesNotContain(token);
            assertThat(confirmed(server, "grace")).isTrue();

            // An API client still gets JSON.
            Http.Reply again = http.post("/auth/confirm", "token", token);
            assertThat(again.status()).isEqualTo(401);
            assertThat(again.code()).isEqualTo("invalid_grant");
        }
    }

    @Test
    void sr76_sr57_onlyATokenOfOurShapeReachesThePage() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            for (String query : new String[] {"?token=%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
                "?token=\"><script>", "?token=" + "a".repeat(42) + "<", "?token=" + "a".repeat(44)}) {
                Http.Reply reply = http.get("/auth/confirm" + query.replace("\"", "%22").replace("<", "%3C")
                        .replace(">", "%3E"), null);
                assertThat(reply.status()).as(query).isEqualTo(401);
                assertThat(reply.code()).isEqualTo("invalid_grant");
                assertThat(reply.text()).doesNotContain("<script");
            }
        }
    }

    @Test
    void escapesEverythingItPutsInAPage() {
        assertThat(HtmlPages.escape("<a href=\"x\" onclick='y'>&</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    }

    private static boolean confirmed(TestServer server, String username) {
        return server.accessPass().findUser(username).map(User::emailConfirmed).orElseThrow();
    }
}
