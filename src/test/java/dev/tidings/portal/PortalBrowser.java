package dev.tidings.portal;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * A real headless Chromium, driven through the chromedriver of the distribution's packages (the CI
 * script installs both; the system properties {@code portal.chromium} and {@code portal.chromedriver}
 * name others). Screenshots go to {@code target/portal-screenshots}, or to the directory named by the
 * system property {@code portal.screenshots} (the README's pictures: {@code docs/portal}).
 */
final class PortalBrowser implements AutoCloseable {

    static final Path CHROMEDRIVER = onPath("portal.chromedriver", "chromedriver");
    static final Path CHROMIUM = onPath("portal.chromium", "chromium");
    /** A laptop-sized window, and a phone-sized one for the small-screen pictures. */
    static final Dimension DESKTOP = new Dimension(1200, 900);
    static final Dimension PHONE = new Dimension(390, 844);
    /** Pictures stop here; no page of the tests is longer. */
    private static final int MAX_SCREENSHOT_HEIGHT = 4000;

    private final ChromeDriver driver;
    private final Path screenshots = Path.of(System.getProperty("portal.screenshots", "target/portal-screenshots"));

    PortalBrowser() {
        if (!Files.isExecutable(CHROMEDRIVER) || !Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException("The browser tests need Chromium and its driver: apt-get install -y chromium chromium-driver");
        }
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--hide-scrollbars",
                        "--force-device-scale-factor=1", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(DESKTOP);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    /** The program a system property names, else the first of that name on the PATH (the packages install both there). */
    private static Path onPath(String property, String program) {
        String named = System.getProperty(property);
        if (named != null) {
            return Path.of(named);
        }
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, program)).filter(Files::isExecutable)
                .findFirst().orElse(Path.of(program));
    }

    ChromeDriver driver() {
        return driver;
    }

    void open(String url) {
        driver.get(url);
    }

    String heading() {
        return driver.findElement(By.tagName("h1")).getText();
    }

    WebElement find(By by) {
        return driver.findElement(by);
    }

    /** Clicks the submit button of the form whose action ends with {@code actionSuffix}, and waits for the next page. */
    void submit(String actionSuffix) {
        click(By.cssSelector("form[action$='" + actionSuffix + "'] button[type=submit]"));
    }

    /** Clicks what leads to another page and waits until it has replaced this one (a click does not wait by itself). */
    void click(By by) {
        WebElement page = driver.findElement(By.tagName("html"));
        driver.findElement(by).click();
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(browser -> replaced(page));
    }

    /** The old page's root is gone; while the browser is between the two pages it may answer with other errors: ask again. */
    private static boolean replaced(WebElement page) {
        try {
            page.isEnabled();
            return false;
        } catch (StaleElementReferenceException gone) {
            return true;
        } catch (WebDriverException betweenPages) {
            return false;
        }
    }

    void fill(String id, String value) {
        WebElement input = driver.findElement(By.id(id));
        input.clear();
        input.sendKeys(value);
    }

    String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    /** The whole page as a PNG named {@code name}.png, laid out at the window's width (the emulated viewport grows to the page). */
    void screenshot(String name, Dimension window) {
        boolean phone = window.width < DESKTOP.width / 2;
        emulate(window, phone);
        long height = ((Number) driver.executeScript("return document.documentElement.scrollHeight")).longValue();
        emulate(new Dimension(window.width, (int) Math.min(Math.max(height, window.height), MAX_SCREENSHOT_HEIGHT)), phone);
        byte[] shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        try {
            Files.createDirectories(screenshots);
            Files.write(screenshots.resolve(name + ".png"), shot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    private void emulate(Dimension viewport, boolean phone) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", viewport.width, "height", viewport.height, "deviceScaleFactor", 1, "mobile", phone));
    }

    void screenshot(String name) {
        screenshot(name, DESKTOP);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
