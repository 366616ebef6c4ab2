package dev.steward.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium driven by its chromedriver, headless, with a fresh profile and nothing that
 * reaches the network on its own; with the few things the UI tests do on every page: log in,
 * open, wait, take a screenshot, run axe-core.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final URI base;
    private final Path profile;

    private Browser(ChromeDriver driver, URI base, Path profile) {
        this.driver = driver;
        this.base = base;
        this.profile = profile;
    }

    /** Starts the browser, or skips the test class when Debian's chromium or chromedriver is not installed. */
    static Browser start(URI base) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run installs them)");
        // Selenium Manager would try to download a driver; the driver and browser are given.
        System.setProperty("SE_OFFLINE", "true");
        Path profile = Files.createTempDirectory("steward-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,1000",
                "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        Files.createDirectories(SCREENSHOTS);
        return new Browser(driver, base, profile);
    }

    WebDriver driver() {
        return driver;
    }

    void open(String path) {
        driver.get(base.resolve(path).toString());
        waitUntil(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    /** Logs in with {@code token} from a clean slate (no cookie of an earlier session). */
    void login(String token) {
        driver.manage().deleteAllCookies();
        open("/ui/login");
        driver.findElement(By.id("token")).sendKeys(token);
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        waitUntil(d -> !d.getCurrentUrl().contains("/ui/login"));
    }

    <T> T waitUntil(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(20)).until(condition::apply);
    }

    WebElement find(String css) {
        return waitUntil(d -> d.findElement(By.cssSelector(css)));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    String text(String css) {
        return find(css).getText();
    }

    /** Waits until every chart on the page is drawn (ECharts puts a canvas in it). */
    void awaitCharts() {
        waitUntil(d -> d.findElements(By.cssSelector("[data-echarts]")).stream()
                .allMatch(e -> "true".equals(e.getAttribute("data-drawn")) && !e.findElements(By.tagName("canvas")).isEmpty()));
    }

    /** The whole page (up to {@link #MAX_SHOT_HEIGHT} pixels), not only the window: a reviewer sees every part of it. */
    void screenshot(String name) {
        try {
            // From the top: the sidebar sticks to the window, and the capture starts where the page does.
            driver.executeScript("window.scrollTo(0, 0)");
            Map<String, Object> layout = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
            Map<?, ?> size = (Map<?, ?>) layout.get("cssContentSize");
            double width = ((Number) size.get("width")).doubleValue();
            double height = Math.min(MAX_SHOT_HEIGHT, ((Number) size.get("height")).doubleValue());
            Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
                    "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
            Files.write(SCREENSHOTS.resolve(name + ".png"), java.util.Base64.getDecoder().decode((String) shot.get("data")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final int MAX_SHOT_HEIGHT = 5000;

    /** Runs axe-core's WCAG 2 A and AA rules on the page as it is; no violation may be found. */
    @SuppressWarnings("unchecked")
    void assertAccessible(String page) {
        driver.executeScript(axe());
        Object result = driver.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
                + ".then(function (r) { done(r.violations.map(function (v) { return v.id + ': ' + v.help + ' — '"
                + " + v.nodes.slice(0, 3).map(function (n) { return n.target.join(' ') + ' (' + (n.failureSummary || '') + ')'; }).join('; '); })); })"
                + ".catch(function (e) { done(['axe failed: ' + e]); });");
        assertThat((List<String>) result).as("accessibility violations on %s", page).isEmpty();
    }

    private static String axe;

    private static synchronized String axe() {
        if (axe == null) {
            String resource = "META-INF/resources/webjars/axe-core/" + version("axe-core") + "/axe.min.js";
            try (InputStream in = Browser.class.getClassLoader().getResourceAsStream(resource)) {
                assertThat(in).as(resource).isNotNull();
                axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return axe;
    }

    private static String version(String webjar) {
        java.util.Properties properties = new java.util.Properties();
        try (InputStream in = Browser.class.getClassLoader().getResourceAsStream("META-INF/maven/org.webjars.npm/" + webjar + "/pom.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    /** The session cookie the browser holds, to send a request of its own with it. */
    String cookie(String name) {
        return driver.manage().getCookieNamed(name).getValue();
    }

    Map<String, Object> cookieFlags(String name) {
        org.openqa.selenium.Cookie c = driver.manage().getCookieNamed(name);
        return Map.of("httpOnly", c.isHttpOnly(), "sameSite", String.valueOf(c.getSameSite()), "path", c.getPath(), "secure", c.isSecure());
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // A profile left in the temporary directory is harmless.
            }
        }
    }
}
