package dev.accesspass.example;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What the browser tests do on the example page ({@code index.html}) whatever they test: type, click, read the
 * status line and the tokens the page holds, and keep screenshots in {@code target/screenshots/}.
 */
final class ExamplePage {
    private static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", "."), "target", "screenshots");

    private final WebDriver browser;

    ExamplePage(WebDriver browser) throws IOException {
        this.browser = browser;
        Files.createDirectories(SCREENSHOTS);
    }

    void type(String id, String text) {
        WebElement input = browser.findElement(By.id(id));
        input.clear();
        input.sendKeys(text);
    }

    void click(String id) {
        click(By.id(id));
    }

    /** Waits for the element, centres it and clicks it. */
    void click(By locator) {
        WebElement element = new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(driver -> driver.findElements(locator).stream().findFirst().orElse(null));
        scrollIntoView(element);
        element.click();
    }

    /** Centred: the sticky status line at the top of the page would otherwise take a click near the top. */
    void scrollIntoView(WebElement element) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'});", element);
    }

    String status() {
        return browser.findElement(By.id("status")).getText();
    }

    boolean statusIsError() {
        return browser.findElement(By.id("status")).getDomAttribute("class").contains("error");
    }

    void awaitStatus(String expectedStart) {
        try {
            // A full-page round trip (OAuth, linking) replaces the element while we look: look again.
            new WebDriverWait(browser, Duration.ofSeconds(10))
                    .ignoring(StaleElementReferenceException.class)
                    .until(driver -> {
                        try {
                            return status().startsWith(expectedStart);
                        } catch (WebDriverException e) {
                            // Chromium's other word for a stale element while the page is replaced: an "unknown
                            // error" that the node "does not belong to the document". Look again, like for stale.
                            if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                                return false;
                            }
                            throw e;
                        }
                    });
        } catch (TimeoutException e) {
            throw new AssertionError("status never started with \"" + expectedStart + "\"; it says \"" + status()
                    + "\"", e);
        }
    }

    /** The access token the page holds in memory, or null when logged out. */
    String accessToken() {
        return (String) ((JavascriptExecutor) browser).executeScript("return tokens && tokens.access_token;");
    }

    void screenshot(String name) throws IOException {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
