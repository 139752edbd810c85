package dev.accesspass.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.Totp;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.RequiredTool;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The example page ({@code /}) in a real headless Chromium, driven through Selenium: a person registers, confirms
 * the email from the dev outbox, calls {@code /api/hello}, refreshes, logs out, logs in again and logs in with the
 * demo OAuth provider, and API errors are shown in words. Each step leaves a
 * screenshot in {@code target/screenshots/}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@code /usr/bin/chromium},
 * {@code /usr/bin/chromedriver}); without them {@link RequiredTool} reports every test skipped, saying what to
 * install, and fails them in CI ({@code CI=true}), where {@code .ci/run} installs both. Both paths are given
 * explicitly, so Selenium Manager never tries to download a browser or a driver.
 */
@RequiredTool(value = {HeadlessChromium.CHROMIUM, HeadlessChromium.CHROMEDRIVER},
        install = "apt-get install chromium chromium-driver")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExamplePageBrowserTest {
    private static final String PASSWORD = "correct horse battery";
    private static final AtomicInteger USERS = new AtomicInteger();

    private Server app;
    private String baseUrl;
    private HeadlessChromium chromium;
    private ExamplePage page;
    private WebDriver browser;

    @BeforeAll
    void startApp() throws Exception {
        app = ExampleApp.start(0);
        // localhost, not 127.0.0.1: the demo OAuth callback comes back to base-url (http://localhost:<port>), and the
        // browser-binding cookie set on the way out must be sent on the way back, to the same host.
        baseUrl = "http://localhost:" + ((ServerConnector) app.getConnectors()[0]).getLocalPort();
    }

    @BeforeEach
    void openBrowser() throws IOException {
        chromium = HeadlessChromium.open();
        browser = chromium.driver();
        page = new ExamplePage(browser);
    }

    @AfterEach
    void closeBrowser() throws IOException {
        if (chromium != null) {
            chromium.close();
            chromium = null;
        }
    }

    @AfterAll
    void stopApp() throws Exception {
        if (app != null) {
            app.stop();
        }
    }

    /**
     * Issue #6's whole journey: register, see the confirmation mail in the dev outbox and confirm it, call
     * {@code /api/hello}, refresh, log out, log in again (now confirmed), log out, then log in with the in-process
     * demo OAuth provider (a full-page round trip; the tokens come back in the URL fragment) and call the API as the
     * demo user. One screenshot per step.
     */
    @Test
    void wholeJourneyRegisterConfirmLoginRefreshLogoutAndDemoOAuth() throws IOException {
        String username = "browser" + USERS.incrementAndGet();
        String email = username + "@example.com";
        browser.get(baseUrl + "/");
        assertThat(page.status()).isEqualTo("Not logged in.");
        page.screenshot("01-page");

        page.type("reg-username", username);
        page.type("reg-email", email);
        page.type("reg-password", PASSWORD);
        page.click("register");
        page.awaitStatus("Hello, " + username + " (" + email + ", not confirmed yet).");
        assertThat(page.statusIsError()).isFalse();
        page.screenshot("02-registered");

        // Registering loads the outbox; the confirmation mail to this address appears with a Confirm button.
        By confirmButton = By.xpath("//ul[@id='outbox-list']/li[contains(., 'To " + email + ",')]"
                + "/button[@class='confirm']");
        WebElement confirm = awaitElement(confirmButton);
        assertThat(browser.findElement(By.id("outbox-list")).getText()).contains("Confirm your email address");
        page.scrollIntoView(confirm);
        page.screenshot("03-outbox");

        confirm.click();
        page.awaitStatus("Email confirmed. Logged in as " + username + " (" + email + ", confirmed).");
        assertThat(page.statusIsError()).isFalse();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(driver -> "Confirmed".equals(confirm.getText()));
        assertThat(confirm.isEnabled()).isFalse();
        page.screenshot("04-email-confirmed");

        page.click("hello");
        page.awaitStatus("The server says: {\"hello\":\"" + username + "\"}");
        page.screenshot("05-hello");

        String before = page.accessToken();
        page.click("refresh");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(driver -> {
            String now = page.accessToken();
            return now != null && !now.equals(before);
        });
        page.awaitStatus("Hello, " + username + " (" + email + ", confirmed).");
        page.click("hello");
        page.awaitStatus("The server says: {\"hello\":\"" + username + "\"}");
        page.screenshot("06-refreshed");

        page.click("logout");
        page.awaitStatus("Logged out.");
        page.screenshot("07-logged-out");
        page.click("hello");
        // The API's 401 problem is shown in words, not as raw JSON.
        page.awaitStatus("Your session has ended; please log in again.");
        assertThat(page.statusIsError()).isTrue();
        page.screenshot("08-hello-after-logout");

        page.type("login-username", username);
        page.type("login-password", "not the password");
        page.click("login");
        page.awaitStatus("Wrong username or password.");
        assertThat(page.statusIsError()).isTrue();
        page.screenshot("09-wrong-password");

        page.type("login-username", username);
        page.type("login-password", PASSWORD);
        page.click("login");
        page.awaitStatus("Hello, " + username + " (" + email + ", confirmed).");
        page.screenshot("10-logged-in-confirmed");
        page.click("hello");
        page.awaitStatus("The server says: {\"hello\":\"" + username + "\"}");
        page.screenshot("11-hello-again");

        page.click("logout");
        page.awaitStatus("Logged out.");
        page.screenshot("12-logged-out-again");

        // Full-page round trip: /auth/oauth/demo -> the mock provider (no login form: interactiveLogin is off) ->
        // the callback -> this page with the tokens in the fragment, which the page reads and wipes.
        page.click("oauth-demo");
        page.awaitStatus("Logged in with demo as demo (demo@example.test, confirmed).");
        assertThat(page.statusIsError()).isFalse();
        assertThat(browser.getCurrentUrl()).as("the fragment is wiped").isEqualTo(baseUrl + "/");
        page.screenshot("13-demo-oauth-login");

        page.click("hello");
        page.awaitStatus("The server says: {\"hello\":\"demo\"}");
        page.screenshot("14-demo-hello");

        page.click("logout");
        page.awaitStatus("Logged out.");
        page.click("hello");
        page.awaitStatus("Your session has ended; please log in again.");
        page.screenshot("15-demo-logged-out");
    }

    /**
     * The page opened on 127.0.0.1 while base-url names localhost: "Log in with demo" is sent to localhost first, so
     * the browser-binding cookie and the callback meet on one host and the login succeeds there. A callback that
     * fails (here a forged state) lands back on the page with the reason in words, never as raw JSON.
     */
    @Test
    void demoLoginFromTheOtherLoopbackNameSucceedsAndAFailedOneIsShownInWords() throws IOException {
        browser.get(baseUrl.replace("localhost", "127.0.0.1") + "/");
        page.click("oauth-demo");
        page.awaitStatus("Logged in with demo as demo (demo@example.test, confirmed).");
        assertThat(page.statusIsError()).isFalse();
        assertThat(browser.getCurrentUrl()).isEqualTo(baseUrl + "/");
        page.screenshot("oauth-from-127.0.0.1");

        browser.get(baseUrl + "/auth/oauth/demo/callback?code=forged&state=forged");
        page.awaitStatus("The provider login failed; please try again.");
        assertThat(page.statusIsError()).isTrue();
        assertThat(browser.getCurrentUrl()).as("the fragment is wiped").isEqualTo(baseUrl + "/");
        page.screenshot("oauth-failed");
    }

    /**
     * SR-18: two refreshes with the same refresh token at once (what two tabs do) both succeed with the same pair,
     * and the page stays logged in and keeps refreshing.
     */
    @Test
    void SR18_twoRefreshesAtOnceStayLoggedIn() throws IOException {
        String username = "twotabs" + USERS.incrementAndGet();
        browser.get(baseUrl + "/");
        page.type("reg-username", username);
        page.type("reg-email", username + "@example.com");
        page.type("reg-password", PASSWORD);
        page.click("register");
        page.awaitStatus("Hello, " + username);

        // The page's own call() and loggedIn(), with the one refresh token both "tabs" hold.
        Object outcome = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const refreshToken = tokens.refresh_token;
                const refresh = () => call("POST", "/auth/refresh", { refresh_token: refreshToken });
                Promise.all([refresh(), refresh()])
                  .then(([a, b]) => {
                    loggedIn(b);
                    done({ same: a.access_token === b.access_token && a.refresh_token === b.refresh_token,
                           rotated: a.refresh_token !== refreshToken });
                  })
                  .catch((problem) => done({ error: JSON.stringify(problem) }));
                """);
        assertThat(outcome).as("outcome of two refreshes at once").isInstanceOf(Map.class);
        Map<?, ?> result = (Map<?, ?>) outcome;
        assertThat(result.get("error")).as("error").isNull();
        assertThat(result.get("same")).as("both refreshes got the same pair: %s", result).isEqualTo(true);
        assertThat(result.get("rotated")).as("the pair is a new one: %s", result).isEqualTo(true);

        page.click("hello");
        page.awaitStatus("The server says: {\"hello\":\"" + username + "\"}");
        String before = page.accessToken();
        page.click("refresh");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(driver -> {
            String now = page.accessToken();
            return now != null && !now.equals(before);
        });
        page.click("hello");
        page.awaitStatus("The server says: {\"hello\":\"" + username + "\"}");
        page.screenshot("sr18-two-refreshes-at-once");
    }

    /**
     * SR-76, API.md §7: a user with a password links the demo identity from the session ("Link demo account": a
     * full-page round trip through the provider, state bound to this session and this browser), and "Log in with
     * demo" then lands in that account. The user is deleted afterwards, so the identity is free again for the other
     * tests of this app.
     */
    @Test
    void linkDemoAccountFromThePasswordSession() throws IOException {
        dev.accesspass.AccessPass accessPass = (dev.accesspass.AccessPass)
                ((org.eclipse.jetty.ee10.webapp.WebAppContext) app.getHandler()).getServletContext()
                        .getAttribute(dev.accesspass.servlet.AccessPassFilter.CONTEXT_ATTRIBUTE);
        // Another test may have logged in with demo already: that user holds the identity; free it.
        accessPass.findUser("demo").ifPresent(user -> accessPass.deleteUser(user.id()));
        String username = "linker" + USERS.incrementAndGet();
        String email = username + "@example.com";
        try {
            browser.get(baseUrl + "/");
            page.click("link-demo");
            page.awaitStatus("Log in first, then link the demo account.");

            page.type("reg-username", username);
            page.type("reg-email", email);
            page.type("reg-password", PASSWORD);
            page.click("register");
            page.awaitStatus("Hello, " + username);
            page.click("link-demo");
            page.awaitStatus("Linked the demo account. Log in again");
            assertThat(page.statusIsError()).isFalse();
            assertThat(browser.getCurrentUrl()).as("the fragment is wiped").isEqualTo(baseUrl + "/");
            assertThat(accessPass.findUser(username).orElseThrow().identities()).singleElement()
                    .satisfies(identity -> assertThat(identity.provider()).isEqualTo("demo"));
            page.screenshot("link-01-linked");

            page.click("oauth-demo");
            page.awaitStatus("Logged in with demo as " + username + " (" + email + ", not confirmed yet).");
            page.screenshot("link-02-demo-login-lands-in-the-linked-account");
        } finally {
            accessPass.findUser(username).ifPresent(user -> accessPass.deleteUser(user.id()));
        }
    }

    /**
     * Sessions and email change (API.md §7): a second session is opened over HTTP, the page lists both (this one
     * marked) and ends the other with its End button, after which that session's token is refused; then the email
     * is changed from the page, confirmed from the outbox, and the user logs in with the new address.
     */
    @Test
    void sessionsListEndsAnotherSessionAndEmailChangeLogsInWithTheNewAddress() throws IOException {
        String username = "sessions" + USERS.incrementAndGet();
        String email = username + "@example.com";
        String newEmail = username + ".moved@example.org";
        Http http = new Http(baseUrl);
        browser.get(baseUrl + "/");
        page.type("reg-username", username);
        page.type("reg-email", email);
        page.type("reg-password", PASSWORD);
        page.click("register");
        page.awaitStatus("Hello, " + username);
        String other = http.login(username, PASSWORD).field("access_token");
        assertThat(http.get("/api/hello", other).status()).isEqualTo(200);

        page.click("sessions-load");
        By items = By.cssSelector("#sessions-list li");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(driver -> driver.findElements(items).size() == 2);
        assertThat(browser.findElement(By.id("sessions-list")).getText()).contains("This session");
        WebElement end = awaitElement(By.cssSelector("#sessions-list li button.end-session"));
        page.screenshot("sessions-01-two-sessions");
        end.click();
        page.awaitStatus("Session ended.");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(driver -> driver.findElements(items).size() == 1);
        assertThat(http.get("/api/hello", other).status()).as("the ended session's token").isEqualTo(401);
        page.click("hello");
        page.awaitStatus("The server says: {\"hello\":\"" + username + "\"}");
        page.screenshot("sessions-02-other-ended");

        page.type("new-email", newEmail);
        page.type("change-email-password", PASSWORD);
        page.click("change-email");
        page.awaitStatus("Check " + newEmail + " for the link");
        WebElement confirm = awaitElement(By.xpath("//ul[@id='outbox-list']/li[contains(., 'To " + newEmail + ",')]"
                + "/button[@class='confirm']"));
        page.scrollIntoView(confirm);
        page.screenshot("sessions-03-change-mail-in-outbox");
        confirm.click();
        page.awaitStatus("Email changed to " + newEmail + ".");
        assertThat(page.statusIsError()).isFalse();

        page.click("logout");
        page.awaitStatus("Logged out.");
        page.type("login-username", email);
        page.type("login-password", PASSWORD);
        page.click("login");
        page.awaitStatus("Wrong username or password.");
        page.type("login-username", newEmail);
        page.click("login");
        page.awaitStatus("Hello, " + username + " (" + newEmail + ", confirmed).");
        page.screenshot("sessions-04-logged-in-with-the-new-address");
    }

    /**
     * A crafted link with someone else's token in the fragment (the attacker's own, here) does not sign the visitor
     * in: the page only takes a fragment whose {@code flow} is the one this tab started, and wipes it either way.
     */
    @Test
    void aCraftedTokenFragmentDoesNotSignTheVisitorIn() throws Exception {
        String attacker = "attacker" + USERS.incrementAndGet();
        java.net.http.HttpResponse<String> registered = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl + "/auth/register"))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"username\":\"" + attacker
                                + "\",\"email\":\"" + attacker + "@example.com\",\"password\":\"" + PASSWORD
                                + "\",\"password_confirmation\":\"" + PASSWORD + "\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).isEqualTo(201);
        java.util.regex.Matcher token = java.util.regex.Pattern.compile("\"access_token\":\"([^\"]+)\"")
                .matcher(registered.body());
        assertThat(token.find()).isTrue();

        browser.get(baseUrl + "/#access_token=" + token.group(1) + "&token_type=Bearer&expires_in=300");
        page.awaitStatus("Ignored a sign-in link that this page did not start.");
        assertThat(page.accessToken()).isNull();
        assertThat(browser.getCurrentUrl()).as("the fragment is wiped").isEqualTo(baseUrl + "/");
        // A guessed flow value does not help either.
        browser.get(baseUrl + "/#access_token=" + token.group(1) + "&flow=guessed-flow-value-1234");
        page.awaitStatus("Ignored a sign-in link that this page did not start.");
        assertThat(page.accessToken()).isNull();
        page.screenshot("crafted-fragment-ignored");
    }

    /**
     * Two-step login: turned on from the page (QR code and key shown, confirmed with a code computed from the key
     * read off the page, ten recovery codes shown once); then the login form asks for the code after the password,
     * {@code /api/mfa} answers the two-factor session, and a recovery code works exactly once.
     */
    @Test
    void twoStepLoginWithACodeFromThePageSecretAndARecoveryCodeThatWorksOnce() throws IOException {
        String username = "twostep" + USERS.incrementAndGet();
        browser.get(baseUrl + "/");
        page.type("reg-username", username);
        page.type("reg-email", username + "@example.com");
        page.type("reg-password", PASSWORD);
        page.click("register");
        page.awaitStatus("Hello, " + username);

        page.type("mfa-password", PASSWORD);
        page.click("mfa-setup");
        page.awaitStatus("Scan the code");
        String secret = browser.findElement(By.id("mfa-secret")).getText();
        assertThat(secret).matches("[A-Z2-7]{32}");
        assertThat(browser.findElements(By.cssSelector("#mfa-qr svg path"))).hasSize(1);
        page.screenshot("twostep-01-qr");
        page.type("mfa-code", Totp.codeAt(secret, Instant.now()));
        page.click("mfa-confirm");
        page.awaitStatus("Two-step login is on.");
        List<String> recovery = browser.findElements(By.cssSelector("#mfa-recovery li")).stream()
                .map(WebElement::getText).toList();
        assertThat(recovery).hasSize(10);
        page.screenshot("twostep-02-recovery-codes");
        page.click("mfa-api");
        page.awaitStatus("This needs a login with a second factor.");
        page.click("logout");
        page.awaitStatus("Logged out.");

        page.type("login-username", username);
        page.type("login-password", PASSWORD);
        page.click("login");
        page.awaitStatus("Enter the code from your authenticator app.");
        page.screenshot("twostep-03-code-asked");
        page.type("login-code", Totp.codeAt(secret, Instant.now().plusSeconds(30)));
        page.click("login-verify");
        page.awaitStatus("Hello, " + username);
        page.click("mfa-api");
        page.awaitStatus("The server says: {\"mfa\":\"" + username + "\"}");
        page.click("logout");
        page.awaitStatus("Logged out.");

        for (String expected : List.of("Hello, " + username, "That code is wrong, expired or already used.")) {
            page.click("login");
            page.awaitStatus("Enter the code from your authenticator app.");
            page.type("login-code", recovery.get(0));
            page.click("login-verify");
            page.awaitStatus(expected);
            if (page.accessToken() != null) {
                page.click("logout");
                page.awaitStatus("Logged out.");
            }
        }
        page.screenshot("twostep-04-recovery-code-used-up");
    }

    private WebElement awaitElement(By locator) {
        try {
            return new WebDriverWait(browser, Duration.ofSeconds(10)).until(driver -> {
                var found = driver.findElements(locator);
                return found.isEmpty() ? null : found.get(0);
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("no " + locator + "; the outbox says \"" + browser.findElement(By.id("outbox-list"))
                    .getText() + "\" (" + browser.findElement(By.id("outbox-note")).getText() + ")", e);
        }
    }
}
