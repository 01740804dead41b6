package dev.pump.dashboard;

import dev.pump.trigger.TriggerEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in headless Chromium against a running application (see {@link Browser} for how Chromium is
 * found, and when these tests skip or fail without it). One browser and one application serve every test;
 * each test reloads the page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {

  private static final String HOOK = "tr[data-trigger='hook']";
  private static final String CRON = "tr[data-trigger='weekday-nine']";

  private Browser browser;
  private DashboardFixture pump;

  @BeforeAll
  void start() {
    browser = Browser.start();
    pump = new DashboardFixture("");
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (pump != null) {
      pump.close();
    }
  }

  @BeforeEach
  void load() {
    browser.open(pump.url("/"));
    browser.waitForText("#conn", "live");
  }

  @Test
  void listsEveryTriggerWithItsScheduleInWordsAndItsNextFire() {
    browser.find(HOOK);

    assertThat(browser.text(CRON)).contains("weekday-nine", "cron", "at 09:00, Monday to Friday", "0 9 * * 1-5",
      "Europe/Prague", "active");
    assertThat(browser.text(CRON + " [data-field=countdown]")).startsWith("in ");
    assertThat(browser.text(HOOK)).contains("on each POST /webhooks/hook", "never");
    assertThat(browser.text("[data-pipeline='orders']")).contains("ready", "recorder");
  }

  @Test
  void fireShowsTheFiringAndCountsIt() {
    long before = Long.parseLong(browser.text(HOOK + " [data-field=fireCount]"));

    browser.click(HOOK + " [data-action=fire]");

    browser.waitFor("the hook's fire count to go up", () ->
      Long.parseLong(browser.text(HOOK + " [data-field=fireCount]")) == before + 1);
    // text and id read from one finding of the row: the page re-renders the table on every state and
    // firing message, and a row found earlier is then stale (waitFor asks again)
    List<String> firing = browser.waitFor("the firing in the table", () -> {
      WebElement row = browser.find("#firings tbody tr[data-trigger='hook']");
      return List.of(row.getText(), row.getAttribute("data-firing"));
    });
    assertThat(firing.get(0)).contains("hook", "webhook", "node-a", "fired");
    String firingId = firing.get(1);
    assertThat(browser.text("#notice")).startsWith("Fired hook");
    browser.waitFor("a cycle of the source", () -> pump.source.cycleEvents().stream()
      .anyMatch(e -> e.firing().equals(firingId)));
  }

  @Test
  void fireWithArgumentsHandsTheJsonToTheSource() {
    browser.click(HOOK + " [data-action=fire-args]");
    WebElement editor = browser.find("#args-json");
    editor.clear();
    editor.sendKeys("[1, 2]");
    browser.waitForText("#args-error", "must be a JSON object");
    assertThat(browser.find("#args-fire").isEnabled()).isFalse();

    editor.clear();
    editor.sendKeys("{\"customer\": 42}");
    browser.waitFor("the Fire button to be enabled", () -> browser.find("#args-fire").isEnabled());
    browser.click("#args-fire");

    TriggerEvent event = browser.waitFor("a cycle with the arguments", () -> pump.source.cycleEvents().stream()
      .filter(e -> e.args().containsKey("customer")).findFirst().orElse(null));
    assertThat(event.args().getInteger("customer")).isEqualTo(42);
  }

  @Test
  void pauseShowsThePausedStateAndResumeUndoesIt() {
    try {
      browser.click(CRON + " [data-action=pause]");

      browser.waitForText(CRON + " [data-field=state]", "paused");
      assertThat(pump.cron.isPaused()).isTrue();
      assertThat(browser.find(CRON + " [data-action=fire]").isEnabled()).isFalse();

      browser.click(CRON + " [data-action=resume]");

      browser.waitForText(CRON + " [data-field=state]", "active");
      assertThat(pump.cron.isPaused()).isFalse();
    } finally {
      pump.cron.resume();
    }
  }

  @Test
  void playgroundShowsTheMessageForAnInvalidExpressionAndTheNextTenTimesForAValidOne() {
    WebElement expr = browser.find("#cron-expr");
    expr.sendKeys(Keys.chord(Keys.CONTROL, "a"), "61 * * * *");

    browser.waitForText("#cron-error", "minute 61 is out of range 0-59");
    assertThat(browser.count("#cron-next li")).isZero();

    expr.sendKeys(Keys.chord(Keys.CONTROL, "a"), "*/15 * * * 1-5");
    browser.find("#cron-zone").sendKeys(Keys.chord(Keys.CONTROL, "a"), "Europe/Prague");

    browser.waitForText("#cron-words", "Every 15 minutes, Monday to Friday (Europe/Prague)");
    browser.waitFor("ten fire times", () -> browser.count("#cron-next li") == 10);
    assertThat(browser.find("#cron-error").isDisplayed()).isFalse();
  }

  @Test
  void aPipelineInErrorShowsTheMessageAndCanBeCleared() {
    pump.source.failNextCycle(new IllegalStateException("disk full"));
    pump.webhook.fire(null);
    String pipeline = "[data-pipeline='orders']";

    browser.waitForText(pipeline + " [data-field=state]", "error");
    assertThat(browser.text(pipeline + " [data-field=error]")).contains("IllegalStateException: disk full");

    browser.click(pipeline + " [data-action=clear-error]");

    browser.waitForText(pipeline + " [data-field=state]", "ready");
    assertThat(pump.pipeline.isReady()).isTrue();
  }

  @Test
  void withATokenThePageAsksForItAndKeepsItForTheTab() {
    try (DashboardFixture guarded = new DashboardFixture("s3cret-token")) {
      browser.open(guarded.url("/ui/"));

      browser.waitFor("the token dialog", () -> browser.find("#token-dialog").isDisplayed());
      browser.find("#token-input").sendKeys("s3cret-token");
      browser.click("#token-ok");

      browser.waitForText("#conn", "live");
      browser.find(HOOK);
      assertThat(browser.script("return sessionStorage.getItem('vertx-pump.apiToken')")).isEqualTo("s3cret-token");
      browser.click(HOOK + " [data-action=fire]");
      browser.waitForText("#notice", "Fired hook");
    }
  }
}
