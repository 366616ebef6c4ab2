package dev.steward.server.ui;

import static dev.steward.server.ui.UiScenario.await;
import static dev.steward.server.ui.UiScenario.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The datasets, models, deployments and monitoring pages in a real browser, on a store filled
 * through the API as a team would: the penguins uploaded twice (all of them, then Biscoe's only),
 * validated, two forests trained on the first by {@code train} jobs and registered, the first in
 * production, a policy for production that asks for an approval under four eyes, the second
 * waiting for one, a deployment serving the first with the second as its shadow and a confidence
 * threshold, traffic with its true labels as feedback, and a monitor whose small windows close as
 * the rows arrive (the Biscoe rows drift). Each page is checked against the API, its actions
 * against their effect in the API, a viewer sees no control, forged posts are refused, axe-core
 * finds nothing, and each page leaves a screenshot.
 */
class UiBrowser2Test {
    private static final String FEATURES = "[\"beak_length_mm\", \"beak_depth_mm\", \"flipper_length_mm\"]";
    private static final String TRAIN = """
            {"experiment": "penguins", "dataset": {"name": "penguins", "version": 1}, "target": "species",
             "task": "multiclass_classification", "seed": %d, "features": %s,
             "preprocessing": [{"step": "impute", "columns": %s, "strategy": "median"}],
             "algorithm": {"name": "random_forest", "hyperparameters": {"n_trees": 10}}}
            """;
    private static final String SUITE = """
            name: penguins-quality
            on_failure: report
            checks:
              - check: row_count
                min: 100
              - check: completeness
                column: sex
                min: 0.99
              - check: allowed_values
                column: species
                values: [Adelie, Chinstrap, Gentoo]
              - check: range
                column: beak_length_mm
                min: 30
                max: 60
            """;
    private static final String POLICY = """
            description: production needs a good model and a second pair of eyes
            criteria:
              - metric: "accuracy >= 0.5 on penguins@1"
              - approvals: {count: 1, role: deployer, four_eyes: true}
            """;
    private static final int WINDOW = 30;

    @TempDir
    static Path home;

    static StewardServer server;
    static UiScenario scenario;
    static Browser browser;
    static String deployer;
    static String editor;
    static String viewer;
    static String app;

    @BeforeAll
    static void start() throws Exception {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0", "jobs.concurrency", "2",
                "serving.poll-ms", "50"))));
        scenario = new UiScenario(server);
        deployer = scenario.token("dana", "deployer")[0];
        editor = scenario.token("eddie", "editor")[0];
        viewer = scenario.token("vic", "viewer")[0];
        app = scenario.token("app", "inference")[0];
        populate();
        browser = Browser.start(server.uri());
    }

    private static void populate() {
        byte[] csv;
        try (InputStream in = UiBrowser2Test.class.getResourceAsStream("/data/penguins.csv")) {
            csv = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> lines = new String(csv, StandardCharsets.UTF_8).lines().toList();
        StringBuilder biscoe = new StringBuilder(lines.get(0)).append('\n');
        lines.stream().skip(1).filter(l -> l.split(",")[1].equals("Biscoe")).forEach(l -> biscoe.append(l).append('\n'));
        upload("penguins", csv, "all penguins of the Palmer study");
        upload("penguins", biscoe.toString().getBytes(StandardCharsets.UTF_8), "Biscoe island only");
        ok(scenario.http.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/validation-suites")).header("Authorization", "Bearer "
                + scenario.admin).header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(SUITE))), 201);
        for (int v = 1; v <= 2; v++) {
            ok(scenario.http.post("/api/v1/datasets/penguins/versions/" + v + "/validate", scenario.admin, "{\"suite\": \"penguins-quality\"}"), 200);
        }
        for (int seed = 1; seed <= 2; seed++) {
            String job = scenario.submit("train", 0, TRAIN.formatted(seed, FEATURES, FEATURES));
            JsonNode done = await(() -> scenario.job(job), j -> List.of("succeeded", "failed").contains(j.get("status").asText()),
                    Duration.ofSeconds(180));
            assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
            ok(scenario.http.post("/api/v1/models/penguins/versions", scenario.admin, "{\"run_id\": \"" + done.get("run_id").asText() + "\"}"), 201);
        }
        ok(scenario.http.post("/api/v1/models/penguins/versions/1/promote", scenario.admin, "{\"environment\": \"production\"}"), 200);
        ok(scenario.http.send("PUT", "/api/v1/models/penguins/policies/production", scenario.admin, POLICY), 200);
        ok(scenario.http.post("/api/v1/models/penguins/versions/2/approval-requests", editor, "{\"environment\": \"production\","
                + " \"comment\": \"seed 2 looks steadier\"}"), 201);
        ok(scenario.http.post("/api/v1/deployments", scenario.admin, "{\"name\": \"penguins-api\", \"spec\": {\"versions\": [{\"model\":"
                + " \"models:/penguins/1\"}, {\"model\": \"models:/penguins/2\", \"override_reason\": \"shadow trial of seed 2\"}],"
                + " \"traffic\": {\"shadow\": {\"shadow\": \"models:/penguins/2\"}}, \"threshold\": {\"min_confidence\": 0.8}}}"), 201);
        ok(scenario.http.post("/api/v1/monitors", scenario.admin, "{\"deployment\": \"penguins-api\", \"spec\": {\"window\": {\"requests\": "
                + WINDOW + ", \"min-rows\": " + WINDOW + "}, \"alerts\": [{\"name\": \"biscoe-drift\", \"when\": \"drifted_features >= 1\"}]}}"), 201);
        List<String[]> all = rows(lines);
        List<String[]> island = all.stream().filter(r -> r[1].equals("Biscoe")).toList();
        List<String[]> traffic = new ArrayList<>();
        for (int i = 0; i < 3 * WINDOW; i++) {
            traffic.add(all.get(i * 37 % all.size()));
        }
        for (int i = 0; i < 2 * WINDOW; i++) {
            traffic.add(island.get(i * 11 % island.size()));
        }
        await(() -> ok(scenario.http.get("/v2/health/ready", scenario.admin), 200), r -> true, Duration.ofSeconds(30));
        for (String[] row : traffic) {
            JsonNode answer = ok(scenario.http.post("/api/v1/deployments/penguins-api/predict", app, String.format(Locale.ROOT,
                    "{\"records\": [{\"beak_length_mm\": %s, \"beak_depth_mm\": %s, \"flipper_length_mm\": %s}]}", row[2], row[3], row[4])), 200);
            ok(scenario.http.post("/api/v1/deployments/penguins-api/feedback", app, "{\"feedback\": [{\"request_id\": \""
                    + answer.get("request_id").asText() + "\", \"row\": 0, \"label\": \"" + row[0] + "\"}]}"), 200);
        }
        await(() -> scenario.get("/api/v1/monitors/penguins-api/windows"), w -> w.get("windows").size() >= 5, Duration.ofSeconds(60));
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
    void theDatasetPagesShowTheVersionsSchemaProfileReportsAndDriftTheApiShows() {
        browser.login(scenario.admin);
        browser.open("/ui/datasets");
        assertThat(browser.all("tbody th a").stream().map(WebElement::getText)).containsExactly("penguins");
        browser.screenshot("datasets");
        browser.assertAccessible("datasets");

        browser.find("tbody th a").click();
        browser.waitUntil(d -> d.getTitle().startsWith("penguins"));
        assertThat(browser.all("tbody tr")).hasSize(scenario.get("/api/v1/datasets/penguins").get("versions").size());
        browser.screenshot("dataset");
        browser.assertAccessible("dataset");

        browser.open("/ui/datasets/penguins/versions/1");
        JsonNode v1 = scenario.get("/api/v1/datasets/penguins/versions/1");
        browser.awaitCharts();
        List<String> columns = browser.all("section:nth-of-type(2) tbody th").stream().map(WebElement::getText).toList();
        List<String> api = new ArrayList<>();
        v1.get("columns").forEach(c -> api.add(c.get("name").asText()));
        assertThat(columns).containsExactlyElementsOf(api);
        assertThat(browser.all("figure.column-profile [data-echarts] canvas")).hasSize(api.size());
        JsonNode report = scenario.get("/api/v1/datasets/penguins/versions/1/reports").at("/reports/0");
        assertThat(browser.text("#report-" + report.get("id").asText() + " summary")).contains("penguins-quality").contains(report.get("passed")
                .asBoolean() ? "passed" : "failed");
        assertThat(browser.all(".links-list a").stream().map(WebElement::getText)).contains("penguins v1", "penguins v2", "penguins-api");
        browser.screenshot("dataset-version");
        browser.assertAccessible("dataset version");

        browser.open("/ui/datasets/penguins/versions/2");
        browser.find(".lead a[href*='/compare']").click();
        browser.waitUntil(d -> d.getTitle().startsWith("Compare"));
        browser.awaitCharts();
        JsonNode drift = scenario.get("/api/v1/datasets/penguins/compare?reference=1&current=2");
        assertThat(browser.text(".summary")).contains(drift.get("drifted_columns").asInt() + " of " + drift.get("tested_columns").asInt());
        List<String> drifted = new ArrayList<>();
        drift.get("columns").forEach(c -> {
            if (c.get("drifted").asBoolean()) {
                drifted.add(c.get("column").asText());
            }
        });
        assertThat(browser.all("tr.differs th").stream().map(WebElement::getText)).containsExactlyInAnyOrderElementsOf(drifted).contains("island");
        browser.screenshot("dataset-compare");
        browser.assertAccessible("dataset comparison");

        browser.open("/ui/datasets/penguins/versions/first");
        HttpResponse<String> refused = scenario.http.get("/api/v1/datasets/penguins/versions/first", scenario.admin);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(browser.text(".alert.error")).contains(ok(refused, 400).get("message").asText());
        browser.open("/ui/datasets/no-such-data");
        assertThat(browser.text("h1")).isEqualTo("Not found");
        assertThat(browser.text(".alert.error")).contains("no dataset named 'no-such-data'");
    }

    @Test
    void anEditorQuarantinesAndReleasesAVersionWithAReasonKeptInItsHistory() {
        browser.login(editor);
        browser.open("/ui/datasets/penguins/versions/2");
        browser.find("details.danger-zone summary").click();
        browser.find("#quarantine-reason").sendKeys("Biscoe only: not a sample of the study");
        browser.find("details.danger-zone button.danger").click();
        browser.waitUntil(d -> d.findElements(By.cssSelector(".alert.error strong")).stream().anyMatch(e -> e.getText().equals("Quarantined.")));
        assertThat(scenario.get("/api/v1/datasets/penguins/versions/2").get("status").asText()).isEqualTo("quarantined");
        assertThat(browser.text("body")).contains("Biscoe only: not a sample of the study");
        browser.screenshot("dataset-version-quarantined");

        browser.find("details.card-details summary").click();
        browser.find("#release-reason").sendKeys("checked with the study's authors");
        browser.find("details.card-details button.primary").click();
        browser.waitUntil(d -> d.findElements(By.cssSelector("details.danger-zone")).size() == 1);
        assertThat(scenario.get("/api/v1/datasets/penguins/versions/2").get("status").asText()).isEqualTo("active");
        assertThat(browser.all("section tbody code").stream().map(WebElement::getText)).contains("dataset.version.quarantine",
                "dataset.version.release");
    }

    @Test
    void theModelPagesShowVersionsLineageAndCardAndADeployerApprovesThenPromotesUnderFourEyes() {
        browser.login(scenario.admin);
        browser.open("/ui/models");
        assertThat(browser.all("tbody th a").stream().map(WebElement::getText)).containsExactly("penguins");
        browser.screenshot("models");
        browser.assertAccessible("models");
        browser.open("/ui/models/penguins");
        assertThat(browser.all("section:first-of-type tbody tr")).hasSize(scenario.get("/api/v1/models/penguins/versions").get("versions").size());
        browser.screenshot("model");
        browser.assertAccessible("model");

        // The admin registered version 2: under four eyes the page offers no approval to them.
        browser.open("/ui/models/penguins/versions/2");
        browser.awaitCharts();
        assertThat(browser.all("button[value=approve]")).isEmpty();
        assertThat(browser.text(".approval")).contains("You registered this version");
        JsonNode lineage = scenario.get("/api/v1/lineage/models/penguins/2");
        assertThat(browser.all(".links-list a").stream().map(a -> a.getAttribute("href"))).anyMatch(h -> h.endsWith("/ui/datasets/penguins/versions/1"))
                .anyMatch(h -> h.endsWith("/ui/runs/" + lineage.at("/run/run_id").asText())).anyMatch(h -> h.endsWith("/ui/deployments/penguins-api"));
        browser.open("/ui/models/penguins/versions/2/card");
        assertThat(browser.text("h1")).isEqualTo("Model card: penguins version 2");
        browser.screenshot("model-card");

        // The editor asked for the approval: no decision control at all (approving needs a deployer).
        browser.login(editor);
        browser.open("/ui/models/penguins/versions/2");
        assertThat(browser.all("form[action$='/approvals']")).isEmpty();
        assertThat(browser.all("form[action$='/promote']")).isEmpty();

        browser.login(deployer);
        browser.open("/ui/models/penguins/versions/2");
        browser.awaitCharts();
        browser.find("form[action$='/promote'] button").click();
        browser.waitUntil(d -> d.getCurrentUrl().contains("report="));
        assertThat(browser.text(".summary.bad")).contains("Promotion to production refused");
        assertThat(browser.all("details[open] tr.failed th").stream().map(WebElement::getText)).anyMatch(t -> t.startsWith("approvals"));
        browser.screenshot("model-version-refused");
        browser.assertAccessible("model version with a refused promotion");

        browser.find("#comment-production").sendKeys("checked the report");
        browser.find("button[value=approve]").click();
        browser.waitUntil(d -> d.findElement(By.cssSelector(".decisions")).getText().contains("dana"));
        JsonNode approvals = scenario.get("/api/v1/models/penguins/versions/2/approvals");
        assertThat(approvals.at("/approval_requests/0/decisions/0/by").asText()).isEqualTo("dana");
        assertThat(approvals.at("/approval_requests/0/decisions/0/decision").asText()).isEqualTo("approve");

        browser.find("form[action$='/promote'] button").click();
        browser.waitUntil(d -> d.findElements(By.cssSelector(".summary.ok")).size() == 1);
        assertThat(scenario.get("/api/v1/models/penguins").at("/environments/production").asInt()).isEqualTo(2);
        browser.screenshot("model-version");
        browser.assertAccessible("model version");
    }

    @Test
    void theDeploymentPageShowsTheLiveFiguresAndADeployerStopsItWithAReasonAndResumesIt() {
        browser.login(scenario.admin);
        browser.open("/ui/deployments");
        assertThat(browser.all("tbody th a").stream().map(WebElement::getText)).containsExactly("penguins-api");
        browser.screenshot("deployments");
        browser.assertAccessible("deployments");

        browser.login(deployer);
        browser.open("/ui/deployments/penguins-api");
        browser.awaitCharts();
        JsonNode traffic = scenario.get("/api/v1/deployments/penguins-api/traffic");
        JsonNode feedback = scenario.get("/api/v1/deployments/penguins-api/feedback");
        assertThat(browser.all("#versions tbody tr")).hasSize(traffic.get("versions").size());
        assertThat(browser.text("#kpis")).contains(Format.number(Math.round(feedback.get("accuracy").asDouble() * 1000) / 10.0) + " %")
                .contains(feedback.get("labelled").asText() + " labelled");
        assertThat(browser.text("#shadow")).contains(traffic.at("/shadow/rows_compared").asText());
        assertThat(browser.text("#reviews h2")).contains(scenario.get("/api/v1/deployments/penguins-api/reviews").get("open").asText() + " open");
        browser.screenshot("deployment");
        browser.assertAccessible("deployment");

        browser.find("details.danger-zone summary").click();
        browser.find("#stop-reason").sendKeys("answers look wrong since 10:00");
        browser.find("#confirm").click();
        browser.find("details.danger-zone button.danger").click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector(".stop-banner")).isEmpty());
        JsonNode stopped = scenario.get("/api/v1/deployments/penguins-api");
        assertThat(stopped.get("stopped").asBoolean()).isTrue();
        assertThat(stopped.get("stop_reason").asText()).isEqualTo("answers look wrong since 10:00");
        assertThat(scenario.http.post("/api/v1/deployments/penguins-api/predict", app, "{\"records\": [{\"beak_length_mm\": 40,"
                + " \"beak_depth_mm\": 18, \"flipper_length_mm\": 190}]}").statusCode()).isEqualTo(503);
        browser.screenshot("deployment-stopped");
        browser.assertAccessible("stopped deployment");

        browser.find("#resume-reason").sendKeys("false alarm");
        browser.find("form[action$='/resume'] button").click();
        browser.waitUntil(d -> d.findElements(By.cssSelector(".stop-banner")).isEmpty());
        assertThat(scenario.get("/api/v1/deployments/penguins-api").get("stopped").asBoolean()).isFalse();

        // A change through the API, then its revision restored from the page's history.
        JsonNode before = scenario.get("/api/v1/deployments/penguins-api");
        JsonNode spec = before.get("spec").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) spec.get("batching")).put("max_batch_size", 8);
        JsonNode changed = ok(scenario.http.send("PUT", "/api/v1/deployments/penguins-api", scenario.admin, "{\"spec\": " + spec + ", \"reason\":"
                + " \"smaller batches\"}"), 200);
        String restore = "#restore-reason-" + before.get("revision").asInt();
        browser.open("/ui/deployments/penguins-api");
        browser.find(restore).sendKeys("back to the batches we had");
        browser.find("#revision-" + before.get("revision").asInt() + " form button").click();
        JsonNode restored = await(() -> scenario.get("/api/v1/deployments/penguins-api"), d -> d.get("revision").asInt() > changed.get("revision")
                .asInt(), Duration.ofSeconds(10));
        assertThat(restored.at("/spec/batching/max_batch_size").asInt()).isEqualTo(before.at("/spec/batching/max_batch_size").asInt());
        JsonNode history = scenario.get("/api/v1/deployments/penguins-api/history").get("revisions");
        JsonNode last = history.get(history.size() - 1);
        assertThat(last.get("restored_from").asInt()).isEqualTo(before.get("revision").asInt());
        assertThat(last.get("reason").asText()).isEqualTo("back to the batches we had");
    }

    @Test
    void theMonitorPageDrawsDriftOverTimeAndItsReportsAndAnEditorRunsItNow() {
        browser.login(scenario.admin);
        browser.open("/ui/monitors");
        assertThat(browser.all("tbody th a").stream().map(WebElement::getText)).containsExactly("penguins-api");
        browser.screenshot("monitors");
        browser.assertAccessible("monitors");

        browser.login(editor);
        browser.open("/ui/monitors/penguins-api");
        browser.awaitCharts();
        JsonNode windows = scenario.get("/api/v1/monitors/penguins-api/windows");
        assertThat(browser.all("#windows tbody tr")).hasSize(windows.get("windows").size());
        assertThat(browser.text("#distributions h2")).contains("#" + windows.at("/windows/0/window").asText());
        JsonNode alerts = scenario.get("/api/v1/monitors/penguins-api/alerts");
        assertThat(browser.all("#alerts details")).hasSize(alerts.get("alerts").size());
        assertThat(browser.all("#accuracy [data-echarts]")).hasSize(1);
        browser.screenshot("monitor");
        browser.assertAccessible("monitor");

        browser.find("form[action$='/run'] button").click();
        browser.waitUntil(d -> !d.findElements(By.id("last-run")).isEmpty());
        assertThat(scenario.get("/api/v1/audit?action=monitor.run&object_id=penguins-api").get("events")).isNotEmpty();

        browser.open("/ui/monitors/penguins-api?window=" + windows.at("/windows/1/window").asText());
        assertThat(browser.text("#distributions h2")).contains("#" + windows.at("/windows/1/window").asText());
        browser.find("#windows tbody tr:first-child a[href$='report.html']").click();
        browser.waitUntil(d -> d.getPageSource().contains("penguins-api"));
        assertThat(browser.driver().getPageSource()).doesNotContain("<script");
        browser.screenshot("monitor-window-report");

        // The report through the UI is the API's page under the API's policy, on the session instead of a bearer token.
        String path = "/monitors/penguins-api/windows/" + windows.at("/windows/0/window").asText() + "/report.html";
        HttpResponse<String> ui = scenario.http.send(HttpRequest.newBuilder(server.uri().resolve("/ui" + path)).header("Cookie",
                UiRouter.SESSION_COOKIE + "=" + browser.cookie(UiRouter.SESSION_COOKIE)).GET());
        HttpResponse<String> api = scenario.http.get("/api/v1" + path, scenario.admin);
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).isEqualTo(api.body());
        assertThat(ui.headers().firstValue("Content-Security-Policy")).isEqualTo(api.headers().firstValue("Content-Security-Policy"))
                .hasValue("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
        assertThat(scenario.http.get("/ui" + path, null).statusCode()).isEqualTo(303);
    }

    @Test
    void aViewerSeesNoApprovePromoteStopOrRunControlAndForgedPostsAreRefused() {
        browser.login(viewer);
        assertThat(browser.all("nav[aria-label=Main] a").stream().map(WebElement::getText)).containsExactly("Experiments", "Datasets", "Models",
                "Deployments", "Monitoring", "Jobs");
        browser.open("/ui/models/penguins/versions/2");
        assertThat(browser.all("form[action$='/approvals'], form[action$='/promote'], form[action$='/approval-requests']")).isEmpty();
        browser.screenshot("model-version-as-viewer");
        browser.open("/ui/deployments/penguins-api");
        assertThat(browser.all("form[action$='/stop'], form[action$='/resume'], form[action$='/restore'], form[action*='/label']")).isEmpty();
        browser.screenshot("deployment-as-viewer");
        browser.open("/ui/datasets/penguins/versions/1");
        assertThat(browser.all("form[action$='/quarantine'], form[action$='/release']")).isEmpty();
        browser.open("/ui/monitors/penguins-api");
        assertThat(browser.all("form[action$='/run']")).isEmpty();

        String csrf = browser.find("form[action='/ui/logout'] input[name=_csrf]").getAttribute("value");
        String cookie = browser.cookie(UiRouter.SESSION_COOKIE);
        HttpResponse<String> asViewer = post("/ui/deployments/penguins-api/stop", cookie, "reason=forged&confirm=yes&_csrf=" + csrf);
        assertThat(asViewer.statusCode()).isEqualTo(403);
        assertThat(asViewer.body()).contains("This needs role &#39;deployer&#39;");

        browser.login(deployer);
        String deployerCookie = browser.cookie(UiRouter.SESSION_COOKIE);
        for (String body : List.of("reason=forged&confirm=yes", "reason=forged&confirm=yes&_csrf=not-the-token")) {
            HttpResponse<String> forged = post("/ui/deployments/penguins-api/stop", deployerCookie, body);
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(forged.body()).contains("CSRF").doesNotContain("Exception");
        }
        assertThat(post("/ui/models/penguins/versions/1/approvals", deployerCookie, "environment=production&decision=approve").statusCode())
                .isEqualTo(403);
        assertThat(scenario.get("/api/v1/deployments/penguins-api").get("stopped").asBoolean()).isFalse();
    }

    private static HttpResponse<String> post(String path, String cookie, String body) {
        return scenario.http.send(HttpRequest.newBuilder(server.uri().resolve(path)).header("Cookie", UiRouter.SESSION_COOKIE + "=" + cookie)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static void upload(String name, byte[] csv, String description) {
        ok(scenario.http.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/datasets/" + name + "/versions?file_name=" + name
                + ".csv&description=" + java.net.URLEncoder.encode(description, StandardCharsets.UTF_8))).header("Authorization", "Bearer "
                + scenario.admin).POST(HttpRequest.BodyPublishers.ofByteArray(csv))), 201);
    }

    /** The penguins with the three measurements the models read: species, island, beak length, beak depth, flipper length, ... */
    private static List<String[]> rows(List<String> lines) {
        List<String[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            if (!cells[2].isEmpty() && !cells[2].equals("NA") && !cells[3].isEmpty() && !cells[4].isEmpty() && !cells[4].equals("NA")) {
                rows.add(cells);
            }
        }
        return rows;
    }
}
