package dev.steward.server;

import static dev.steward.server.StewardServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.server.config.ConfigLoader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Statistical gates end to end over HTTP, on models trained for real: a clearly better model passes
 * and a model better only by noise is refused; a test set's budget is spent step by step, the step
 * after it is refused (and audited), and only a disjoint fresh test set takes over; outcomes and
 * estimates reach an editor only as the adaptivity allows; a promotion policy with a statistical
 * criterion promotes the better model and refuses the twin; bad input spends nothing.
 *
 * <p>The data: label {@code a} when {@code x1 + 0.6·noise > 0}, else {@code b} (Bayes accuracy
 * about 0.84); {@code x2} is noise. The weak model sees only {@code x2} (accuracy about 0.5), the
 * good one {@code x1} and {@code x2}, the twin the same with another seed on other rows, the guess the
 * good one's inputs with labels shuffled.
 */
class GatesApiTest {
    private static final String TRAIN = """
            {"experiment": "signal", "dataset": {"name": "signal", "version": %d}, "target": "y",
             "task": "binary_classification", "seed": %d, "features": %s,
             "algorithm": {"name": "%s", "hyperparameters": %s}}
            """;
    private static final String CONDITION = "n - o > 0.1 +/- 0.1";

    @TempDir
    static Path home;

    static StewardServer server;
    static HttpTestClient http;
    static JobsHttp jobs;
    static String admin;
    static String alice;
    static String bob;

    @BeforeAll
    static void start() {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))));
        http = new HttpTestClient(server.uri());
        admin = server.createdAdminToken().orElseThrow();
        jobs = new JobsHttp(server, admin);
        alice = token("alice", "editor");
        bob = token("bob", "deployer");
        jobs.upload("signal", rows(1, 1_500));
        jobs.upload("signal", rows(2, 1_500));
        jobs.upload("signal", shuffledLabels(rows(3, 1_500)));
        String weak = train(1, 1, "[\"x2\"]", "cart", "{\"max_depth\": 1}");
        String good = train(1, 1, "[\"x1\", \"x2\"]", "logistic_regression", "{}");
        String twin = train(2, 2, "[\"x1\", \"x2\"]", "logistic_regression", "{}");
        String other = train(1, 3, "[\"x1\"]", "cart", "{\"max_depth\": 2}");
        String guess = train(3, 4, "[\"x1\", \"x2\"]", "logistic_regression", "{}");
        for (String run : new String[] {weak, good, twin, other, guess}) {
            ok(http.post("/api/v1/models/signal/versions", alice, "{\"run_id\": \"" + run + "\"}"), 201);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aClearlyBetterModelPassesANoisyTwinFailsAndTheBudgetEndsInAFreshTestSet() {
        byte[] first = rows(10, 1_500);
        jobs.upload("holdout", first);
        JsonNode better = check(alice, "models:/signal/2", "models:/signal/1", "holdout@1", "full", 3);
        assertThat(better.get("outcome").asText()).as(better.toString()).isEqualTo("pass");
        assertThat(better.get("step").asInt()).isEqualTo(1);
        assertThat(better.get("steps_left").asInt()).isEqualTo(2);
        assertThat(better.has("estimates")).as("an editor sees no estimates while the test set is live").isFalse();
        assertThat(better.at("/plan/labelled_rows").asLong()).isBetween(1L, 1_500L);
        assertThat(better.get("message").asText()).contains("passed", "step 1 of 3");

        JsonNode seenByAdmin = ok(http.get("/api/v1/gates/test-sets/holdout/1", admin), 200).get("checks").get(0);
        assertThat(seenByAdmin.at("/estimates/n").asDouble() - seenByAdmin.at("/estimates/o").asDouble()).isGreaterThan(0.2);
        assertThat(seenByAdmin.at("/estimates/labelled_rows_used").asLong()).isEqualTo(better.at("/plan/labelled_rows").asLong());

        JsonNode noise = check(alice, "models:/signal/3", "models:/signal/2", "holdout@1", "full", 3);
        assertThat(noise.get("outcome").asText()).as(noise.toString()).isEqualTo("fail");
        // Two models that mostly agree: d, bounded from the rows before any label is used, lets Bennett need fewer labels.
        assertThat(noise.at("/plan/clauses/0/method").asText()).as(noise.toString()).isEqualTo("bennett");
        assertThat(noise.at("/plan/labelled_rows").asLong()).isLessThan(noise.at("/plan/clauses/0/hoeffding").asLong());
        JsonNode again = check(alice, "models:/signal/3", "models:/signal/2", "holdout@1", "full", 3);
        assertThat(again.get("repeated").asBoolean()).as("the same models again spend no step").isTrue();
        assertThat(again.get("step").asInt()).isEqualTo(2);

        JsonNode third = check(alice, "models:/signal/4", "models:/signal/1", "holdout@1", "full", 3);
        assertThat(third.get("step").asInt()).isEqualTo(3);
        assertThat(third.get("retired").asBoolean()).isTrue();
        assertThat(third.has("estimates")).as("a retired test set's results are released").isTrue();

        long before = lastAuditEvent();
        HttpResponse<String> spent = http.post("/api/v1/gates/checks", alice, body("models:/signal/2", "models:/signal/4", "holdout@1", "full", 3));
        refused(spent, 409, "RESOURCE_EXHAUSTED", "a fresh test set is needed");
        JsonNode refusal = ok(http.get("/api/v1/audit?order=newest&max_results=1", admin), 200).at("/events/0");
        assertThat(refusal.get("seq").asLong()).isGreaterThan(before);
        assertThat(refusal.get("action").asText()).isEqualTo("gate.check.refuse");
        assertThat(ok(http.get("/api/v1/gates/test-sets/holdout/1", alice), 200).get("steps_used").asInt()).isEqualTo(3);

        // A "fresh" set that reuses 50 rows of the old one is refused; a disjoint one starts a new budget.
        String reused = new String(rows(11, 1_450), StandardCharsets.UTF_8) + String.join("\n", new String(first, StandardCharsets.UTF_8)
                .lines().skip(1).limit(50).toList()) + "\n";
        jobs.upload("holdout", reused.getBytes(StandardCharsets.UTF_8));
        refused(http.post("/api/v1/gates/checks", alice, body("models:/signal/2", "models:/signal/1", "holdout@2", "full", 3)), 409,
                "INVALID_STATE", "shares 50 rows with holdout@1");
        jobs.upload("holdout", rows(12, 1_500));
        JsonNode fresh = check(alice, "models:/signal/2", "models:/signal/1", "holdout@3", "full", 3);
        assertThat(fresh.get("outcome").asText()).isEqualTo("pass");
        assertThat(fresh.get("step").asInt()).isEqualTo(1);

        JsonNode run = jobs.run(fresh.get("run_id").asText());
        assertThat(run.at("/data/params").toString()).contains("\"condition\"", "\"reliability\"", "\"step\"");
        assertThat(run.at("/inputs/dataset_inputs/0/dataset/name").asText()).isEqualTo("holdout");
    }

    @Test
    void withoutAdaptivityTheEditorIsToldNothingAndHybridEndsAtTheFirstPass() {
        jobs.upload("blind", rows(20, 1_500));
        JsonNode withheld = check(alice, "models:/signal/2", "models:/signal/1", "blind@1", "none", 4);
        assertThat(withheld.get("outcome").asText()).isEqualTo("withheld");
        assertThat(withheld.get("message").asText()).contains("withheld");
        JsonNode asEditor = ok(http.get("/api/v1/gates/test-sets/blind/1", alice), 200);
        assertThat(asEditor.at("/checks/0/outcome").asText()).isEqualTo("withheld");
        assertThat(asEditor.at("/checks/0").has("estimates")).isFalse();
        assertThat(ok(http.get("/api/v1/gates/test-sets/blind/1", admin), 200).at("/checks/0/outcome").asText()).isEqualTo("pass");

        jobs.upload("hybrid", rows(21, 1_500));
        JsonNode failed = check(alice, "models:/signal/3", "models:/signal/2", "hybrid@1", "hybrid", 4);
        assertThat(failed.get("retired").asBoolean()).isFalse();
        JsonNode passed = check(alice, "models:/signal/2", "models:/signal/1", "hybrid@1", "hybrid", 4);
        assertThat(passed.get("outcome").asText()).isEqualTo("pass");
        assertThat(passed.get("retired").asBoolean()).as("hybrid: the first pass uses the test set up").isTrue();
        refused(http.post("/api/v1/gates/checks", alice, body("models:/signal/4", "models:/signal/1", "hybrid@1", "hybrid", 4)), 409,
                "RESOURCE_EXHAUSTED", "first pass");
    }

    @Test
    void aPromotionPolicyWithAStatisticalCriterionPromotesTheBetterModelAndRefusesTheTwin() {
        jobs.upload("promotion-holdout", rows(30, 1_500));
        ok(http.send(http.builder("/api/v1/models/signal/policies/staging", admin).PUT(java.net.http.HttpRequest.BodyPublishers.ofString("""
                criteria:
                  - kind: statistical
                    condition: "n - o > 0.1 +/- 0.1"
                    reliability: 0.95
                    adaptivity: full
                    steps: 4
                    test_set: promotion-holdout@1
                """))), 200);
        // Version 5 learnt from shuffled labels: the good model's inputs, a coin's accuracy.
        JsonNode firstHolder = ok(http.post("/api/v1/models/signal/versions/5/promote", bob, "{\"environment\": \"staging\"}"), 200);
        assertThat(firstHolder.get("promoted").asBoolean()).as(firstHolder.toString()).isTrue();
        assertThat(statistical(firstHolder).get("observed").asText()).contains("nothing to compare with");
        JsonNode better = ok(http.post("/api/v1/models/signal/versions/2/promote", bob, "{\"environment\": \"staging\"}"), 200);
        assertThat(better.get("promoted").asBoolean()).as(better.toString()).isTrue();
        JsonNode twin = ok(http.post("/api/v1/models/signal/versions/3/promote", bob, "{\"environment\": \"staging\"}"), 200);
        assertThat(twin.get("promoted").asBoolean()).as(twin.toString()).isFalse();
        assertThat(statistical(twin).get("observed").asText()).contains("failed", "step 2 of 4");
        assertThat(statistical(twin).get("evidence").toString()).contains("gate_check");

        refused(http.send(http.builder("/api/v1/models/signal/policies/production", admin).PUT(java.net.http.HttpRequest.BodyPublishers.ofString("""
                criteria:
                  - kind: statistical
                    condition: "n - o > 0.1 +/- 0.1"
                    reliability: 0.95
                    adaptivity: none
                    steps: 4
                    test_set: promotion-holdout@1
                """))), 400, "INVALID_PARAMETER_VALUE", "cannot withhold");
    }

    @Test
    void badInputIsRefusedPreciselyAndSpendsNothing() {
        jobs.upload("tiny", rows(40, 200));
        HttpResponse<String> unparsable = http.post("/api/v1/gates/checks", alice, "{\"candidate\": \"models:/signal/2\", \"against\":"
                + " \"models:/signal/1\", \"test_set\": \"tiny@1\", \"condition\": \"n - o >> 0.1 +/- 0.1\"}");
        refused(unparsable, 400, "INVALID_PARAMETER_VALUE", "character");
        assertThat(json(unparsable).get("field").asText()).isEqualTo("condition");
        HttpResponse<String> reliability = http.post("/api/v1/gates/sample-size", alice, "{\"condition\": \"" + CONDITION + "\", \"reliability\": 1.5}");
        refused(reliability, 400, "INVALID_PARAMETER_VALUE", null);
        assertThat(json(reliability).get("field").asText()).isEqualTo("reliability");
        refused(http.post("/api/v1/gates/checks", alice, body("models:/signal/2", "models:/signal/1", "tiny@1", "full", 4)), 409,
                "RESOURCE_EXHAUSTED", "not enough samples");
        refused(http.get("/api/v1/gates/test-sets/tiny/1", alice), 404, "RESOURCE_DOES_NOT_EXIST", "has not served");
        refused(http.post("/api/v1/gates/checks", alice, body("models:/signal/99", "models:/signal/1", "tiny@1", "full", 4)), 404, null, null);
        refused(http.post("/api/v1/gates/checks", alice, body("models:/signal/2", "models:/signal/1", "tiny", "full", 4)), 400,
                "INVALID_PARAMETER_VALUE", "NAME@VERSION");
        refused(http.post("/api/v1/gates/checks", alice, "{\"candidate\": \"models:/signal/2\", \"test_set\": \"tiny@1\", \"condition\": \""
                + CONDITION + "\"}"), 400, "INVALID_PARAMETER_VALUE", "uses o or d");
        refused(http.get("/api/v1/gates/test-sets/tiny/x", alice), 400, "INVALID_PARAMETER_VALUE", "not a version");
        HttpResponse<String> viewer = http.post("/api/v1/gates/checks", token("vic", "viewer"), body("models:/signal/2", "models:/signal/1",
                "tiny@1", "full", 4));
        assertThat(viewer.statusCode()).isEqualTo(403);
        JsonNode plan = ok(http.post("/api/v1/gates/sample-size", alice, "{\"condition\": \"n - o > 0.1 +/- 0.1\", \"reliability\": 0.99,"
                + " \"adaptivity\": \"full\", \"steps\": 32}"), 200);
        assertThat(plan.get("labelled_rows").asLong()).isEqualTo(5_496);
    }

    private static JsonNode statistical(JsonNode outcome) {
        for (JsonNode criterion : outcome.at("/report/criteria")) {
            if (criterion.get("kind").asText().equals("statistical")) {
                return criterion;
            }
        }
        throw new AssertionError("no statistical criterion in " + outcome);
    }

    private static JsonNode check(String token, String candidate, String against, String testSet, String adaptivity, int steps) {
        return ok(http.post("/api/v1/gates/checks", token, body(candidate, against, testSet, adaptivity, steps)), 200);
    }

    private static String body(String candidate, String against, String testSet, String adaptivity, int steps) {
        return "{\"candidate\": \"" + candidate + "\", \"against\": \"" + against + "\", \"test_set\": \"" + testSet + "\", \"condition\": \""
                + CONDITION + "\", \"reliability\": 0.95, \"adaptivity\": \"" + adaptivity + "\", \"steps\": " + steps + "}";
    }

    /** Rows of the signal: x1, x2 standard normal; y = a when x1 + 0.6·noise > 0. */
    static byte[] rows(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder csv = new StringBuilder("x1,x2,y\n");
        for (int i = 0; i < count; i++) {
            double x1 = gaussian(random);
            double x2 = gaussian(random);
            csv.append(String.format(Locale.ROOT, "%.6f,%.6f,%s%n", x1, x2, x1 + 0.6 * gaussian(random) > 0 ? "a" : "b"));
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The same rows with their labels shuffled: nothing left to learn. */
    static byte[] shuffledLabels(byte[] csv) {
        java.util.List<String> lines = new java.util.ArrayList<>(new String(csv, StandardCharsets.UTF_8).lines().toList());
        java.util.List<String> labels = new java.util.ArrayList<>(lines.subList(1, lines.size()).stream().map(l -> l.substring(l.lastIndexOf(',')
                + 1)).toList());
        java.util.Collections.shuffle(labels, new java.util.Random(5));
        StringBuilder out = new StringBuilder(lines.get(0)).append('\n');
        for (int i = 1; i < lines.size(); i++) {
            out.append(lines.get(i), 0, lines.get(i).lastIndexOf(',') + 1).append(labels.get(i - 1)).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private static String train(int version, int seed, String features, String algorithm, String hyperparameters) {
        JsonNode job = jobs.submit("train", 0, TRAIN.formatted(version, seed, features, algorithm, hyperparameters));
        return jobs.awaitSuccess(job).get("run_id").asText();
    }

    private static long lastAuditEvent() {
        return ok(http.get("/api/v1/audit?order=newest&max_results=1", admin), 200).at("/events/0/seq").asLong();
    }

    private static String token(String name, String role) {
        return json(http.post("/api/v1/tokens", admin, "{\"name\": \"" + name + "\", \"role\": \"" + role + "\"}")).get("secret").asText();
    }

    private static void refused(HttpResponse<String> response, int status, String code, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        if (code != null) {
            assertThat(body.get("error_code").asText()).as(response.body()).isEqualTo(code);
        }
        if (message != null) {
            assertThat(body.get("message").asText()).as(response.body()).contains(message);
        }
    }

    private static JsonNode ok(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return json(response);
    }
}
