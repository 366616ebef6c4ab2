package dev.steward.server;

import static dev.steward.server.StewardServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.server.config.ConfigLoader;
import dev.steward.testing.WebhookReceiver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monitoring on real data through the real HTTP API: a forest trained on half the winter and spring
 * days of seattle-weather (2012 and 2013) is served and watched against a quarter it never saw
 * (its probabilities are calibrated there, for the estimate); the other quarter replayed
 * through the endpoint raise nothing, summer days raise a drift alert whose webhook arrives
 * signed (after the receiver failed twice) and whose retraining job trains on the dataset's
 * newest version; a monitor whose alert cuts the endpoint out stops it; a window rebuilt from the
 * request log agrees with the live one; labels sent as feedback give the realised accuracy beside
 * the estimate; bad monitors are refused naming the field, with nothing stored.
 */
class MonitoringApiTest {
    private static final String FEATURES = "[\"precipitation\", \"temp_max\", \"temp_min\", \"wind\"]";
    private static final String TRAIN = """
            {"experiment": "weather", "dataset": {"name": "weather", "version": 1}, "target": "weather",
             "task": "multiclass_classification", "seed": 7, "features": %s,
             "preprocessing": [{"step": "impute", "columns": %s, "strategy": "median"}],
             "algorithm": {"name": "random_forest", "hyperparameters": {"n_trees": 20}}}
            """.formatted(FEATURES, FEATURES);
    private static final int WINDOW = 30;

    @TempDir
    static Path home;

    static StewardServer server;
    static HttpTestClient http;
    static JobsHttp jobs;
    static String admin;
    static String app;
    static String header;
    /** Days of January to April of 2012 and 2013 never trained on or referred to. */
    static List<String[]> heldOut = new ArrayList<>();
    /** Days of July and August of 2012 and 2013. */
    static List<String[]> summer = new ArrayList<>();
    /** Labels sent as feedback so far. */
    static long sent;

    @BeforeAll
    static void start() throws IOException {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0", "serving.poll-ms", "50",
                "webhooks.retry-base-ms", "20"))));
        http = new HttpTestClient(server.uri());
        admin = server.createdAdminToken().orElseThrow();
        jobs = new JobsHttp(server, admin);
        app = json(http.post("/api/v1/tokens", admin, "{\"name\": \"app\", \"role\": \"inference\"}")).get("secret").asText();
        List<String> lines = seattle();
        header = lines.get(0);
        StringBuilder training = new StringBuilder(header).append('\n');
        StringBuilder reference = new StringBuilder(header).append('\n');
        int n = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            int year = Integer.parseInt(cells[0].substring(0, 4));
            int month = Integer.parseInt(cells[0].substring(5, 7));
            if (year <= 2013 && month <= 4) {
                int part = n++ % 4;
                if (part == 0) {
                    heldOut.add(cells);
                } else if (part == 1) {
                    reference.append(line).append('\n');
                } else {
                    training.append(line).append('\n');
                }
            } else if (year <= 2013 && (month == 7 || month == 8)) {
                summer.add(cells);
            }
        }
        jobs.upload("weather", training.toString().getBytes(StandardCharsets.UTF_8));
        jobs.upload("weather-reference", reference.toString().getBytes(StandardCharsets.UTF_8));
        jobs.uploadPenguins();
        String run = jobs.awaitSuccess(jobs.submit("train", 0, TRAIN)).get("run_id").asText();
        ok(http.post("/api/v1/models/weather/versions", admin, "{\"run_id\": \"" + run + "\"}"), 201);
        ok(http.post("/api/v1/models/weather/versions/1/promote", admin, "{\"environment\": \"production\"}"), 200);
        // The dataset's newest version, which retraining must take: every day of 2012 and 2013.
        jobs.upload("weather", (String.join("\n", lines.stream().filter(l -> !l.startsWith("2014") && !l.startsWith("2015")).toList()) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        for (String name : List.of("weather-api", "weather-guarded", "weather-bad")) {
            ok(http.post("/api/v1/deployments", admin, "{\"name\": \"" + name + "\", \"model\": \"models:/weather/1\"}"), 201);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void heldOutDaysRaiseNothingSummerDaysRaiseASignedAlertThatRetrainsOnTheNewestVersion() {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            JsonNode hook = ok(http.post("/api/v1/webhooks", admin, "{\"url\": \"" + receiver.url() + "\", \"events\": [\"monitor.alert_fired\"]}"),
                    201);
            String secret = hook.get("secret").asText();
            receiver.failNext(2);
            JsonNode monitor = ok(http.post("/api/v1/monitors", admin, "{\"deployment\": \"weather-api\", \"spec_text\": " + quote("""
                    reference: {dataset: weather-reference, version: 1}
                    window: {requests: %d, min-rows: %d}
                    multivariate: {sample: 200, permutations: 200}
                    alerts:
                      - {name: seasonal-drift, when: "drifted_features >= 1", actions: [retrain], priority: 3}
                    """.formatted(WINDOW, WINDOW)) + "}"), 201);
            assertThat(monitor.at("/reference/dataset").asText()).isEqualTo("weather-reference");
            assertThat(monitor.get("features")).extracting(JsonNode::asText).containsExactlyInAnyOrder("precipitation", "temp_max", "temp_min",
                    "wind");

            int calm = heldOut.size() / WINDOW;
            List<String> requestIds = replay("weather-api", heldOut.subList(0, calm * WINDOW));
            JsonNode windows = awaitWindows("weather-api", calm);
            for (JsonNode w : windows) {
                assertThat(w.get("drifted_features").asInt()).as("held-out days of the training months: " + w).isZero();
                assertThat(w.get("rows").asLong()).isEqualTo(WINDOW);
            }
            assertThat(ok(http.get("/api/v1/monitors/weather-api/alerts", admin), 200).get("alerts")).isEmpty();

            // Their labels arrive late, as feedback: the realised accuracy appears beside the estimate made without them.
            estimationError("held-out days", 0, calm, label(requestIds, heldOut));

            int hot = summer.size() / WINDOW;
            List<String> summerIds = replay("weather-api", summer.subList(0, hot * WINDOW));
            windows = awaitWindows("weather-api", calm + hot);
            JsonNode latest = windows.get(0);
            assertThat(latest.get("drifted")).extracting(JsonNode::asText).as("summer against winter and spring: " + latest).contains("temp_max",
                    "temp_min");
            JsonNode alert = JobsHttp.poll(() -> ok(http.get("/api/v1/alerts?deployment=weather-api&state=firing", admin), 200),
                    a -> a.get("alerts").size() == 1 && a.at("/alerts/0/actions").size() == 1).at("/alerts/0");
            assertThat(alert.get("rule").asText()).isEqualTo("seasonal-drift");
            assertThat(alert.get("first_window").asLong()).isEqualTo(calm);
            assertThat(alert.at("/evidence/condition").asText()).isEqualTo("drifted_features >= 1");
            assertThat(alert.at("/actions/0/outcome").asText()).as(alert.toString()).isEqualTo("submitted");

            JsonNode retraining = jobs.awaitSuccess(jobs.job(alert.at("/actions/0/job").asText()));
            assertThat(retraining.get("priority").asInt()).isEqualTo(3);
            assertThat(retraining.at("/spec/dataset/version").asInt()).as("the newest version of the training data").isEqualTo(2);

            List<WebhookReceiver.Request> delivered = receiver.awaitDelivered(1);
            assertThat(receiver.requests().size()).as("two failed attempts, then the delivery").isGreaterThanOrEqualTo(3);
            assertThat(delivered.get(0).signedWith(secret)).isTrue();
            assertThat(delivered.get(0).json().get("type").asText()).isEqualTo("monitor.alert_fired");
            assertThat(delivered.get(0).json().toString()).contains("seasonal-drift", "weather-api");

            // Under the shift, the estimate made without labels against the accuracy the labels then show.
            estimationError("summer days (covariate shift)", calm, calm + hot, label(summerIds, summer));

            JsonNode rebuilt = ok(http.post("/api/v1/monitors/weather-api/windows/" + calm + "/rebuild", admin, "{}"), 200);
            // A rebuild selects entries by the window's time range: a neighbour's request received in the same millisecond as
            // the window's first or last one is taken too (docs/monitoring.md, "Limits worth knowing").
            assertThat(rebuilt.get("rows_rebuilt").asLong()).as(rebuilt.toString()).isBetween(rebuilt.get("rows_live").asLong(),
                    rebuilt.get("rows_live").asLong() + 2);
            assertThat(rebuilt.at("/rebuilt/source").asText()).isEqualTo("rebuilt");
            assertThat(rebuilt.at("/rebuilt/drifted_features").asInt()).isEqualTo(rebuilt.at("/live/drifted_features").asInt());

            HttpResponse<String> page = http.get("/api/v1/monitors/weather-api/windows/" + calm + "/report.html", viewer());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(page.body()).contains("temp_max", "weather-api").doesNotContain("http://", "https://", "<script");

            JsonNode audit = ok(http.get("/api/v1/audit?object_type=monitor&object_id=weather-api&max_results=1000", admin), 200);
            List<String> actions = new ArrayList<>();
            audit.get("events").forEach(e -> actions.add(e.get("action").asText()));
            assertThat(actions).contains("monitor.create", "monitor.window.close", "monitor.alert.fire", "monitor.window.rebuild");
            assertThat(ok(http.get("/api/v1/audit/verify", admin), 200).get("intact").asBoolean()).isTrue();
        }
    }

    @Test
    void anAlertThatCutsTheEndpointOutStopsIt() {
        JsonNode monitor = ok(http.post("/api/v1/monitors", admin, "{\"deployment\": \"weather-guarded\", \"spec\": {\"window\": {\"requests\": " + WINDOW
                + "}, \"multivariate\": {\"enabled\": false}, \"alerts\": [{\"name\": \"summer\", \"when\": \"drifted_features >= 2\","
                + " \"actions\": [\"cut-out\"]}]}}"), 201);
        assertThat(monitor.at("/reference/dataset").asText() + "@" + monitor.at("/reference/version").asInt())
                .as("by default the served version's training data, not the dataset's newest version").isEqualTo("weather@1");
        replay("weather-guarded", summer.subList(0, WINDOW));
        JsonNode stopped = JobsHttp.poll(() -> ok(http.get("/api/v1/deployments/weather-guarded", admin), 200), d -> d.get("stopped").asBoolean());
        assertThat(stopped.get("stop_reason").asText()).contains("summer");
        HttpResponse<String> refused = http.post("/api/v1/deployments/weather-guarded/predict", app, records(summer.get(WINDOW)));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    }

    @Test
    void badMonitorsAreRefusedNamingTheFieldAndNothingIsStored() {
        Map<String, String> bad = Map.of(
                "{\"deployment\": \"no-such-api\", \"spec\": {}}", "deployment",
                "{\"deployment\": \"weather-bad\", \"spec\": {\"features\": [\"humidity\"]}}", "features",
                "{\"deployment\": \"weather-bad\", \"spec\": {\"reference\": {\"dataset\": \"penguins\", \"version\": 1}}}", "features",
                "{\"deployment\": \"weather-bad\", \"spec\": {\"drift\": {\"alpha\": 2}}}", "drift.alpha",
                "{\"deployment\": \"weather-bad\", \"spec\": {\"alerts\": [{\"name\": \"x\", \"when\": \"accuracy < 3\"}]}}", "alerts[0].when",
                "{\"deployment\": \"weather-bad\", \"spec_text\": \"window: {requests: -5}\"}", "window.requests");
        bad.forEach((body, field) -> {
            HttpResponse<String> response = http.post("/api/v1/monitors", admin, body);
            assertThat(response.statusCode()).as(body + " -> " + response.body()).isBetween(400, 499);
            assertThat(json(response).path("field").asText()).as(body + " -> " + response.body()).startsWith(field);
        });
        assertThat(http.get("/api/v1/monitors/weather-bad", admin).statusCode()).isEqualTo(404);
        JsonNode audit = ok(http.get("/api/v1/audit?object_type=monitor&object_id=weather-bad&max_results=10", admin), 200);
        assertThat(audit.get("events")).isEmpty();
        assertThat(http.get("/api/v1/monitors/weather-api/windows/latest", admin).statusCode()).isEqualTo(400);
        assertThat(http.get("/api/v1/monitors/weather-api/windows?max_results=-1", admin).statusCode()).isEqualTo(400);
        assertThat(http.post("/api/v1/monitors", app, "{\"deployment\": \"weather-bad\", \"spec\": {}}").statusCode()).isEqualTo(403);
        String editor = json(http.post("/api/v1/tokens", admin, "{\"name\": \"eve\", \"role\": \"editor\"}")).get("secret").asText();
        HttpResponse<String> cutOut = http.post("/api/v1/monitors", editor, "{\"deployment\": \"weather-bad\", \"spec\": {\"alerts\": [{\"name\":"
                + " \"stop\", \"when\": \"outlier_rate > 0.5\", \"actions\": [\"cut-out\"]}]}}");
        assertThat(cutOut.statusCode()).as("an editor may not declare an alert that stops the deployment: " + cutOut.body()).isEqualTo(403);
        assertThat(json(cutOut).get("field").asText()).isEqualTo("alerts[0].actions");
    }

    /**
     * Sends each day's true weather as feedback on the request that predicted it; returns how many
     * were sent per window. Feedback takes only the model's classes (a day of fog, which the
     * training days never had, cannot be sent).
     */
    private static List<Integer> label(List<String> requestIds, List<String[]> days) {
        List<String> classes = new ArrayList<>();
        ok(http.get("/api/v1/models/weather/versions/1", admin), 200).get("classes").forEach(c -> classes.add(c.asText()));
        StringBuilder feedback = new StringBuilder("{\"feedback\": [");
        List<Integer> perWindow = new ArrayList<>();
        boolean first = true;
        for (int i = 0; i < requestIds.size(); i++) {
            if (i % WINDOW == 0) {
                perWindow.add(0);
            }
            if (!classes.contains(days.get(i)[5])) {
                continue;
            }
            perWindow.set(perWindow.size() - 1, perWindow.get(perWindow.size() - 1) + 1);
            feedback.append(first ? "" : ",").append("{\"request_id\": \"").append(requestIds.get(i)).append("\", \"label\": \"")
                    .append(days.get(i)[5]).append("\"}");
            first = false;
        }
        ok(http.post("/api/v1/deployments/weather-api/feedback", admin, feedback.append("]}").toString()), 200);
        return perWindow;
    }

    /**
     * Waits until windows [0, to) hold every label sent so far, then prints the mean |estimated -
     * realised| accuracy over windows [from, to). A label is filed by the time its request was
     * received; when two requests on either side of a window's end arrived in the same millisecond
     * it may be filed in the neighbouring window, so the wait is on the sum, not window by window.
     */
    private static void estimationError(String what, int from, int to, List<Integer> labelled) {
        sent += labelled.stream().mapToInt(Integer::intValue).sum();
        JsonNode windows = JobsHttp.poll(() -> ok(http.get("/api/v1/monitors/weather-api/windows?max_results=100", admin), 200).get("windows"),
                w -> labelledIn(to) == sent);
        double error = 0;
        StringBuilder each = new StringBuilder();
        for (int w = from; w < to; w++) {
            JsonNode report = ok(http.get("/api/v1/monitors/weather-api/windows/" + w, admin), 200);
            assertThat(report.at("/performance/accuracy").isNumber()).as(report.toString()).isTrue();
            assertThat(report.at("/performance/estimated_accuracy").isNumber()).as(report.toString()).isTrue();
            error += report.at("/performance/estimation_error").asDouble();
            each.append(String.format(Locale.ROOT, " [%d: estimated %.3f, realised %.3f]", w, report.at("/performance/estimated_accuracy")
                    .asDouble(), report.at("/performance/accuracy").asDouble()));
        }
        assertThat(windows.size()).isGreaterThanOrEqualTo(to);
        System.out.printf(Locale.ROOT, "weather-api, %s: mean absolute error of the estimated accuracy %.3f over %d windows:%s%n", what,
                error / (to - from), to - from, each);
    }

    /** Labels held by windows [0, to), each read with the labels it has now. */
    private static long labelledIn(int to) {
        long sum = 0;
        for (int w = 0; w < to; w++) {
            sum += ok(http.get("/api/v1/monitors/weather-api/windows/" + w, admin), 200).at("/performance/labelled").asLong();
        }
        return sum;
    }

    /** Sends each day as one request of the records protocol; returns the request ids. */
    private static List<String> replay(String deployment, List<String[]> days) {
        List<String> ids = new ArrayList<>();
        for (String[] day : days) {
            String id = deployment + "-" + day[0];
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/deployments/" + deployment + "/predict"))
                    .header("Authorization", "Bearer " + app).header("Content-Type", "application/json").header("X-Request-Id", id)
                    .POST(HttpRequest.BodyPublishers.ofString(records(day))));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            ids.add(id);
        }
        return ids;
    }

    private static JsonNode awaitWindows(String deployment, int count) {
        Predicate<JsonNode> enough = w -> w.get("windows").size() >= count;
        return JobsHttp.poll(() -> ok(http.get("/api/v1/monitors/" + deployment + "/windows?max_results=100", admin), 200), enough).get("windows");
    }

    private static String records(String[] day) {
        return String.format(Locale.ROOT, "{\"records\": [{\"precipitation\": %s, \"temp_max\": %s, \"temp_min\": %s, \"wind\": %s}]}", day[1],
                day[2], day[3], day[4]);
    }

    private static String viewer() {
        return json(http.post("/api/v1/tokens", admin, "{\"name\": \"viewer-" + System.nanoTime() + "\", \"role\": \"viewer\"}")).get("secret")
                .asText();
    }

    private static String quote(String text) {
        return StewardServerTest.MAPPER.valueToTree(text).toString();
    }

    private static List<String> seattle() {
        try (InputStream in = MonitoringApiTest.class.getResourceAsStream("/data/seattle-weather.csv")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode ok(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return json(response);
    }
}
