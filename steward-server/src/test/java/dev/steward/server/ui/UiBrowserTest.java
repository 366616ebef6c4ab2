package dev.steward.server.ui;

import static dev.steward.server.ui.UiScenario.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The web UI in a real browser (Debian's chromium, headless) against a real server on a random
 * loopback port: every page shows what the API shows, its actions change what the API then
 * reports, a viewer sees no control it may not use, forged and stale requests are refused, and
 * axe-core finds no WCAG 2 A/AA violation. Each page leaves a screenshot in target/screenshots.
 */
class UiBrowserTest {
    @TempDir
    static Path home;

    static StewardServer server;
    static UiScenario scenario;
    static Browser browser;
    static String viewer;

    @BeforeAll
    static void start() throws Exception {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0", "jobs.concurrency", "2"))));
        scenario = new UiScenario(server);
        scenario.populate();
        viewer = scenario.token("viewer-vera", "viewer")[0];
        browser = Browser.start(server.uri());
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            server.close();
        }
    }

    @Test
    void theExperimentsAndRunsPagesShowWhatTheApiShowsSortedByAMetricWhenItsHeaderIsClicked() {
        browser.login(scenario.admin);
        browser.open("/");
        assertThat(browser.driver().getCurrentUrl()).endsWith("/ui/experiments");
        List<String> names = browser.all("tbody tr td:first-child a").stream().map(WebElement::getText).toList();
        List<String> api = new ArrayList<>();
        scenario.get("/api/v1/experiments?order_by=last_update_time+DESC").get("experiments").forEach(e -> api.add(e.get("name").asText()));
        assertThat(names).isEqualTo(api);
        browser.screenshot("experiments");
        browser.assertAccessible("experiments");

        browser.find("a[href='/ui/experiments/" + scenario.experimentId + "']").click();
        browser.waitUntil(d -> d.getTitle().startsWith(UiScenario.EXPERIMENT));
        assertThat(runNames()).hasSize(UiScenario.RUNS).containsExactlyElementsOf(apiRunNames("attributes.start_time DESC"));
        browser.find("th a[href*='order=metrics.%60accuracy%60+DESC']").click();
        browser.waitUntil(d -> d.getCurrentUrl().contains("accuracy"));
        assertThat(runNames()).containsExactlyElementsOf(apiRunNames("metrics.`accuracy` DESC"));
        assertThat(browser.find("th[aria-sort='descending']").getText()).containsIgnoringCase("metrics.accuracy");
        browser.screenshot("runs");
        browser.assertAccessible("runs");
    }

    @Test
    void aBadFilterIsRefusedWithTheApisMessageNextToTheFieldAndACaretAtThePosition() {
        browser.login(scenario.admin);
        browser.open("/ui/experiments/" + scenario.experimentId);
        WebElement filter = browser.find("#filter");
        filter.sendKeys("metrics.accuracy >> 0.9");
        filter.submit();
        String message = browser.text("#filter-error");
        HttpResponse<String> api = scenario.http.get("/api/v1/runs?experiment_id=" + scenario.experimentId + "&filter="
                + URLEncoder.encode("metrics.accuracy >> 0.9", StandardCharsets.UTF_8), scenario.admin);
        assertThat(api.statusCode()).isEqualTo(400);
        assertThat(message).startsWith(UiScenario.ok(api, 400).get("message").asText());
        assertThat(browser.find("#filter").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.text("pre.caret")).contains("^");
        browser.screenshot("runs-filter-error");
        browser.assertAccessible("runs with a filter error");

        browser.find("#filter").clear();
        browser.find("#filter").sendKeys("params.model = 'xgboost' and metrics.accuracy > 0.5");
        browser.find("#filter").submit();
        browser.waitUntil(d -> d.findElements(By.id("filter-error")).isEmpty());
        assertThat(runNames()).containsExactlyElementsOf(apiRunNames("attributes.start_time DESC",
                "params.model = 'xgboost' and metrics.accuracy > 0.5"));
    }

    @Test
    void aRunsPageShowsItsParamsMetricsCurvesAndPreviewsItsArtifacts() {
        browser.login(scenario.admin);
        String id = scenario.runIds.get(0);
        browser.open("/ui/runs/" + id);
        JsonNode run = scenario.get("/api/v1/runs/" + id);
        assertThat(browser.text("h1")).isEqualTo(run.get("name").asText());
        run.get("params").fields().forEachRemaining(p -> assertThat(browser.text("body")).contains(p.getKey()).contains(p.getValue().asText()));
        browser.awaitCharts();
        assertThat(browser.all("[data-echarts] canvas")).hasSizeGreaterThanOrEqualTo(2);

        browser.find("#artifact-list a[href*='path=notes.txt']").click();
        browser.waitUntil(d -> d.findElement(By.id("preview")).getText().contains("March snapshot"));
        browser.find("#artifact-list a[href*='path=eval']").click();
        browser.find("#artifact-list a[href*='metrics.json']").click();
        browser.waitUntil(d -> d.findElement(By.id("preview")).getText().contains("\"accuracy\" : 0.91"));
        browser.find("#artifact-list a[href*='sample.csv']").click();
        browser.waitUntil(d -> d.findElements(By.cssSelector("#preview table td")).stream().anyMatch(td -> td.getText().equals("3, trial")));
        browser.find("#artifact-list a[href*='confusion.png']").click();
        WebElement image = browser.find("#preview img");
        browser.waitUntil(d -> ((Long) ((org.openqa.selenium.JavascriptExecutor) d).executeScript("return arguments[0].naturalWidth", image)) == 160L);
        browser.screenshot("run");
        browser.assertAccessible("run");
    }

    @Test
    void comparingRunsMarksTheRowsThatDifferAndDrawsCurvesAndParallelCoordinates() {
        browser.login(scenario.admin);
        browser.open("/ui/experiments/" + scenario.experimentId);
        List<WebElement> boxes = browser.all("input[name=run]");
        boxes.subList(0, 3).forEach(WebElement::click);
        browser.find("button[form=compare]").click();
        browser.waitUntil(d -> d.getCurrentUrl().contains("/ui/compare"));
        browser.awaitCharts();
        assertThat(browser.all("table.compare thead th")).hasSize(4);
        List<String> differing = browser.all("tr.differs th").stream().map(e -> e.getText().replace(" ≠", "")).toList();
        assertThat(differing).contains("lr", "depth", "model", "accuracy").doesNotContain("Status");
        assertThat(browser.all("[data-echarts]")).hasSize(2);
        browser.screenshot("compare");
        browser.assertAccessible("compare");

        browser.open("/ui/compare?run=" + scenario.runIds.get(0));
        assertThat(browser.text(".alert.error")).contains("Choose between 2 and 10 runs");
    }

    @Test
    void aJobsLogIsFollowedLiveAndCancellingItInTheBrowserCancelsItInTheApi() {
        String job = scenario.submit("command", 5, "{\"command\": \"echo first line; sleep 1; echo second line; sleep 600\", \"experiment\": \"ui-jobs\"}");
        await(() -> scenario.job(job), j -> j.get("status").asText().equals("running"), Duration.ofSeconds(30));
        browser.login(scenario.admin);
        browser.open("/ui/jobs");
        assertThat(browser.text("body")).contains(job);
        browser.screenshot("jobs");
        browser.assertAccessible("jobs");

        browser.find("a[href='/ui/jobs/" + job + "']").click();
        browser.waitUntil(d -> d.findElement(By.id("job-log")).getText().contains("second line"));
        assertThat(browser.text("#job-facts")).contains("running");
        browser.screenshot("job");
        browser.assertAccessible("job");
        browser.find("details.danger-zone summary").click();
        browser.find("#reason").sendKeys("superseded by a better sweep");
        browser.find("button.danger").click();

        JsonNode cancelled = await(() -> scenario.job(job), j -> j.get("status").asText().equals("cancelled"), Duration.ofSeconds(30));
        assertThat(cancelled.get("message").asText()).isEqualTo("superseded by a better sweep");
        browser.waitUntil(d -> d.findElement(By.id("job-facts")).getText().contains("cancelled"));
    }

    @Test
    void retryingAFailedJobQueuesItsNextAttempt() {
        String job = scenario.submit("command", 0, "{\"command\": \"echo failing on purpose; exit 3\", \"experiment\": \"ui-jobs\"}");
        await(() -> scenario.job(job), j -> j.get("status").asText().equals("failed"), Duration.ofSeconds(60));
        browser.login(scenario.admin);
        browser.open("/ui/jobs/" + job);
        browser.find("form[action$='/retry'] button").click();
        JsonNode again = await(() -> scenario.job(job), j -> j.get("attempt").asInt() == 2, Duration.ofSeconds(30));
        assertThat(again.get("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void theAuditPageShowsTheEventsTheApiShowsFiltersThemAndReportsTheChainIntact() {
        browser.login(scenario.admin);
        browser.open("/ui/audit");
        browser.waitUntil(d -> d.findElement(By.id("chain")).getText().contains("intact"));
        JsonNode verify = scenario.get("/api/v1/audit/verify");
        assertThat(browser.text("#chain")).contains(verify.get("events_checked").asText() + " events checked");
        long newest = scenario.get("/api/v1/audit?order=newest&max_results=1").at("/events/0/seq").asLong();
        assertThat(browser.all("tbody tr").get(0).getAttribute("id")).isIn("event-" + newest, "event-" + (newest + 1), "event-" + (newest + 2));
        browser.screenshot("audit");
        browser.assertAccessible("audit");

        browser.find("#action").sendKeys("run.create");
        browser.find("#action").submit();
        browser.waitUntil(d -> d.getCurrentUrl().contains("action=run.create"));
        int apiCount = scenario.get("/api/v1/audit?action=run.create&max_results=1000").get("events").size();
        assertThat(browser.all("tbody tr")).hasSize(Math.min(apiCount, AuditPages.PAGE_SIZE));
        assertThat(browser.all("tbody tr code").stream().map(WebElement::getText).filter(t -> t.equals("run.create"))).hasSize(
                Math.min(apiCount, AuditPages.PAGE_SIZE));

        browser.find("#from").sendKeys("yesterday");
        browser.find("#from").submit();
        assertThat(browser.text("#from-error")).contains("'from' must be an ISO-8601 instant");
    }

    @Test
    void aViewerSeesNoCancelOrRetryAndNoAuditAndIsRefusedTheAuditPage() {
        String job = scenario.submit("command", 0, "{\"command\": \"sleep 600\", \"experiment\": \"ui-jobs\"}");
        browser.login(viewer);
        browser.open("/ui/jobs/" + job);
        assertThat(browser.all("nav[aria-label=Main] a").stream().map(WebElement::getText)).containsExactly("Experiments", "Datasets", "Models", "Deployments",
                "Monitoring", "Jobs");
        assertThat(browser.all("details.danger-zone")).isEmpty();
        assertThat(browser.all("form[action$='/cancel'], form[action$='/retry']")).isEmpty();
        assertThat(browser.text(".who")).contains("viewer-vera").contains("viewer");
        browser.screenshot("job-as-viewer");
        browser.open("/ui/audit");
        assertThat(browser.text("h1")).isEqualTo("Not allowed");
        assertThat(browser.text(".alert.error")).contains("needs role 'admin'");
        scenario.http.post("/api/v1/jobs/" + job + "/cancel", scenario.admin, "{}");
    }

    @Test
    void aForgedPostCarryingTheSessionCookieIsRefusedWith403AndChangesNothing() {
        String job = scenario.submit("command", 0, "{\"command\": \"sleep 600\", \"experiment\": \"ui-jobs\"}");
        browser.login(scenario.admin);
        browser.open("/ui/jobs/" + job);
        String cookie = browser.cookie(UiRouter.SESSION_COOKIE);
        assertThat(browser.cookieFlags(UiRouter.SESSION_COOKIE)).containsEntry("httpOnly", true).containsEntry("sameSite", "Strict")
                .containsEntry("path", "/ui");
        for (String body : List.of("reason=forged", "reason=forged&_csrf=not-the-token")) {
            HttpResponse<String> forged = scenario.http.send(HttpRequest.newBuilder(server.uri().resolve("/ui/jobs/" + job + "/cancel"))
                    .header("Cookie", UiRouter.SESSION_COOKIE + "=" + cookie).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(forged.body()).contains("CSRF").doesNotContain("Exception");
        }
        assertThat(scenario.job(job).get("status").asText()).isIn("queued", "running");
        scenario.http.post("/api/v1/jobs/" + job + "/cancel", scenario.admin, "{}");
    }

    @Test
    void anEndedSessionLeadsToTheLoginPageAndThenBackToThePageTheUserWasOn() {
        String[] editor = scenario.token("editor-eli", "editor");
        browser.login(editor[0]);
        String page = "/ui/runs/" + scenario.runIds.get(1);
        browser.open(page);
        assertThat(browser.text(".who")).contains("editor-eli");
        UiScenario.ok(scenario.http.delete("/api/v1/tokens/" + editor[1], scenario.admin), 200);

        browser.open(page);
        browser.waitUntil(d -> d.getCurrentUrl().contains("/ui/login"));
        assertThat(browser.text(".alert.info")).contains("Your session ended");
        browser.screenshot("login");
        browser.assertAccessible("login");
        browser.find("#token").sendKeys(editor[0]);
        browser.find("button[type=submit]").click();
        assertThat(browser.text("#token-error")).isEqualTo("The API token is not valid or has been revoked.");
        browser.find("#token").sendKeys(scenario.admin);
        browser.find("button[type=submit]").click();
        browser.waitUntil(d -> d.getCurrentUrl().endsWith(page));
        assertThat(browser.text("h1")).isEqualTo("run-2");
    }

    @Test
    void anUnknownRunIsAPageThatSaysSoWithoutATrace() {
        browser.login(scenario.admin);
        browser.open("/ui/runs/0123456789abcdef0123456789abcdef");
        assertThat(browser.text("h1")).isEqualTo("Not found");
        assertThat(browser.driver().getPageSource()).doesNotContain("Exception").doesNotContain("at dev.steward");
        browser.open("/ui/no-such-page");
        assertThat(browser.text(".alert.error")).contains("There is no page at /ui/no-such-page");
    }

    private static List<String> runNames() {
        return browser.all("table.runs tbody th a").stream().map(WebElement::getText).toList();
    }

    private static List<String> apiRunNames(String order) {
        return apiRunNames(order, "");
    }

    private static List<String> apiRunNames(String order, String filter) {
        List<String> names = new ArrayList<>();
        scenario.get("/api/v1/runs?experiment_id=" + scenario.experimentId + "&max_results=50&order_by=" + URLEncoder.encode(order,
                StandardCharsets.UTF_8) + "&filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8)).get("runs")
                .forEach(r -> names.add(r.get("name").asText()));
        return names;
    }
}
