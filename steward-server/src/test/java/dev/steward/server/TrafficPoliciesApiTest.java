package dev.steward.server;

import static dev.steward.server.StewardServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.server.config.ConfigLoader;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traffic policies on real models and real traffic: canaries rolled back automatically for a
 * candidate that errors and for one that is inaccurate against feedback (the reason recorded in
 * the history and the audit chain), a good one promoted past its last step; a shadow that gets a
 * copy of every request and is compared, never answering; a bandit that moves traffic to the
 * version whose answers feedback rewards; the automatic cut-out on a forbidden label and on the
 * error rate.
 *
 * <p>Versions: 1 and 2 are forests on three beak and flipper measurements (seeds 1 and 2); 3 learnt
 * from shuffled species (about a third right); 4 needs {@code body_mass_g} too, which the traffic
 * here does not send, so every request it gets fails.
 */
class TrafficPoliciesApiTest {
    private static final String FEATURES = "[\"beak_length_mm\", \"beak_depth_mm\", \"flipper_length_mm\"]";
    private static final String TRAIN = """
            {"experiment": "penguins", "dataset": {"name": "penguins", "version": %d}, "target": "species",
             "task": "multiclass_classification", "seed": %d, "features": %s,
             "preprocessing": [{"step": "impute", "columns": %s, "strategy": "median"}],
             "algorithm": {"name": "random_forest", "hyperparameters": {"n_trees": 10}}}
            """;
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    static Path home;

    static StewardServer server;
    static HttpTestClient http;
    static JobsHttp jobs;
    static String admin;
    static String bob;
    static String app;
    static List<String[]> penguins;

    @BeforeAll
    static void start() throws IOException {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0", "serving.poll-ms", "50"))));
        http = new HttpTestClient(server.uri());
        admin = server.createdAdminToken().orElseThrow();
        jobs = new JobsHttp(server, admin);
        bob = token("bob", "deployer");
        app = token("app", "inference");
        byte[] csv = jobs.uploadPenguins();
        jobs.upload("penguins", shuffledSpecies(csv));
        penguins = rows(csv);
        String four = "[\"beak_length_mm\", \"beak_depth_mm\", \"flipper_length_mm\", \"body_mass_g\"]";
        String[][] trainings = {{"1", "1", FEATURES}, {"1", "2", FEATURES}, {"2", "3", FEATURES}, {"1", "4", four}};
        for (String[] t : trainings) {
            String run = jobs.awaitSuccess(jobs.submit("train", 0, TRAIN.formatted(Integer.parseInt(t[0]), Integer.parseInt(t[1]), t[2], t[2])))
                    .get("run_id").asText();
            ok(http.post("/api/v1/models/penguins/versions", admin, "{\"run_id\": \"" + run + "\"}"), 201);
        }
        for (int v = 1; v <= 3; v++) {
            ok(http.post("/api/v1/models/penguins/versions/" + v + "/promote", bob, "{\"environment\": \"production\"}"), 200);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aCandidateThatErrorsIsRolledBackWithTheReasonInTheHistoryAndTheAudit() {
        canary("canary-errors", 4, "{\"max_error_rate\": 0.2}");
        JsonNode after = drive("canary-errors", false, d -> !d.at("/spec/traffic").has("canary"));
        assertThat(after.get("traffic")).extracting(v -> v.get("share").asDouble()).containsExactly(1.0, 0.0);
        JsonNode last = lastRevision("canary-errors");
        assertThat(last.get("change").asText()).isEqualTo("canary-rollback");
        assertThat(last.get("reason").asText()).contains("models:/penguins/4 rolled back", "error rate");
        JsonNode audit = ok(http.get("/api/v1/audit?object_type=deployment&object_id=canary-errors&order=newest&max_results=1", admin), 200)
                .at("/events/0");
        assertThat(audit.get("action").asText()).isEqualTo("deployment.canary.rollback");
        assertThat(audit.at("/details/reason").asText()).contains("error rate");
    }

    @Test
    void aCandidateInaccurateAgainstFeedbackIsRolledBack() {
        canary("canary-inaccurate", 3, "{\"min_accuracy\": 0.8, \"min_labelled\": 10}");
        drive("canary-inaccurate", true, d -> !d.at("/spec/traffic").has("canary"));
        assertThat(lastRevision("canary-inaccurate").get("reason").asText()).contains("live accuracy", "below 0.800");
    }

    @Test
    void aGoodCandidateIsPromotedPastItsLastStep() {
        canary("canary-good", 2, "{\"max_error_rate\": 0.2, \"min_accuracy\": 0.8, \"min_labelled\": 5}");
        JsonNode promoted = drive("canary-good", true, d -> d.get("traffic").size() == 1);
        assertThat(promoted.at("/traffic/0/model").asText()).isEqualTo("models:/penguins/2");
        List<String> changes = new ArrayList<>();
        ok(http.get("/api/v1/deployments/canary-good/history", bob), 200).get("revisions").forEach(r -> changes.add(r.get("change").asText()));
        assertThat(changes).containsExactly("create", "update", "canary-step", "canary-promote");
    }

    @Test
    void aShadowGetsACopyOfEveryRequestIsComparedAndNeverAnswers() {
        create("shadowed", "{\"versions\": [{\"model\": \"models:/penguins/1\"}, {\"model\": \"models:/penguins/3\"}],"
                + " \"traffic\": {\"shadow\": {\"shadow\": \"models:/penguins/3\", \"queue\": 100}}}");
        for (int i = 0; i < 30; i++) {
            JsonNode answer = predict("shadowed", penguins.get(i * 7 % penguins.size()));
            assertThat(answer.get("version").asInt()).as("the primary answers").isEqualTo(1);
        }
        JsonNode traffic = poll(() -> ok(http.get("/api/v1/deployments/shadowed/traffic", bob), 200),
                t -> t.at("/shadow/rows_compared").asLong() + t.at("/shadow/dropped").asLong() + t.at("/shadow/failed").asLong() == 30);
        assertThat(traffic.at("/shadow/copied").asLong()).isEqualTo(30);
        assertThat(traffic.at("/shadow/agreement").asDouble()).as("a model of shuffled labels mostly disagrees").isLessThan(0.9);
        assertThat(traffic.get("policy").asText()).isEqualTo("shadow");
        // The shadow's answers are in the request log beside the primary's.
        dev.steward.core.serving.log.RequestLogReader log = new dev.steward.core.serving.log.RequestLogReader(
                server.steward().config().serving().logDirectory());
        poll(() -> {
            java.util.concurrent.atomic.AtomicLong shadows = new java.util.concurrent.atomic.AtomicLong();
            log.read("shadowed", e -> {
                if (e.arm().equals("shadow")) {
                    shadows.incrementAndGet();
                }
            });
            return com.fasterxml.jackson.databind.node.LongNode.valueOf(shadows.get());
        }, n -> n.asLong() == traffic.at("/shadow/rows_compared").asLong());

        // A shadow that fails every request never fails the primary.
        create("shadow-failing", "{\"versions\": [{\"model\": \"models:/penguins/1\"}, {\"model\": \"models:/penguins/4\","
                + " \"override_reason\": \"a broken shadow\"}], \"traffic\": {\"shadow\": {\"shadow\": \"models:/penguins/4\"}}}");
        for (int i = 0; i < 10; i++) {
            assertThat(predict("shadow-failing", penguins.get(i)).get("version").asInt()).isEqualTo(1);
        }
        poll(() -> ok(http.get("/api/v1/deployments/shadow-failing/traffic", bob), 200), t -> t.at("/shadow/failed").asLong()
                + t.at("/shadow/dropped").asLong() == 10);

        // The policy gauges are refreshed every second.
        poll(() -> com.fasterxml.jackson.databind.node.TextNode.valueOf(http.get("/metrics", null).body()),
                m -> m.asText().contains("steward_shadow_agreement{deployment=\"shadowed\"}"));
    }

    @Test
    void aBanditMovesTrafficToTheVersionFeedbackRewards() {
        create("bandit", "{\"versions\": [{\"model\": \"models:/penguins/1\"}, {\"model\": \"models:/penguins/3\"}],"
                + " \"traffic\": {\"bandit\": {\"algorithm\": \"thompson\", \"reward\": \"binary\"}}}");
        int good = 0;
        for (int i = 0; i < 160; i++) {
            String[] row = penguins.get(i * 13 % penguins.size());
            JsonNode answer = predict("bandit", row);
            if (i >= 100 && answer.get("version").asInt() == 1) {
                good++;
            }
            ok(http.post("/api/v1/deployments/bandit/feedback", app, "{\"feedback\": [{\"request_id\": \"" + answer.get("request_id").asText()
                    + "\", \"row\": 0, \"label\": \"" + row[0] + "\"}]}"), 200);
        }
        assertThat(good).as("the last 60 requests, mostly to the accurate version").isGreaterThan(45);
        JsonNode arms = ok(http.get("/api/v1/deployments/bandit/traffic", bob), 200).at("/bandit/arms");
        assertThat(arms.get(0).get("mean_reward").asDouble()).isGreaterThan(arms.get(1).get("mean_reward").asDouble());
    }

    @Test
    void aForbiddenLabelTripsTheCutOutAndAnErrorRateToo() {
        create("no-gentoo", "{\"versions\": [{\"model\": \"models:/penguins/1\"}], \"cutout\": {\"forbidden_labels\": [\"Gentoo\"]}}");
        String[] gentoo = penguins.stream().filter(r -> r[0].equals("Gentoo")).findFirst().orElseThrow();
        HttpResponse<String> refused = http.post("/api/v1/deployments/no-gentoo/predict", app, records(gentoo));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.body()).contains("forbidden label 'Gentoo'");
        JsonNode stopped = poll(() -> ok(http.get("/api/v1/deployments/no-gentoo", bob), 200), d -> d.get("stopped").asBoolean());
        assertThat(stopped.get("stop_reason").asText()).startsWith("automatic cut-out:").contains("Gentoo");

        create("failing", "{\"versions\": [{\"model\": \"models:/penguins/4\", \"override_reason\": \"a test of the cut-out\"}],"
                + " \"cutout\": {\"max_error_rate\": 0.5, \"min_requests\": 5, \"window_seconds\": 60}}");
        JsonNode cut = poll(() -> {
            http.post("/api/v1/deployments/failing/predict", app, records(penguins.get(0)));
            return ok(http.get("/api/v1/deployments/failing", bob), 200);
        }, d -> d.get("stopped").asBoolean());
        assertThat(cut.get("stop_reason").asText()).contains("error rate", "cutout.max_error_rate");
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** A deployment serving version 1 with {@code candidate} as a canary of steps 50% then 100%. */
    private static void canary(String name, int candidate, String guardrails) {
        create(name, "{\"versions\": [{\"model\": \"models:/penguins/1\"}]}");
        String override = candidate == 4 ? ", \"override_reason\": \"a deliberately broken candidate\"" : "";
        ok(http.send("PUT", "/api/v1/deployments/" + name, admin, "{\"spec\": {\"versions\": [{\"model\": \"models:/penguins/1\"},"
                + " {\"model\": \"models:/penguins/" + candidate + "\"" + override + "}], \"traffic\": {\"canary\": {\"candidate\": \"models:/penguins/"
                + candidate + "\", \"steps\": [50, 100], \"dwell_seconds\": 1, \"min_requests\": 5, \"guardrails\": " + guardrails + "}}}}"), 200);
    }

    private static void create(String name, String spec) {
        ok(http.post("/api/v1/deployments", admin, "{\"name\": \"" + name + "\", \"spec\": " + spec + "}"), 201);
        poll(() -> json(http.get("/v2/models/" + name + "/ready", app)), r -> r.path("ready").asBoolean());
    }

    /** Sends traffic (and, when asked, the true label of each answer as feedback) until the deployment meets {@code done}. */
    private static JsonNode drive(String name, boolean feedback, Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        for (int i = 0; ; i++) {
            JsonNode deployment = ok(http.get("/api/v1/deployments/" + name, bob), 200);
            if (done.test(deployment)) {
                return deployment;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the canary of " + name + " did not move in " + PATIENCE.toSeconds() + " s: " + deployment + "\n"
                        + ok(http.get("/api/v1/deployments/" + name + "/traffic", bob), 200));
            }
            for (int k = 0; k < 10; k++) {
                String[] row = penguins.get((i * 10 + k) * 7 % penguins.size());
                HttpResponse<String> response = http.post("/api/v1/deployments/" + name + "/predict", app, records(row));
                if (feedback && response.statusCode() == 200) {
                    ok(http.post("/api/v1/deployments/" + name + "/feedback", app, "{\"feedback\": [{\"request_id\": \""
                            + json(response).get("request_id").asText() + "\", \"row\": 0, \"label\": \"" + row[0] + "\"}]}"), 200);
                }
            }
        }
    }

    private static JsonNode lastRevision(String name) {
        JsonNode revisions = ok(http.get("/api/v1/deployments/" + name + "/history", bob), 200).get("revisions");
        return revisions.get(revisions.size() - 1);
    }

    private static JsonNode predict(String name, String[] row) {
        return ok(http.post("/api/v1/deployments/" + name + "/predict", app, records(row)), 200);
    }

    private static String records(String[] row) {
        return String.format(Locale.ROOT, "{\"records\": [{\"beak_length_mm\": %s, \"beak_depth_mm\": %s, \"flipper_length_mm\": %s}]}",
                row[2], row[3], row[4]);
    }

    /** The penguins with every measurement present: species, island, beak length, beak depth, flipper length, ... */
    private static List<String[]> rows(byte[] csv) {
        List<String[]> rows = new ArrayList<>();
        for (String line : new String(csv, StandardCharsets.UTF_8).lines().skip(1).toList()) {
            String[] cells = line.split(",", -1);
            if (!cells[2].isEmpty() && !cells[2].equals("NA") && !cells[3].isEmpty() && !cells[4].isEmpty() && !cells[4].equals("NA")) {
                rows.add(cells);
            }
        }
        return rows;
    }

    private static byte[] shuffledSpecies(byte[] csv) {
        List<String> lines = new ArrayList<>(new String(csv, StandardCharsets.UTF_8).lines().toList());
        List<String> species = new ArrayList<>(lines.subList(1, lines.size()).stream().map(l -> l.substring(0, l.indexOf(','))).toList());
        Collections.shuffle(species, new Random(3));
        StringBuilder out = new StringBuilder(lines.get(0)).append('\n');
        for (int i = 1; i < lines.size(); i++) {
            out.append(species.get(i - 1)).append(lines.get(i).substring(lines.get(i).indexOf(','))).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode poll(java.util.function.Supplier<JsonNode> read, Predicate<JsonNode> wanted) {
        return JobsHttp.poll(read, wanted);
    }

    private static String token(String name, String role) {
        return json(http.post("/api/v1/tokens", admin, "{\"name\": \"" + name + "\", \"role\": \"" + role + "\"}")).get("secret").asText();
    }

    private static JsonNode ok(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return json(response);
    }

}
