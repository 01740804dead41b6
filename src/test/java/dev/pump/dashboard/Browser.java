package dev.pump.dashboard;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Headless Chromium from the Debian packages {@code chromium} and {@code chromium-driver}, driven by Selenium.
 * Nothing is downloaded: the binaries are {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}, or
 * what {@code PUMP_CHROMIUM} and {@code PUMP_CHROMEDRIVER} name.
 *
 * <p>When they are missing, the tests are skipped with one line on stderr, except when {@code CI=true}: then
 * they fail, so CI never passes without running them.
 */
final class Browser implements AutoCloseable {

  static final Duration DEADLINE = Duration.ofSeconds(10);
  /**
   * Selenium looks for DevTools bindings of this Chromium's version and warns when it has none; they are not
   * used here. Held strongly: java.util.logging forgets the level of a logger nobody references.
   */
  private static final java.util.logging.Logger DEVTOOLS_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

  final WebDriver driver;
  private final ChromeDriverService service;
  private final Path profile;

  private Browser(WebDriver driver, ChromeDriverService service, Path profile) {
    this.driver = driver;
    this.service = service;
    this.profile = profile;
  }

  /** Starts a headless Chromium, or skips (fails on CI) the calling tests when it is not installed. */
  static Browser start() {
    File chromium = new File(envOr("PUMP_CHROMIUM", "/usr/bin/chromium"));
    File chromedriver = new File(envOr("PUMP_CHROMEDRIVER", "/usr/bin/chromedriver"));
    if (!chromium.canExecute() || !chromedriver.canExecute()) {
      String missing = "Chromium browser tests need " + chromium + " and " + chromedriver
        + " (apt-get install chromium chromium-driver)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(missing + ": CI=true, so they must run");
      }
      System.err.println("SKIPPED: " + missing + "; not found");
      Assumptions.abort(missing);
    }
    DEVTOOLS_LOG.setLevel(java.util.logging.Level.SEVERE);
    Path profile;
    try {
      profile = Files.createTempDirectory("pump-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
      .usingDriverExecutable(chromedriver)
      .usingAnyFreePort()
      .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(DEADLINE).scriptTimeout(DEADLINE);
    return new Browser(driver, service, profile);
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  void open(String url) {
    driver.get(url);
  }

  WebElement find(String css) {
    return waitFor("an element " + css, () -> {
      var found = driver.findElements(By.cssSelector(css));
      return found.isEmpty() ? null : found.get(0);
    });
  }

  int count(String css) {
    return driver.findElements(By.cssSelector(css)).size();
  }

  /** Text of the first element matching {@code css}, or null when there is none. */
  String text(String css) {
    try {
      var found = driver.findElements(By.cssSelector(css));
      return found.isEmpty() ? null : found.get(0).getText();
    } catch (StaleElementReferenceException e) {
      return null;
    }
  }

  void click(String css) {
    find(css).click();
  }

  Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  byte[] screenshot() {
    return ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
  }

  /** Polls until {@code condition} gives a non-null, non-false value, at most {@link #DEADLINE}. */
  <T> T waitFor(String what, Supplier<T> condition) {
    try {
      return Awaitility.await(what).atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
        // the page re-rendered between find and read: ask again
        .ignoreException(StaleElementReferenceException.class)
        .until(condition::get, value -> value != null && !Boolean.FALSE.equals(value));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("waited " + DEADLINE.toSeconds() + " s for " + what
        + "; page said: " + driver.findElement(By.tagName("body")).getText(), e);
    }
  }

  /** Waits until the text of {@code css} contains {@code expected}. */
  String waitForText(String css, String expected) {
    return waitFor("'" + expected + "' in " + css, () -> {
      String text = text(css);
      return text != null && text.contains(expected) ? text : null;
    });
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary profile left behind is harmless
      }
    }
  }
}
