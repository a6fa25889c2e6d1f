package dsrlb.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dsrlb.web.StatusPage;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The status page in a real browser: Debian's chromium, headless, driven by Selenium through
 * Debian's chromedriver (named explicitly, so Selenium Manager never looks for one on the
 * internet). dsrlb serves the page on the lb namespace's loopback, as it does by default;
 * {@link NamespaceTunnel} brings that port to this JVM's loopback, where chromium runs.
 * Everything is read from the rendered DOM (element text), not from the HTML source.
 *
 * <p>Without chromium or chromedriver the test fails (also with CI=true): it never skips.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusPageIT extends DsrlbLabTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String SOURCES = "192.0.2.32-192.0.2.131";
    static final int CLIENTS = 100;
    /** A file name no config may hold but any client may ask for: it must show as text. */
    static final String HOSTILE_FILE = "<img/src=x/onerror=window.pwned=1>\"'<script>window.pwned=2</script>";

    int port;
    NamespaceTunnel tunnel;
    ChromeDriverService driverService;
    WebDriver browser;

    @Override
    Path config() {
        // A TFTP monitor on both services, so the page has probe results and their history.
        return Lab.BASEDIR.resolve("examples/monitored.conf");
    }

    @Override
    String[] dsrlbArgs() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return new String[] {"--metrics-address", "127.0.0.1:" + port};
    }

    @BeforeAll
    void openBrowser() throws IOException {
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(p)) {
                fail(p + " is missing: apt-get install chromium chromium-driver (lab/test installs them)"
                        + ("true".equals(System.getenv("CI")) ? " (CI=true)" : ""));
            }
        }
        tunnel = NamespaceTunnel.open(Lab.LB_NS, port, dir);
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(dir.resolve("chromedriver.log").toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                // Root in the lab: chromium's sandbox refuses to run as root.
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--no-first-run",
                "--window-size=1600,1250",
                "--user-data-dir=" + dir.resolve("chromium"));
        browser = new ChromeDriver(driverService, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
        browser.get(url());
        jsonRequestsAtStart = metric("dsrlb_status_json_requests_total");
    }

    /** /status.json requests dsrlb had answered when the page was opened. */
    double jsonRequestsAtStart;

    final HttpClient http = HttpClient.newHttpClient();

    /** A sample of dsrlb's own /metrics (through the tunnel), as a scrape reads it. */
    private double metric(String sample) throws IOException {
        String body;
        try {
            body = http.send(
                            HttpRequest.newBuilder(URI.create(url() + "metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        for (String line : body.lines().toList()) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1));
            }
        }
        throw new AssertionError("no " + sample + " in dsrlb's /metrics");
    }

    private String transport() {
        return String.valueOf(script("return document.body.dataset.transport || ''"));
    }

    private boolean metricIs(String sample, double value) {
        try {
            return metric(sample) == value;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    void closeBrowser() throws IOException {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (driverService != null) {
                driverService.stop();
            }
            // Only what this JVM started: chromedriver and its chromium, if quit left any.
            ProcessHandle.current()
                    .descendants()
                    .filter(p -> p.info()
                            .command()
                            .map(c -> c.contains("chromium") || c.contains("chromedriver"))
                            .orElse(false))
                    .forEach(ProcessHandle::destroyForcibly);
            if (tunnel != null) {
                tunnel.close();
            }
        }
    }

    private String url() {
        return "http://127.0.0.1:" + tunnel.port() + "/";
    }

    private String serviceState(String service) {
        return browser.findElement(By.cssSelector("#services tr[data-name='" + service + "'] td.state"))
                .getText();
    }

    private long count(String id) {
        return Long.parseLong(browser.findElement(By.id(id)).getText().trim());
    }

    private static boolean within(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return true;
                }
            } catch (RuntimeException e) {
                // Not rendered yet (or being replaced by the next poll): look again.
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    private void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path target = Lab.BASEDIR.resolve("target").resolve(name);
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }

    private Lab.Result cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", Lab.JAR.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--control-socket", socket.toString()));
        return Lab.runQuietly(30, cmd.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void aStormMovesTheTransferCountsAndADisabledServiceTurnsOutOfServiceWithinTwoSeconds() throws Exception {
        assertTrue(
                within(
                        Duration.ofSeconds(10),
                        () -> serviceState("tftp1").equals("UP")
                                && serviceState("tftp2").equals("UP")),
                "both services UP on the page: "
                        + browser.findElement(By.id("services")).getText());
        assertEquals("dsrlb status", browser.getTitle());
        // The page takes the document dsrlb pushes (one stream), it does not poll.
        assertEquals("push", transport());
        assertEquals(1.0, metric("dsrlb_status_streams"), "the page's one stream");
        long startedBefore = count("transfers-started");
        long finishedBefore = count("transfers-finished");

        CompletableFuture<Lab.Result> storm = CompletableFuture.supplyAsync(() -> StormIT.storm(Lab.VIP, SOURCES, 120));
        assertTrue(
                within(
                        Duration.ofSeconds(30),
                        () -> count("transfers-started") >= startedBefore + CLIENTS / 2
                                && !browser.findElements(By.cssSelector("#in-progress tbody tr"))
                                        .isEmpty()),
                "the page saw the storm start: "
                        + browser.findElement(By.id("transfer-counts")).getText());
        Lab.Result result = storm.get();
        assertTrue(result.ok(), "storm: " + result);
        // Mid-picture for the README: the storm's transfers still open (3 s of silence ends one).
        Thread.sleep(1_000);
        screenshot("status-page.png");
        assertTrue(
                within(
                        Duration.ofSeconds(10),
                        () -> count("transfers-started") >= startedBefore + CLIENTS
                                && count("transfers-finished") >= finishedBefore + CLIENTS),
                "every storm transfer started and finished on the page: "
                        + browser.findElement(By.id("transfer-counts")).getText());
        assertTrue(
                within(
                        Duration.ofSeconds(5),
                        () -> browser.findElements(By.cssSelector("#recent tbody tr")).stream()
                                .anyMatch(r -> r.getText().contains("ARDBP32.BIN"))),
                "finished transfers listed with their file: "
                        + browser.findElement(By.id("recent")).getText());

        Lab.Result disable = Lab.check(cli("disable", "service", "tftp1"), "disable service tftp1");
        long disabledAt = System.nanoTime();
        boolean turned =
                within(Duration.ofSeconds(2), () -> serviceState("tftp1").equals("OUT OF SERVICE"));
        double took = (System.nanoTime() - disabledAt) / 1e9;
        assertTrue(
                turned,
                "tftp1 not OUT OF SERVICE on the page 2 s after `dsrlb disable service tftp1` ("
                        + disable.out().trim() + "): "
                        + browser.findElement(By.id("services")).getText());
        System.out.printf("the page showed tftp1 OUT OF SERVICE %.2f s after the CLI returned%n", took);
        WebElement cell = browser.findElement(By.cssSelector("#services tr[data-name='tftp1'] td.state"));
        assertTrue(cell.getAttribute("class").contains("st-oos"), cell.getAttribute("class"));
        assertEquals("UP", serviceState("tftp2"));
        screenshot("status-page-disabled.png");
        Lab.check(cli("enable", "service", "tftp1"), "enable service tftp1");
        assertEquals(
                jsonRequestsAtStart,
                metric("dsrlb_status_json_requests_total"),
                "the page fetched no /status.json through the storm: every update was pushed");
    }

    @Test
    @Order(2)
    void aFileNameWithMarkupFromAClientRendersAsText() throws Exception {
        // tftp-hpa asks for the name as given; the backends answer "file not found", which is enough.
        Lab.inNamespace(Lab.CLIENT_NS, 15, "tftp", "-m", "binary", Lab.VIP, "-c", "get", HOSTILE_FILE, "/dev/null");
        By cells = By.cssSelector("#in-progress td, #recent td");
        assertTrue(
                within(
                        Duration.ofSeconds(10),
                        () -> browser.findElements(cells).stream()
                                .anyMatch(td -> td.getText().equals(HOSTILE_FILE))),
                "the requested name shown as it is: "
                        + browser.findElement(By.id("in-progress")).getText() + "\n"
                        + browser.findElement(By.id("recent")).getText());
        assertEquals(1, browser.findElements(By.tagName("script")).size(), "only app.js");
        assertEquals(0, browser.findElements(By.tagName("img")).size(), "no element made from the name");
        assertEquals(
                "true",
                String.valueOf(((JavascriptExecutor) browser).executeScript("return window.pwned === undefined")),
                "no script from the name ran");
    }

    private long updates() {
        Object n = script("return document.body.dataset.updates || '0'");
        return Long.parseLong(String.valueOf(n));
    }

    private Object script(String js) {
        return ((JavascriptExecutor) browser).executeScript(js);
    }

    private void hide(boolean hidden) {
        script("Object.defineProperty(document, 'hidden', {configurable: true, get: () => " + hidden + "});"
                + " document.dispatchEvent(new Event('visibilitychange'));");
    }

    @Test
    @Order(3)
    void anUpdateChangesTheRowsInPlaceAndAHiddenPageClosesItsStream() throws Exception {
        // The transfer lists keep their rows by position (app.js, renderTransfers): new transfers
        // rewrite the rows that are there rather than replacing them.
        String recentRow = "document.querySelector('#recent tbody tr')";
        Object topBefore = script("const r = " + recentRow + "; r.dsrlbMarker = 'kept'; return r.innerText;");
        Lab.check(StormIT.storm(Lab.VIP, "192.0.2.132-192.0.2.135", 60), "a storm of 4 new clients");
        assertTrue(
                within(Duration.ofSeconds(5), () -> !topBefore.equals(script("return " + recentRow + ".innerText"))),
                "the newest finished transfer at the top of the list: " + topBefore + " -> "
                        + browser.findElement(By.id("recent")).getText());
        assertEquals(
                "kept", script("return " + recentRow + ".dsrlbMarker"), "the row rewritten in place, not replaced");

        // A property set on the elements from here survives only if the page changes them in place.
        script("const r = document.querySelector(\"#services tr[data-name='tftp1']\");"
                + " r.dsrlbMarker = 'kept'; r.cells[2].dsrlbMarker = 'kept';"
                + " document.querySelector('#drops tbody tr').dsrlbMarker = 'kept';");
        Lab.check(cli("disable", "service", "tftp1"), "disable service tftp1");
        assertTrue(
                within(Duration.ofSeconds(3), () -> serviceState("tftp1").equals("OUT OF SERVICE")),
                "tftp1 OUT OF SERVICE: "
                        + browser.findElement(By.id("services")).getText());
        assertEquals(
                "kept kept kept",
                script("const r = document.querySelector(\"#services tr[data-name='tftp1']\");"
                        + " return r.dsrlbMarker + ' ' + r.cells[2].dsrlbMarker + ' '"
                        + " + document.querySelector('#drops tbody tr').dsrlbMarker"),
                "the row and its state cell updated in place, not replaced");
        Lab.check(cli("enable", "service", "tftp1"), "enable service tftp1");

        // Hidden (a background tab): the page closes its stream; shown again, it opens one and has a
        // document at once.
        hide(true);
        // dsrlb finds the stream gone at its next writes.
        assertTrue(
                within(Duration.ofSeconds(5), () -> metricIs("dsrlb_status_streams", 0)),
                "the hidden page's stream closed");
        long hidden = updates();
        Thread.sleep(3_000);
        assertEquals(hidden, updates(), "nothing rendered while hidden");
        hide(false);
        assertTrue(within(Duration.ofMillis(900), () -> updates() > hidden), "updated at once when shown again");
        assertTrue(within(Duration.ofSeconds(3), () -> updates() > hidden + 1), "and every second again");
        assertEquals("push", transport());
        assertEquals(1.0, metric("dsrlb_status_streams"));
        assertTrue(within(Duration.ofSeconds(3), () -> serviceState("tftp1").equals("UP")));
        assertEquals(
                jsonRequestsAtStart,
                metric("dsrlb_status_json_requests_total"),
                "still no /status.json request from the page");
    }

    @Test
    @Order(4)
    void refusedAStreamThePagePollsTheJsonAndPushesAgainOnceShownAgain() throws Exception {
        hide(true);
        assertTrue(within(Duration.ofSeconds(5), () -> metricIs("dsrlb_status_streams", 0)), "page's stream closed");
        // Every stream dsrlb allows taken by other readers: the page's is refused (503).
        List<InputStream> others = new ArrayList<>();
        try {
            for (int i = 0; i < StatusPage.MAX_STREAMS; i++) {
                HttpResponse<InputStream> r = http.send(
                        HttpRequest.newBuilder(URI.create(url() + "status.events"))
                                .version(HttpClient.Version.HTTP_1_1)
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, r.statusCode(), "stream " + (i + 1));
                others.add(r.body());
            }
            double jsonBefore = metric("dsrlb_status_json_requests_total");
            double refusedBefore = metric("dsrlb_status_streams_refused_total");
            long before = updates();
            hide(false);
            assertTrue(
                    within(Duration.ofSeconds(3), () -> transport().equals("poll") && updates() > before + 1),
                    "the page polls instead: transport " + transport() + ", updates " + updates());
            assertEquals(refusedBefore + 1, metric("dsrlb_status_streams_refused_total"), "its stream was refused");
            assertTrue(metric("dsrlb_status_json_requests_total") >= jsonBefore + 2, "by polling /status.json");
            Lab.check(cli("disable", "service", "tftp1"), "disable service tftp1");
            assertTrue(
                    within(Duration.ofSeconds(2), () -> serviceState("tftp1").equals("OUT OF SERVICE")),
                    "polled, the row still turns within 2 s: "
                            + browser.findElement(By.id("services")).getText());
            Lab.check(cli("enable", "service", "tftp1"), "enable service tftp1");
        } finally {
            for (InputStream in : others) {
                in.close();
            }
        }
        assertTrue(within(Duration.ofSeconds(5), () -> metricIs("dsrlb_status_streams", 0)), "the others' went");
        // Hidden and shown again, the page tries the stream again.
        hide(true);
        hide(false);
        assertTrue(
                within(Duration.ofSeconds(3), () -> transport().equals("push") && metricIs("dsrlb_status_streams", 1)),
                "pushed to again: " + transport());
        double jsonPushed = metric("dsrlb_status_json_requests_total");
        long pushed = updates();
        assertTrue(within(Duration.ofSeconds(3), () -> updates() > pushed + 1), "updates every second");
        assertEquals(jsonPushed, metric("dsrlb_status_json_requests_total"), "and no longer polls");
        assertTrue(within(Duration.ofSeconds(3), () -> serviceState("tftp1").equals("UP")));
    }
}
