package dev.accesspass.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.Totp;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.RequiredTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
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

    private final Path screenshots = Path.of(System.getProperty("basedir", "."), "target", "screenshots");
    private Server app;
    private String baseUrl;
    private HeadlessChromium chromium;
    private WebDriver browser;

    @BeforeAll
    void startApp() throws Exception {
        app = ExampleApp.start(0);
        // localhost, not 127.0.0.1: the demo OAuth callback comes back to base-url (http://localhost:<port>), and the
        // browser-binding cookie set on the way out must be sent on the way back, to the same host.
        baseUrl = "http://localhost:" + ((ServerConnector) app.getConnectors()[0]).getLocalPort();
        Files.createDirectories(screenshots);
    }

    @BeforeEach
    void openBrowser() throws IOException {
        chromium = HeadlessChromium.open();
        browser = chromium.driver();
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
        assertThat(status()).isEqualTo("Not logged in.");
        screenshot("01-page");

        type("reg-username", username);
        type("reg-email", email);
        type("reg-password", PASSWORD);
        click("register");
        awaitStatus("Hello, " + username + " (" + email + ", not confirmed yet).");
        assertThat(statusIsError()).isFalse();
        screenshot("02-registered");

        // Registering loads the outbox; the confirmation mail to this address appears with a Confirm button.
        By confirmButton = By.xpath("//ul[@id='outbox-list']/li[contains(., 'To " + email + ",')]"
                + "/button[@class='confirm']");
        WebElement confirm = awaitElement(confirmButton);
        assertThat(browser.findElement(By.id("outbox-list")).getText()).contains("Confirm your email address");
        scrollIntoView(confirm);
        screenshot("03-outbox");

        confirm.click();
        awaitStatus("Email confirmed. Logged in as " + username + " (" + email + ", confirmed).");
        assertThat(statusIsError()).isFalse();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(driver -> "Confirmed".equals(confirm.getText()));
        assertThat(confirm.isEnabled()).isFalse();
        screenshot("04-email-confirmed");

        click("hello");
        awaitStatus("The server says: {\"hello\":\"" + username + "\"}");
        screenshot("05-hello");

        String before = accessToken();
        click("refresh");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(driver -> {
            String now = accessToken();
            return now != null && !now.equals(before);
        });
        awaitStatus("Hello, " + username + " (" + email + ", confirmed).");
        click("hello");
        awaitStatus("The server says: {\"hello\":\"" + username + "\"}");
        screenshot("06-refreshed");

        click("logout");
        awaitStatus("Logged out.");
        screenshot("07-logged-out");
        click("hello");
        // The API's 401 problem is shown in words, not as raw JSON.
        awaitStatus("Your session has ended; please log in again.");
        assertThat(statusIsError()).isTrue();
        screenshot("08-hello-after-logout");

        type("login-username", username);
        type("login-password", "not the password");
        click("login");
        awaitStatus("Wrong username or password.");
        assertThat(statusIsError()).isTrue();
        screenshot("09-wrong-password");

        type("login-username", username);
        type("login-password", PASSWORD);
        click("login");
        awaitStatus("Hello, " + username + " (" + email + ", confirmed).");
        screenshot("10-logged-in-confirmed");
        click("hello");
        awaitStatus("The server says: {\"hello\":\"" + username + "\"}");
        screenshot("11-hello-again");

        click("logout");
        awaitStatus("Logged out.");
        screenshot("12-logged-out-again");

        // Full-page round trip: /auth/oauth/demo -> the mock provider (no login form: interactiveLogin is off) ->
        // the callback -> this page with the tokens in the fragment, which the page reads and wipes.
        click("oauth-demo");
        awaitStatus("Logged in with demo as demo (demo@example.test, confirmed).");
        assertThat(statusIsError()).isFalse();
        assertThat(browser.getCurrentUrl()).as("the fragment is wiped").isEqualTo(baseUrl + "/");
        screenshot("13-demo-oauth-login");

        click("hello");
        awaitStatus("The server says: {\"hello\":\"demo\"}");
        screenshot("14-demo-hello");

        click("logout");
        awaitStatus("Logged out.");
        click("hello");
        awaitStatus("Your session has ended; please log in again.");
        screenshot("15-demo-logged-out");
    }

    /**
     * The page opened on 127.0.0.1 while base-url names localhost: "Log in with demo" is sent to localhost first, so
     * the browser-binding cookie and the callback meet on one host and the login succeeds there. A callback that
     * fails (here a forged state) lands back on the page with the reason in words, never as raw JSON.
     */
    @Test
    void demoLoginFromTheOtherLoopbackNameSucceedsAndAFailedOneIsShownInWords() throws IOException {
        browser.get(baseUrl.replace("localhost", "127.0.0.1") + "/");
        click("oauth-demo");
        awaitStatus("Logged in with demo as demo (demo@example.test, confirmed).");
        assertThat(statusIsError()).isFalse();
        assertThat(browser.getCurrentUrl()).isEqualTo(baseUrl + "/");
        screenshot("oauth-from-127.0.0.1");

        browser.get(baseUrl + "/auth/oauth/demo/callback?code=forged&state=forged");
        awaitStatus("The provider login failed; please try again.");
        assertThat(statusIsError()).isTrue();
        assertThat(browser.getCurrentUrl()).as("the fragment is wiped").isEqualTo(baseUrl + "/");
        screenshot("oauth-failed");
    }

    /**
     * SR-18: two refreshes with the same refresh token at once (what two tabs do) both succeed with the same pair,
     * and the page stays logged in and keeps refreshing.
     */
    @Test
    void SR18_twoRefreshesAtOnceStayLoggedIn() throws IOException {
        String username = "twotabs" + USERS.incrementAndGet();
        browser.get(baseUrl + "/");
        type("reg-username", username);
        type("reg-email", username + "@example.com");
        type("reg-password", PASSWORD);
        click("register");
        awaitStatus("Hello, " + username);

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

        click("hello");
        awaitStatus("The server says: {\"hello\":\"" + username + "\"}");
        String before = accessToken();
        click("refresh");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(driver -> {
            String now = accessToken();
            return now != null && !now.equals(before);
        });
        click("hello");
        awaitStatus("The server says: {\"hello\":\"" + username + "\"}");
        screenshot("sr18-two-refreshes-at-once");
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
            click("link-demo");
            awaitStatus("Log in first, then link the demo account.");

            type("reg-username", username);
            type("reg-email", email);
            type("reg-password", PASSWORD);
            click("register");
            awaitStatus("Hello, " + username);
            click("link-demo");
            awaitStatus("Linked the demo account. Log in again");
            assertThat(statusIsError()).isFalse();
            assertThat(browser.getCurrentUrl()).as("the fragment is wiped").isEqualTo(baseUrl + "/");
            assertThat(accessPass.findUser(username).orElseThrow().identities()).singleElement()
                    .satisfies(identity -> assertThat(identity.provider()).isEqualTo("demo"));
            screenshot("link-01-linked");

            click("oauth-demo");
            awaitStatus("Logged in with demo as " + username + " (" + email + ", not confirmed yet).");
            screenshot("link-02-demo-login-lands-in-the-linked-account");
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
        type("reg-username", username);
        type("reg-email", email);
        type("reg-password", PASSWORD);
        click("register");
        awaitStatus("Hello, " + username);
        String other = http.login(username, PASSWORD).field("access_token");
        assertThat(http.get("/api/hello", other).status()).isEqualTo(200);

        click("sessions-load");
        By items = By.cssSelector("#sessions-list li");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(driver -> driver.findElements(items).size() == 2);
        assertThat(browser.findElement(By.id("sessions-list")).getText()).contains("This session");
        WebElement end = awaitElement(By.cssSelector("#sessions-list li button.end-session"));
        screenshot("sessions-01-two-sessions");
        end.click();
        awaitStatus("Session ended.");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(driver -> driver.findElements(items).size() == 1);
        assertThat(http.get("/api/hello", other).status()).as("the ended session's token").isEqualTo(401);
        click("hello");
        awaitStatus("The server says: {\"hello\":\"" + username + "\"}");
        screenshot("sessions-02-other-ended");

        type("new-email", newEmail);
        type("change-email-password", PASSWORD);
        click("change-email");
        awaitStatus("Check " + newEmail + " for the link");
        WebElement confirm = awaitElement(By.xpath("//ul[@id='outbox-list']/li[contains(., 'To " + newEmail + ",')]"
                + "/button[@class='confirm']"));
        scrollIntoView(confirm);
        screenshot("sessions-03-change-mail-in-outbox");
        confirm.click();
        awaitStatus("Email changed to " + newEmail + ".");
        assertThat(statusIsError()).isFalse();

        click("logout");
        awaitStatus("Logged out.");
        type("login-username", email);
        type("login-password", PASSWORD);
        click("login");
        awaitStatus("Wrong username or password.");
        type("login-username", newEmail);
        click("login");
        awaitStatus("Hello, " + username + " (" + newEmail + ", confirmed).");
        screenshot("sessions-04-logged-in-with-the-new-address");
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
        awaitStatus("Ignored a sign-in link that this page did not start.");
        assertThat(accessToken()).isNull();
        assertThat(browser.getCurrentUrl()).as("the fragment is wiped").isEqualTo(baseUrl + "/");
        // A guessed flow value does not help either.
        browser.get(baseUrl + "/#access_token=" + token.group(1) + "&flow=guessed-flow-value-1234");
        awaitStatus("Ignored a sign-in link that this page did not start.");
        assertThat(accessToken()).isNull();
        screenshot("crafted-fragment-ignored");
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
        type("reg-username", username);
        type("reg-email", username + "@example.com");
        type("reg-password", PASSWORD);
        click("register");
        awaitStatus("Hello, " + username);

        type("mfa-password", PASSWORD);
        click("mfa-setup");
        awaitStatus("Scan the code");
        String secret = browser.findElement(By.id("mfa-secret")).getText();
        assertThat(secret).matches("[A-Z2-7]{32}");
        assertThat(browser.findElements(By.cssSelector("#mfa-qr svg path"))).hasSize(1);
        screenshot("twostep-01-qr");
        type("mfa-code", Totp.codeAt(secret, Instant.now()));
        click("mfa-confirm");
        awaitStatus("Two-step login is on.");
        List<String> recovery = browser.findElements(By.cssSelector("#mfa-recovery li")).stream()
                .map(WebElement::getText).toList();
        assertThat(recovery).hasSize(10);
        screenshot("twostep-02-recovery-codes");
        click("mfa-api");
        awaitStatus("This needs a login with a second factor.");
        click("logout");
        awaitStatus("Logged out.");

        type("login-username", username);
        type("login-password", PASSWORD);
        click("login");
        awaitStatus("Enter the code from your authenticator app.");
        screenshot("twostep-03-code-asked");
        type("login-code", Totp.codeAt(secret, Instant.now().plusSeconds(30)));
        click("login-verify");
        awaitStatus("Hello, " + username);
        click("mfa-api");
        awaitStatus("The server says: {\"mfa\":\"" + username + "\"}");
        click("logout");
        awaitStatus("Logged out.");

        for (String expected : List.of("Hello, " + username, "That code is wrong, expired or already used.")) {
            click("login");
            awaitStatus("Enter the code from your authenticator app.");
            type("login-code", recovery.get(0));
            click("login-verify");
            awaitStatus(expected);
            if (accessToken() != null) {
                click("logout");
                awaitStatus("Logged out.");
            }
        }
        screenshot("twostep-04-recovery-code-used-up");
    }

    private void type(String id, String text) {
        WebElement input = browser.findElement(By.id(id));
        input.clear();
        input.sendKeys(text);
    }

    private void click(String id) {
        // Centred first: the sticky status line at the top of the page would otherwise take a click near the top.
        WebElement element = browser.findElement(By.id(id));
        scrollIntoView(element);
        element.click();
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

    private void scrollIntoView(WebElement element) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'});", element);
    }

    private String status() {
        return browser.findElement(By.id("status")).getText();
    }

    private boolean statusIsError() {
        return browser.findElement(By.id("status")).getDomAttribute("class").contains("error");
    }

    private void awaitStatus(String expectedStart) {
        try {
            // A full-page round trip (OAuth, linking) replaces the element while we look: look again.
            new WebDriverWait(browser, Duration.ofSeconds(10))
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .until(driver -> status().startsWith(expectedStart));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("status never started with \"" + expectedStart + "\"; it says \"" + status()
                    + "\"", e);
        }
    }

    /** The access token the page holds in memory, or null when logged out. */
    private String accessToken() {
        return (String) ((JavascriptExecutor) browser).executeScript("return tokens && tokens.access_token;");
    }

    private void screenshot(String name) throws IOException {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, screenshots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
