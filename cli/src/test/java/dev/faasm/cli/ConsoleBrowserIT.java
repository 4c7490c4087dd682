package dev.faasm.cli;

import static dev.faasm.cli.TestCluster.callId;
import static dev.faasm.cli.TestCluster.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless browser (Debian's chromium through /usr/bin/chromedriver, nothing downloaded) against
 * a whole platform: upload by the file input, invoke, a failed call's logs, a chain followed through its tree, a replay
 * with its differences. A failing test leaves a screenshot in {@code target/console-screenshots/}; every test also
 * saves one of the view it ends on there (the pictures in docs/console.md).
 */
@ExtendWith(ConsoleBrowserIT.ScreenshotOnFailure.class)
class ConsoleBrowserIT {
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path SHOTS = Path.of("target", "console-screenshots");
  static final String USER = "demo";

  private static TestCluster cluster;
  private static ChromeDriver browser;
  private static WebDriverWait wait;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
        "needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)");
    cluster = new TestCluster();
    ChromeOptions options = new ChromeOptions()
        .setBinary(CHROMIUM.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--window-size=1400,900", "--lang=en-GB");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    browser = new ChromeDriver(service, options);
    wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void openConsole() {
    browser.get(cluster.uri("/ui/?user=" + USER).toString());
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#functions tbody tr")));
  }

  @Test
  void uploadedModuleIsListedAndAnInvalidOneShowsTheReason() throws Exception {
    Path wasm = Files.createTempFile("hello", ".wasm");
    Files.write(wasm, Repo.wasm("demo", "hello"));
    browser.findElement(By.id("upload-name")).sendKeys("greeter");
    browser.findElement(By.id("upload-file")).sendKeys(wasm.toAbsolutePath().toString());
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("upload-msg"), "uploaded demo/greeter"));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#functions tr[data-function=greeter]")));
    assertEquals(200, cluster.get("/f/demo/greeter").statusCode());
    shot("functions");

    Path junk = Files.createTempFile("junk", ".wasm");
    Files.writeString(junk, "not a module");
    WebElement name = browser.findElement(By.id("upload-name"));
    name.clear();
    name.sendKeys("junk");
    browser.findElement(By.id("upload-file")).sendKeys(junk.toAbsolutePath().toString());
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("upload-msg"), "rejected (400)"));
    assertEquals(404, cluster.get("/f/demo/junk").statusCode());
  }

  @Test
  void invokeShowsTheOutputAndLinksTheCall() throws Exception {
    browser.findElement(By.cssSelector("#functions tr[data-function=hello] button.invoke")).click();
    browser.findElement(By.id("invoke-btn")).click();
    wait.until(ExpectedConditions.textToBe(By.id("invoke-result"), "Hello Faasm!"));
    assertTrue(browser.findElement(By.id("invoke-status")).getText().startsWith("succeeded"));
    shot("invoke");

    browser.findElement(By.cssSelector("#invoke-status a.call-link")).click();
    wait.until(ExpectedConditions.textToBe(By.id("call-output"), "Hello Faasm!"));
  }

  @Test
  void failedCallOpensWithItsLogs() throws Exception {
    assertEquals(201, cluster.put("/f/demo/exit3/", Repo.wasm("bad", "exit3")).statusCode());
    HttpResponse<byte[]> r = cluster.post("/f/demo/exit3", "");
    assertEquals(500, r.statusCode(), text(r));
    String failed = callId(r);

    browser.findElement(By.cssSelector("nav button[data-tab=calls]")).click();
    new Select(browser.findElement(By.id("f-outcome"))).selectByVisibleText("failed");
    By row = By.cssSelector("#calls tr.call[data-id='" + failed + "']");
    wait.until(ExpectedConditions.elementToBeClickable(row)).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("call-logs"), "exit3: returning 3"));
    assertEquals("failed", browser.findElement(By.id("call-status")).getText());
    assertTrue(browser.findElement(By.id("call-facts")).getText().contains("NON_ZERO_EXIT"),
        browser.findElement(By.id("call-facts")).getText());
    // Only failed calls are listed under that filter.
    for (WebElement tr : browser.findElements(By.cssSelector("#calls tr.call"))) {
      assertEquals("failed", tr.getAttribute("data-status"));
    }
    shot("failed-call");
  }

  @Test
  void chainIsFollowedThroughItsTree() throws Exception {
    HttpResponse<byte[]> r = cluster.post("/f/demo/nested", "3");
    assertEquals(200, r.statusCode(), text(r));
    String root = callId(r);

    browser.findElement(By.cssSelector("nav button[data-tab=calls]")).click();
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#calls tr.call[data-id='" + root + "']")))
        .click();
    // nested with 3 chains nested 2, 1 and 0: four calls in one tree.
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#call-tree a.tree-node"), 4));
    List<WebElement> nodes = browser.findElements(By.cssSelector("#call-tree a.tree-node"));
    List<String> ids = nodes.stream().map(n -> n.getAttribute("data-id")).toList();
    assertEquals(root, ids.get(0));
    shot("chain");

    String deepest = ids.get(3);
    nodes.get(3).click();
    wait.until(ExpectedConditions.textToBe(By.id("call-id"), deepest));
    wait.until(ExpectedConditions.textToBe(By.id("call-output"), "0"));
    // From the deepest call, back up to its parent.
    WebElement parent = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#call-tree a.tree-parent")));
    String parentId = parent.getAttribute("data-id");
    parent.click();
    wait.until(ExpectedConditions.textToBe(By.id("call-id"), parentId));
    assertEquals(ids.get(2), parentId);
  }

  @Test
  void replayRunsAndShowsTheDifferencesSideBySide() throws Exception {
    assertEquals(201, cluster.put("/f/demo/shout/", Repo.wasm("demo", "upper")).statusCode());
    assertEquals(201, cluster.put("/f/demo/shout_v2/", Repo.wasm("demo", "echo")).statusCode());
    HttpResponse<byte[]> r = cluster.post("/f/demo/shout", "quiet please");
    assertEquals("QUIET PLEASE", text(r));

    browser.findElement(By.cssSelector("nav button[data-tab=replays]")).click();
    browser.findElement(By.id("r-function")).sendKeys("shout");
    new Select(browser.findElement(By.id("r-target"))).selectByValue("function");
    browser.findElement(By.id("r-target-fn")).sendKeys("shout_v2");
    browser.findElement(By.id("replay-btn")).click();
    wait.until(ExpectedConditions.textToBe(By.id("replay-state"), "done"));
    assertEquals("1", browser.findElement(By.id("replay-replayed")).getText());
    assertEquals("1", browser.findElement(By.id("replay-different")).getText());
    WebElement diff = browser.findElement(By.cssSelector("#replay-diffs tr.diff"));
    List<WebElement> sides = diff.findElements(By.cssSelector("pre"));
    assertEquals("QUIET PLEASE", sides.get(0).getText());
    assertTrue(sides.get(1).getText().startsWith("quiet please"), sides.get(1).getText());
    shot("replay");
  }

  @Test
  void metricsChartEachFunctionWithCalls() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertEquals(200, cluster.post("/f/demo/echo", "x" + i).statusCode());
    }
    browser.findElement(By.cssSelector("nav button[data-tab=metrics]")).click();
    WebElement chart = wait.until(
        ExpectedConditions.presenceOfElementLocated(By.cssSelector("#charts .chart[data-function=echo]")));
    wait.until(d -> chart.findElement(By.cssSelector(".facts")).getText().matches("\\d+ calls.*"));
    assertEquals(3, chart.findElements(By.tagName("svg")).size());
    shot("metrics");
  }

  private static void shot(String name) throws IOException {
    Path png = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(png, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  /** Saves what the browser showed when a test failed. */
  static final class ScreenshotOnFailure implements TestWatcher {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (browser == null) {
        return;
      }
      try {
        shot("FAILED-" + context.getRequiredTestMethod().getName());
      } catch (IOException | RuntimeException e) {
        cause.addSuppressed(e);
      }
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
      testFailed(context, cause);
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {}
  }
}
