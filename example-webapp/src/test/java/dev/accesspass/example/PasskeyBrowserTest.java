package dev.accesspass.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.AccessPass;
import dev.accesspass.Totp;
import dev.accesspass.servlet.AccessPassFilter;
import dev.accesspass.testing.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.Credential;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * Passkeys on the example page ({@code /}) in a real headless Chromium, with Selenium's virtual authenticator standing
 * in for a phone or a security key: a CTAP2 authenticator with resident keys and user verification, which the browser
 * talks to exactly as to a real one (the WebAuthn ceremonies, the attestation and the signatures are real). The
 * relying party is {@code localhost}, the host of the example's {@code base-url} ({@code http://localhost:<port>}, a
 * secure context). One app and one browser for the class; each test gets a fresh authenticator (so its passkeys are
 * its own) and a fresh page. Screenshots go to {@code target/screenshots/passkey-*.png}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver}, like {@link ExamplePageBrowserTest}.
 */
@RequiredTool(value = {HeadlessChromium.CHROMIUM, HeadlessChromium.CHROMEDRIVER},
        install = "apt-get install chromium chromium-driver")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PasskeyBrowserTest {
    private static final String PASSWORD = "correct horse battery";
    private static final AtomicInteger USERS = new AtomicInteger();

    private Server app;
    private AccessPass accessPass;
    private String baseUrl;
    private HeadlessChromium chromium;
    private ExamplePage page;
    private ChromeDriver browser;
    private VirtualAuthenticator authenticator;

    @BeforeAll
    void startAppAndBrowser() throws Exception {
        app = ExampleApp.start(0);
        accessPass = (AccessPass) ((WebAppContext) app.getHandler()).getServletContext()
                .getAttribute(AccessPassFilter.CONTEXT_ATTRIBUTE);
        // localhost, not 127.0.0.1: the RP id is base-url's host, and a passkey for "localhost" is offered on
        // http://localhost only (an IP address is never a valid RP id).
        baseUrl = "http://localhost:" + ((ServerConnector) app.getConnectors()[0]).getLocalPort();

        chromium = HeadlessChromium.open();
        browser = chromium.driver();
        page = new ExamplePage(browser);
    }

    @BeforeEach
    void freshPageAndAuthenticator() {
        // A reload logs the page out (tokens live in memory); the virtual authenticator is per browser tab.
        browser.get(baseUrl + "/");
        page.awaitStatus("Not logged in.");
        authenticator = browser.addVirtualAuthenticator(platformAuthenticator());
    }

    @AfterEach
    void dropAuthenticator() {
        if (authenticator != null) {
            browser.removeVirtualAuthenticator(authenticator);
            authenticator = null;
        }
    }

    @AfterAll
    void stopBrowserAndApp() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (app != null) {
            app.stop();
        }
    }

    /** A phone or laptop authenticator: CTAP2, discoverable credentials, user verification on and passed. */
    private static VirtualAuthenticatorOptions platformAuthenticator() {
        return new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true)
                .setHasUserVerification(true)
                .setIsUserVerified(true)
                .setIsUserConsenting(true);
    }

    /**
     * The whole passkey journey: a password user adds a passkey (a discoverable credential for {@code localhost}
     * whose user handle is neither the username nor the user id), sees it listed, logs out and signs in with it
     * without typing a username (a session of method {@code passkey} that passes {@code /api/mfa}, so two factors);
     * the same device cannot add a second passkey for the account (the options exclude the first); the passkey is
     * renamed and removed, after which the device's leftover credential no longer signs anyone in.
     */
    @Test
    void addAPasskeySignInWithItUsernamelessRenameAndRemoveIt() throws IOException {
        String username = registerOnThePage("passkey");
        page.type("passkey-name", "Laptop");
        page.click("passkey-add");
        page.awaitStatus("Added the passkey \"Laptop\".");
        assertThat(page.statusIsError()).isFalse();
        By items = By.cssSelector("#passkeys-list li");
        awaitCount(items, 1);
        assertThat(listText()).startsWith("Laptop, added ").contains("last used never");

        List<Credential> held = authenticator.getCredentials();
        assertThat(held).singleElement().satisfies(credential -> {
            assertThat(credential.isResidentCredential()).as("discoverable (resident) credential").isTrue();
            assertThat(credential.getRpId()).isEqualTo("localhost");
            assertThat(credential.getUserHandle()).as("a random user handle").hasSizeGreaterThanOrEqualTo(32);
            String handle = new String(credential.getUserHandle(), StandardCharsets.ISO_8859_1);
            assertThat(handle).doesNotContain(username)
                    .doesNotContain(accessPass.findUser(username).orElseThrow().id().value());
        });
        assertThat(browser.findElement(By.cssSelector("#passkeys-list li")).getDomAttribute("data-passkey-id"))
                .as("the passkey's id is the credential id, base64url")
                .isEqualTo(base64url(held.get(0).getId()));
        page.screenshot("passkey-01-added");

        page.click("logout");
        page.awaitStatus("Logged out.");
        assertThat(browser.findElement(By.id("login-username")).getDomProperty("value")).isEmpty();
        page.click("passkey-login");
        page.awaitStatus("Hello, " + username + " (");
        assertThat(page.statusIsError()).isFalse();
        page.screenshot("passkey-02-signed-in");
        page.click("mfa-api");
        page.awaitStatus("The server says: {\"mfa\":\"" + username + "\"}");
        page.click("sessions-load");
        awaitText(By.id("sessions-list"), "(passkey)");

        page.click("passkeys-load");
        awaitText(By.id("passkeys-list"), "last used 2");
        page.click("passkey-add");
        page.awaitStatus("This device already holds a passkey for this account.");
        assertThat(page.statusIsError()).isTrue();
        assertThat(authenticator.getCredentials()).hasSize(1);

        page.type("passkey-name", "Work laptop");
        page.click(By.cssSelector("#passkeys-list li button.rename-passkey"));
        page.awaitStatus("Renamed the passkey to \"Work laptop\".");
        awaitText(By.id("passkeys-list"), "Work laptop, added ");
        page.screenshot("passkey-03-renamed");

        page.click(By.cssSelector("#passkeys-list li button.remove-passkey"));
        page.awaitStatus("Removed the passkey \"Work laptop\".");
        awaitCount(items, 0);
        assertThat(browser.findElement(By.id("passkeys-note")).getText()).isEqualTo("No passkeys yet.");
        page.screenshot("passkey-04-removed");

        page.click("logout");
        page.awaitStatus("Logged out.");
        page.click("passkey-login");
        page.awaitStatus("That passkey was not accepted.");
        assertThat(page.statusIsError()).isTrue();
        assertThat(page.accessToken()).isNull();
        page.screenshot("passkey-05-removed-passkey-refused");
    }

    /**
     * A passkey as the second factor of a TOTP user: two-step login on (code computed from the key read off the
     * page), a passkey added; the password login then answers {@code mfa_required} and the page offers "Use a
     * passkey", which signs in without a code typed. A passkey login of the same user is not asked for the code
     * either: a user-verifying passkey is already two factors.
     */
    @Test
    void aPasskeyIsTheSecondFactorOfATotpUserAndNoCodeIsTyped() throws IOException {
        String username = registerOnThePage("totppasskey");
        page.type("mfa-password", PASSWORD);
        page.click("mfa-setup");
        page.awaitStatus("Scan the code");
        String secret = browser.findElement(By.id("mfa-secret")).getText();
        page.type("mfa-code", Totp.codeAt(secret, Instant.now()));
        page.click("mfa-confirm");
        page.awaitStatus("Two-step login is on.");
        page.click("passkey-add");
        page.awaitStatus("Added the passkey \"");
        page.click("logout");
        page.awaitStatus("Logged out.");

        page.type("login-username", username);
        page.type("login-password", PASSWORD);
        page.click("login");
        page.awaitStatus("Enter the code from your authenticator app. Or use a passkey.");
        assertThat(browser.findElement(By.id("login-passkey")).isDisplayed()).isTrue();
        page.screenshot("passkey-06-second-factor-offered");
        page.click("login-passkey");
        page.awaitStatus("Hello, " + username + " (");
        assertThat(page.statusIsError()).isFalse();
        assertThat(browser.findElement(By.id("login-code")).getDomProperty("value")).isEmpty();
        assertThat(browser.findElement(By.id("login-mfa")).isDisplayed()).isFalse();
        page.click("mfa-api");
        page.awaitStatus("The server says: {\"mfa\":\"" + username + "\"}");
        page.screenshot("passkey-07-second-factor-done");
        page.click("logout");
        page.awaitStatus("Logged out.");

        page.click("passkey-login");
        page.awaitStatus("Hello, " + username + " (");
        assertThat(browser.findElement(By.id("login-mfa")).isDisplayed()).isFalse();
        page.click("mfa-api");
        page.awaitStatus("The server says: {\"mfa\":\"" + username + "\"}");
    }

    /**
     * A password session is one factor ({@code /api/mfa} refuses it); "Confirm it's you with a passkey" (a
     * re-authentication ceremony bound to this user, finished at {@code /auth/reauth}) raises the same session to
     * two factors without new tokens.
     */
    @Test
    void reauthenticationWithAPasskeyRaisesThePasswordSessionToTwoFactors() throws IOException {
        String username = registerOnThePage("reauth");
        page.click("passkey-add");
        page.awaitStatus("Added the passkey \"");
        page.click("mfa-api");
        page.awaitStatus("This needs a login with a second factor.");
        String before = page.accessToken();

        page.click("passkey-reauth");
        page.awaitStatus("Confirmed it's you with a passkey (");
        assertThat(page.statusIsError()).isFalse();
        assertThat(page.status()).contains("level 2");
        page.screenshot("passkey-08-reauthenticated");
        assertThat(page.accessToken()).as("the tokens do not change").isEqualTo(before);
        page.click("mfa-api");
        page.awaitStatus("The server says: {\"mfa\":\"" + username + "\"}");
    }

    /**
     * The page's own base64url conversion, for browsers without {@code parseCreationOptionsFromJSON},
     * {@code parseRequestOptionsFromJSON} and {@code PublicKeyCredential.prototype.toJSON} (removed here before the
     * ceremonies): adding a passkey and signing in with it work the same.
     */
    @Test
    void theHandWrittenJsonConversionWorksWhereTheBrowserHasNoHelpers() throws IOException {
        ((JavascriptExecutor) browser).executeScript("""
                delete PublicKeyCredential.parseCreationOptionsFromJSON;
                delete PublicKeyCredential.parseRequestOptionsFromJSON;
                delete PublicKeyCredential.prototype.toJSON;
                """);
        assertThat(((JavascriptExecutor) browser).executeScript("""
                return typeof PublicKeyCredential.parseCreationOptionsFromJSON
                  + typeof PublicKeyCredential.parseRequestOptionsFromJSON
                  + typeof PublicKeyCredential.prototype.toJSON;""")).isEqualTo("undefinedundefinedundefined");
        String username = registerOnThePage("handmade");
        page.type("passkey-name", "By hand");
        page.click("passkey-add");
        page.awaitStatus("Added the passkey \"By hand\".");
        page.click("logout");
        page.awaitStatus("Logged out.");
        page.click("passkey-login");
        page.awaitStatus("Hello, " + username + " (");
        page.click("mfa-api");
        page.awaitStatus("The server says: {\"mfa\":\"" + username + "\"}");
    }

    /**
     * The page's fallback conversion gives, field for field, what the browser's own {@code toJSON()} gives, for a
     * registration and for an assertion (the ceremonies run in the page on options it made itself, no server).
     */
    @Test
    void theHandWrittenJsonIsWhatTheBrowsersToJsonGives() {
        Object outcome = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const random = () => toBase64url(crypto.getRandomValues(new Uint8Array(32)));
                const byHand = (credential) => {
                  const native = PublicKeyCredential.prototype.toJSON;
                  delete PublicKeyCredential.prototype.toJSON;
                  try { return credentialJson(credential); }
                  finally { PublicKeyCredential.prototype.toJSON = native; }
                };
                const handOptions = (parse, json) => {
                  const native = PublicKeyCredential[parse];
                  delete PublicKeyCredential[parse];
                  try { return parse === "parseCreationOptionsFromJSON" ? creationOptions(json) : requestOptions(json); }
                  finally { PublicKeyCredential[parse] = native; }
                };
                (async () => {
                  const created = await navigator.credentials.create({ publicKey: handOptions(
                    "parseCreationOptionsFromJSON", { challenge: random(), rp: { id: "localhost", name: "test" },
                      user: { id: random(), name: "json", displayName: "json" },
                      pubKeyCredParams: [{ type: "public-key", alg: -7 }],
                      authenticatorSelection: { residentKey: "required", requireResidentKey: true,
                                                userVerification: "required" },
                      attestation: "none", excludeCredentials: [], timeout: 30000 }) });
                  const asserted = await navigator.credentials.get({ publicKey: handOptions(
                    "parseRequestOptionsFromJSON", { challenge: random(), rpId: "localhost",
                      allowCredentials: [{ type: "public-key", id: created.id }], userVerification: "required",
                      timeout: 30000 }) });
                  done({ createdByHand: JSON.stringify(byHand(created)), created: JSON.stringify(created.toJSON()),
                         assertedByHand: JSON.stringify(byHand(asserted)),
                         asserted: JSON.stringify(asserted.toJSON()) });
                })().catch((e) => done({ error: String(e) }));
                """);
        assertThat(outcome).isInstanceOf(java.util.Map.class);
        java.util.Map<?, ?> json = (java.util.Map<?, ?>) outcome;
        assertThat(json.get("error")).as("error").isNull();
        assertThat(parse(json.get("createdByHand"))).isEqualTo(parse(json.get("created")))
                .containsKeys("id", "rawId", "type", "response", "clientExtensionResults");
        assertThat(parse(json.get("assertedByHand"))).isEqualTo(parse(json.get("asserted")));
    }

    private static java.util.Map<String, Object> parse(Object json) {
        return new org.openqa.selenium.json.Json().toType((String) json, org.openqa.selenium.json.Json.MAP_TYPE);
    }

    /**
     * A clone of a passkey (its private key copied to another authenticator whose signature counter starts again at
     * zero) is refused once the original has counted past it, and the page says only that the passkey was not
     * accepted.
     */
    @Test
    void aClonedPasskeyWhoseCounterWentBackIsRefused() throws IOException {
        String username = registerOnThePage("clone");
        page.click("passkey-add");
        page.awaitStatus("Added the passkey \"");
        page.click("logout");
        page.awaitStatus("Logged out.");
        page.click("passkey-login");
        page.awaitStatus("Hello, " + username + " (");
        page.click("logout");
        page.awaitStatus("Logged out.");
        Credential original = authenticator.getCredentials().get(0);
        assertThat(original.getSignCount()).as("the original counted its signatures").isPositive();

        browser.removeVirtualAuthenticator(authenticator);
        authenticator = browser.addVirtualAuthenticator(platformAuthenticator());
        authenticator.addCredential(Credential.createResidentCredential(original.getId(), original.getRpId(),
                original.getPrivateKey(), original.getUserHandle(), 0));
        List<String> securityLog = captureSecurityLog(() -> {
            page.click("passkey-login");
            page.awaitStatus("That passkey was not accepted.");
        });
        assertThat(page.accessToken()).isNull();
        assertThat(securityLog).as("the security log says why; the page does not")
                .anySatisfy(line -> assertThat(line).startsWith("event=passkey_counter_mismatch ")
                        .contains(" user=\"" + accessPass.findUser(username).orElseThrow().id().value() + "\""))
                .anySatisfy(line -> assertThat(line).startsWith("event=passkey_failed ")
                        .contains(" ceremony=\"login\"").contains(" reason=\"counter\""));
        assertThat(page.status()).doesNotContain("counter");
        page.screenshot("passkey-09-clone-refused");
    }

    /**
     * The OAuth side of the second factor: the demo user turns two-step login on and adds a passkey; "Log in with
     * demo" then comes back with {@code mfa_required} in the fragment (no tokens), and the page offers "Use a passkey"
     * from the fragment's {@code mfa_methods}, which finishes the login. The demo user is deleted afterwards.
     */
    @Test
    void aDemoLoginWithTwoStepLoginOnFinishesWithAPasskey() throws IOException {
        accessPass.findUser("demo").ifPresent(user -> accessPass.deleteUser(user.id()));
        try {
            page.click("oauth-demo");
            page.awaitStatus("Logged in with demo as demo (");
            // No password: a login this fresh is re-authentication enough for the setup.
            page.click("mfa-setup");
            page.awaitStatus("Scan the code");
            String secret = browser.findElement(By.id("mfa-secret")).getText();
            page.type("mfa-code", Totp.codeAt(secret, Instant.now()));
            page.click("mfa-confirm");
            page.awaitStatus("Two-step login is on.");
            page.click("passkey-add");
            page.awaitStatus("Added the passkey \"");
            page.click("logout");
            page.awaitStatus("Logged out.");

            page.click("oauth-demo");
            page.awaitStatus("Enter the code from your authenticator app.");
            assertThat(page.accessToken()).isNull();
            assertThat(browser.getCurrentUrl()).as("the fragment is wiped").isEqualTo(baseUrl + "/");
            WebElement usePasskey = browser.findElement(By.id("login-passkey"));
            assertThat(usePasskey.isDisplayed()).as("offered from the fragment's mfa_methods").isTrue();
            page.screenshot("passkey-10-demo-second-factor-offered");
            page.click("login-passkey");
            page.awaitStatus("Hello, demo (");
            page.click("mfa-api");
            page.awaitStatus("The server says: {\"mfa\":\"demo\"}");
        } finally {
            accessPass.findUser("demo").ifPresent(user -> accessPass.deleteUser(user.id()));
        }
    }

    /** The lines {@code dev.accesspass.security} logs while {@code action} runs. */
    private static List<String> captureSecurityLog(Runnable action) {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger)
                org.slf4j.LoggerFactory.getLogger("dev.accesspass.security");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        ch.qos.logback.classic.Level level = logger.getLevel();
        lines.start();
        logger.addAppender(lines);
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        try {
            action.run();
        } finally {
            logger.setLevel(level);
            logger.detachAppender(lines);
        }
        return lines.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
    }

    private String registerOnThePage(String prefix) {
        String username = prefix + USERS.incrementAndGet();
        page.type("reg-username", username);
        page.type("reg-email", username + "@example.com");
        page.type("reg-password", PASSWORD);
        page.click("register");
        page.awaitStatus("Hello, " + username);
        return username;
    }

    private static String base64url(byte[] bytes) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private String listText() {
        return browser.findElement(By.id("passkeys-list")).getText();
    }

    private void awaitCount(By locator, int count) {
        new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage(() -> "expected " + count + " of " + locator)
                .until(driver -> driver.findElements(locator).size() == count);
    }

    private void awaitText(By locator, String part) {
        new WebDriverWait(browser, Duration.ofSeconds(10)).ignoring(StaleElementReferenceException.class)
                .withMessage(() -> locator + " never contained \"" + part + "\"; it says \""
                        + browser.findElement(locator).getText() + "\"; the status says \"" + page.status() + "\"")
                .until(driver -> driver.findElement(locator).getText().contains(part));
    }
}
