package dev.steward.server.serving;

import static dev.steward.server.serving.ServingFixture.json;
import static dev.steward.server.serving.ServingFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Steward's records API, and what every protocol shares: labels with probabilities by class, the
 * confidence threshold, the per-token rate limit, request size and row limits, adaptive batching
 * under concurrency (seen in the batch-size metrics) without delaying a lone request, and the
 * serving metrics in {@code /metrics}.
 */
class ServingPredictApiTest {
    private static final String MISSING = "{\"island\": \"Torgersen\", \"beak_length_mm\": null, \"beak_depth_mm\": null, \"flipper_length_mm\": null,"
            + " \"body_mass_g\": null, \"sex\": null}";

    static ServingFixture fixture;

    @BeforeAll
    static void start() {
        fixture = ServingFixture.shared();
        fixture.deploy("records-api", ServingFixture.rf("", 1, 1));
        fixture.deploy("cautious-api", ServingFixture.rf("\"threshold\": {\"min_confidence\": 0.9, \"fallback_label\": \"ask a person\"}", 1, 1));
        fixture.deploy("abstaining-api", ServingFixture.rf("\"threshold\": {\"min_confidence\": 0.9}", 1, 1));
        fixture.deploy("limited-api", ServingFixture.rf("\"limits\": {\"requests_per_second\": 0.5, \"burst\": 2}", 1, 1));
        fixture.deploy("small-api", ServingFixture.rf("\"limits\": {\"max_rows\": 2, \"max_request_bytes\": 800}", 1, 1));
        fixture.deploy("busy-api", ServingFixture.rf("\"batching\": {\"max_batch_size\": 64, \"max_wait_ms\": 2}", 1, 1));
        fixture.deploy("patient-api", ServingFixture.rf("\"batching\": {\"max_batch_size\": 64, \"max_wait_ms\": 1000}", 1, 1));
    }

    private static HttpResponse<String> predict(String deployment, String records) {
        return fixture.http.post("/api/v1/deployments/" + deployment + "/predict", fixture.inference, "{\"records\": [" + records + "]}");
    }

    private static void refused(HttpResponse<String> response, int status, String code, String field, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.get("error_code").asText()).isEqualTo(code);
        if (field != null) {
            assertThat(body.get("field").asText()).isEqualTo(field);
        }
        assertThat(body.get("message").asText()).contains(message);
    }

    @Test
    void recordsAreAnsweredWithLabelsProbabilitiesByClassAndWhoAnswered() {
        HttpResponse<String> response = ok(fixture.http.send(fixture.http.builder("/api/v1/deployments/records-api/predict", fixture.inference)
                .header("Content-Type", "application/json").header("X-Request-Id", "order-7")
                .POST(HttpRequest.BodyPublishers.ofString("{\"records\": [" + ServingFixture.PENGUIN + ", " + MISSING + "]}"))), 200);
        JsonNode answer = json(response);

        assertThat(answer.get("request_id").asText()).isEqualTo("order-7");
        assertThat(answer.get("deployment").asText()).isEqualTo("records-api");
        assertThat(answer.get("model").asText()).isEqualTo("penguins-rf");
        assertThat(answer.get("version").asInt()).isEqualTo(1);
        JsonNode first = answer.at("/predictions/0");
        assertThat(first.get("label").asText()).isEqualTo("Adelie");
        assertThat(first.at("/probabilities/Adelie").asDouble()).isCloseTo(0.9982142857142857, within(1e-12));
        assertThat(first.at("/probabilities/Gentoo").asDouble()).isZero();
        assertThat(first.get("confidence").asDouble()).isCloseTo(0.9982142857142857, within(1e-12));
        assertThat(first.get("abstained").asBoolean()).isFalse();
        assertThat(answer.at("/predictions/1/confidence").asDouble()).as("expected.json's all-missing row").isCloseTo(0.7568181818181818,
                within(1e-12));
        assertThat(ok(fixture.http.post("/api/v1/deployments/records-api/versions/1/predict", fixture.inference, "{\"records\": ["
                + ServingFixture.PENGUIN + "]}"), 200).body()).contains("\"arm\":\"pinned\"");
    }

    @Test
    void belowTheConfidenceThresholdAPredictionAbstainsOrTakesTheFallbackLabelOnEveryProtocol() {
        JsonNode fallback = json(ok(predict("cautious-api", ServingFixture.PENGUIN + ", " + MISSING), 200));
        JsonNode abstains = json(ok(predict("abstaining-api", MISSING), 200));

        assertThat(fallback.at("/predictions/0/label").asText()).isEqualTo("Adelie");
        assertThat(fallback.at("/predictions/1/label").asText()).isEqualTo("ask a person");
        assertThat(fallback.at("/predictions/1/abstained").asBoolean()).isTrue();
        assertThat(abstains.at("/predictions/0/label").isNull()).isTrue();
        assertThat(abstains.at("/predictions/0/abstained").asBoolean()).isTrue();
        assertThat(ok(fixture.http.post("/deployments/abstaining-api/invocations", fixture.inference, "{\"dataframe_records\": [" + MISSING + ", "
                + ServingFixture.PENGUIN + "]}"), 200).body()).isEqualTo("{\"predictions\":[null,\"Adelie\"]}");
        JsonNode oip = json(ok(fixture.http.post("/v2/models/cautious-api/infer", fixture.inference, """
                {"inputs": [{"name": "island", "shape": [1, 1], "datatype": "BYTES", "data": ["Torgersen"]},
                            {"name": "beak_length_mm", "shape": [1, 1], "datatype": "FP64", "data": ["NaN"]},
                            {"name": "beak_depth_mm", "shape": [1, 1], "datatype": "FP64", "data": [NaN]},
                            {"name": "flipper_length_mm", "shape": [1, 1], "datatype": "FP64", "data": [NaN]},
                            {"name": "body_mass_g", "shape": [1, 1], "datatype": "FP64", "data": [NaN]},
                            {"name": "sex", "shape": [1, 1], "datatype": "BYTES", "data": [""]}],
                 "outputs": [{"name": "label"}]}
                """.replace("[\"NaN\"]", "[NaN]")), 200));
        assertThat(oip.get("outputs").findValuesAsText("name")).containsExactly("label", "abstained");
        assertThat(oip.at("/outputs/0/data/0").asText()).isEqualTo("ask a person");
        assertThat(oip.at("/outputs/1")).isEqualTo(ServingFixture.tree("{\"name\": \"abstained\", \"datatype\": \"BOOL\", \"shape\": [1],"
                + " \"data\": [true]}"));
    }

    @Test
    void feedbackJoinsTheAnswerByItsRequestIdAndAnAbstainedRowWaitsForReview() {
        String answered = json(ok(predict("records-api", ServingFixture.PENGUIN), 200)).get("request_id").asText();
        String abstained = json(ok(predict("abstaining-api", MISSING), 200)).get("request_id").asText();

        JsonNode joined = json(ok(fixture.http.post("/api/v1/deployments/records-api/feedback", fixture.inference,
                "{\"feedback\": [{\"request_id\": \"" + answered + "\", \"label\": \"Adelie\"}]}"), 200));
        assertThat(joined.get("accepted").asInt()).isEqualTo(1);
        assertThat(joined.get("unknown")).isEmpty();
        ServingTraffic.awaitQuietly(() -> fixture.http.get("/api/v1/deployments/abstaining-api/reviews", fixture.deployer).body().contains(abstained),
                "the abstained row in the review queue");
    }

    @Test
    void aTokenOverItsRateLimitGets429WithRetryAfterWhileOthersAreServed() {
        ok(predict("limited-api", ServingFixture.PENGUIN), 200);
        ok(predict("limited-api", ServingFixture.PENGUIN), 200);

        HttpResponse<String> limited = predict("limited-api", ServingFixture.PENGUIN);
        refused(limited, 429, "REQUEST_LIMIT_EXCEEDED", null, "at most 0.5 requests per second per token (burst 2)");
        assertThat(limited.headers().firstValue("Retry-After")).contains("2");
        assertThat(limited.headers().firstValue("X-Request-Id")).as("errors carry the request id too").isPresent();
        HttpResponse<String> oip = fixture.http.post("/v2/models/limited-api/infer", fixture.inference, "{\"inputs\": []}");
        assertThat(oip.statusCode()).isEqualTo(429);
        assertThat(json(oip).get("error").asText()).contains("requests per second");
        assertThat(fixture.http.post("/api/v1/deployments/limited-api/predict", fixture.deployer, "{\"records\": [" + ServingFixture.PENGUIN + "]}")
                .statusCode()).as("another token has a bucket of its own").isEqualTo(200);
    }

    @Test
    void oversizedRequestsAndBadRecordsAreRefusedNamingTheFieldAndOtherDeploymentsKeepServing() {
        refused(predict("small-api", String.join(", ", ServingFixture.PENGUIN, ServingFixture.PENGUIN, ServingFixture.PENGUIN)), 400,
                "INVALID_PARAMETER_VALUE", "records", "the request holds 3 rows; the deployment takes at most 2 per request (limits.max_rows)");
        refused(predict("small-api", ServingFixture.PENGUIN.replace("MALE", "M".repeat(800))), 413, "REQUEST_TOO_LARGE", null,
                "deployment 'small-api' takes at most 800 (limits.max_request_bytes)");
        refused(predict("records-api", ServingFixture.PENGUIN.replace("\"sex\": \"MALE\"", "\"sex\": [\"MALE\"]")), 400, "INVALID_PARAMETER_VALUE",
                "sex", "the value of 'sex' is a list");
        refused(predict("records-api", ServingFixture.PENGUIN.replace("181", "\"tall\"")), 400, "INVALID_PARAMETER_VALUE", "flipper_length_mm",
                "takes numbers");
        refused(predict("records-api", "7"), 400, "INVALID_PARAMETER_VALUE", "records[0]", "is not an object");
        refused(predict("records-api", ""), 400, "INVALID_PARAMETER_VALUE", "records", "the request holds no rows");
        refused(fixture.http.post("/api/v1/deployments/records-api/predict", fixture.inference, "{\"rows\": []}"), 400, "INVALID_PARAMETER_VALUE",
                "rows", "unknown field 'rows'");
        refused(fixture.http.post("/api/v1/deployments/records-api/predict", fixture.inference, "{\"records\": ["), 400, "MALFORMED_REQUEST", null,
                "malformed JSON");
        refused(fixture.http.post("/api/v1/deployments/records-api/versions/3/predict", fixture.inference, "{\"records\": []}"), 404,
                "RESOURCE_DOES_NOT_EXIST", null, "serves the versions [1], not '3'");
        refused(fixture.http.send(fixture.http.builder("/api/v1/deployments/records-api/predict", fixture.inference)
                .header("X-Request-Id", "no spaces please").POST(HttpRequest.BodyPublishers.ofString("{}"))), 400, "INVALID_PARAMETER_VALUE",
                "X-Request-Id", "visible ASCII");

        assertThat(json(ok(predict("records-api", ServingFixture.PENGUIN), 200)).at("/predictions/0/label").asText()).isEqualTo("Adelie");
    }

    @Test
    void concurrentRequestsGoThroughBatchedCallsSeenInTheMetricsAndALoneRequestIsNotDelayedByTheLongestWait() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                statuses.add(clients.submit(() -> predict("busy-api", ServingFixture.PENGUIN).statusCode()));
            }
            for (Future<Integer> status : statuses) {
                assertThat(status.get(60, TimeUnit.SECONDS)).isEqualTo(200);
            }
        } finally {
            clients.shutdownNow();
        }
        long start = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            ok(predict("patient-api", ServingFixture.PENGUIN), 200);
        }
        long lone = System.nanoTime() - start;
        String metrics = fixture.http.get("/metrics", null).body();

        // Whether two calls overlapped enough to coalesce depends on the machine; ServingBatchingTest shows that they do, call by call.
        double calls = metric(metrics, "steward_serving_batch_rows_count", "busy-api");
        double rows = metric(metrics, "steward_serving_batch_rows_sum", "busy-api");
        assertThat(rows).as("every row went through a runtime call").isEqualTo(400);
        assertThat(calls).isBetween(400.0 / 64, 400.0);
        assertThat(metric(metrics, "steward_serving_batch_rows_max", "busy-api")).isBetween(1.0, 64.0);
        // Generous: had each request waited for company, ten would take ten seconds.
        assertThat(TimeUnit.NANOSECONDS.toMillis(lone)).isLessThan(5_000);
        assertThat(metric(metrics, "steward_serving_batch_rows_max", "patient-api")).isEqualTo(1);
    }

    @Test
    void theServingMetricsCountRequestsErrorsLatencyAndTheTrafficSplitByDeploymentAndVersion() {
        ok(predict("records-api", ServingFixture.PENGUIN), 200);
        predict("records-api", "7");
        predict("nowhere", ServingFixture.PENGUIN);
        String metrics = fixture.http.get("/metrics", null).body();

        assertThat(metric(metrics, "steward_serving_requests_total", "records-api", "protocol=\"native\"")).isGreaterThanOrEqualTo(1);
        assertThat(metric(metrics, "steward_serving_errors_total", "records-api", "kind=\"bad_input\"")).isGreaterThanOrEqualTo(1);
        assertThat(metric(metrics, "steward_serving_errors_total", "", "kind=\"not_found\"")).isGreaterThanOrEqualTo(1);
        assertThat(metric(metrics, "steward_serving_request_seconds_count", "records-api")).isGreaterThanOrEqualTo(1);
        assertThat(metrics).contains("steward_serving_request_seconds_bucket{deployment=\"records-api\"");
        assertThat(metric(metrics, "steward_serving_traffic_share", "records-api", "version=\"1\"")).isEqualTo(1.0);
        assertThat(metric(metrics, "steward_serving_queue_rows", "records-api")).isZero();
        assertThat(metrics).contains("steward_request_log_dropped_total ", "steward_request_log_queued ");
    }

    /** The value of the first sample of {@code name} for the deployment (and the other labels given). */
    private static double metric(String metrics, String name, String deployment, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(metrics);
        while (m.find()) {
            String found = m.group(1);
            boolean match = found.contains("deployment=\"" + deployment + "\"");
            for (String label : labels) {
                match &= found.contains(label);
            }
            if (match) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no " + name + " for " + deployment + " " + String.join(",", labels) + " in the metrics");
    }
}
