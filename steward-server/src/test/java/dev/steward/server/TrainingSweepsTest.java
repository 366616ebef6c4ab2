package dev.steward.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.server.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps of declarative training on one worker: the best trial by the spec's metric, a summary of
 * every trial, an urgent training that starts before a sweep queued earlier, a trial stopped by its
 * time limit, and grids with values the algorithm refuses. (That an urgent job also goes between two
 * trials of a running sweep is shown with command trials in {@code JobsApiTest}.)
 */
class TrainingSweepsTest {
    private static final String TRAIN = """
            {"dataset": {"name": "penguins"}, "target": "species", "task": "multiclass_classification",
             "preprocessing": [{"step": "standardize", "columns": ["beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g"]}],
             "algorithm": {"name": "%s"}, "metric": {"name": "f1_macro"}}
            """;

    @TempDir
    static Path home;

    @TempDir
    static Path gates;

    static StewardServer server;
    static JobsHttp jobs;

    @BeforeAll
    static void start() {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0", "jobs.concurrency", "1"))));
        jobs = new JobsHttp(server, server.createdAdminToken().orElseThrow());
        jobs.uploadPenguins();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aGridSweepTrainsEveryTrialAndKeepsTheBestWhileAnUrgentRetrainGoesFirst() throws IOException {
        // The one worker is busy until the test says so, so that the sweep and the urgent training wait in the queue together.
        Path go = gates.resolve("go");
        JsonNode gate = jobs.submit("command", 100, "{\"command\": \"while [ ! -f " + go + " ]; do sleep 0.05; done\"}");
        JobsHttp.poll(() -> jobs.job(gate.get("id").asText()), j -> j.get("status").asText().equals("running"));
        JsonNode sweep = jobs.submit("sweep", -5, "{\"experiment\": \"sweeps\", \"train\": " + TRAIN.formatted("cart")
                + ", \"grid\": {\"max_depth\": [1, 2, 8], \"min_child_weight\": [1]}}");
        String sweepId = sweep.get("id").asText();
        JsonNode urgent = jobs.submit("train", 10, TRAIN.formatted("logistic_regression"));
        Files.createFile(go);

        JsonNode done = jobs.awaitSuccess(sweep);

        Instant urgentStart = Instant.parse(jobs.job(urgent.get("id").asText()).get("started_at").asText());
        assertThat(Instant.parse(done.get("started_at").asText())).as("the sweep waited for the urgent training").isAfterOrEqualTo(urgentStart);
        JsonNode trials = jobs.children(sweepId);
        assertThat(trials).hasSize(3);
        for (JsonNode trial : trials) {
            assertThat(trial.get("status").asText()).isEqualTo("succeeded");
            assertThat(trial.get("kind").asText()).isEqualTo("train");
            assertThat(Instant.parse(trial.get("started_at").asText())).isAfterOrEqualTo(urgentStart);
        }

        JsonNode run = jobs.run(done.get("run_id").asText());
        assertThat(run.at("/data/metrics/0/key").asText()).isEqualTo("best_f1_macro");
        assertThat(run.at("/data/tags").toString()).contains("steward.sweep.best.max_depth", "steward.sweep.best_run_id");
        JsonNode summary;
        try (InputStream in = server.steward().tracking().openRunArtifact(server.steward().tracking().getRun(done.get("run_id").asText()).info(),
                "sweep_summary.json")) {
            summary = new ObjectMapper().readTree(in);
        }
        assertThat(summary.get("trials")).hasSize(3);
        assertThat(summary.get("metric").asText()).isEqualTo("f1_macro");
        double best = summary.get("best_f1_macro").asDouble();
        for (JsonNode trial : summary.get("trials")) {
            assertThat(trial.get("f1_macro").asDouble()).isLessThanOrEqualTo(best);
            assertThat(trial.at("/params/max_depth").isNumber()).isTrue();
        }
        JsonNode bestRun = jobs.run(summary.get("best_run_id").asText());
        assertThat(bestRun.at("/data/tags").toString()).contains("steward.model.digest");
    }

    @Test
    void successiveHalvingGivesTheBestConfigurationsMoreTrees() {
        JsonNode sweep = jobs.submit("sweep", 0, "{\"train\": " + TRAIN.formatted("random_forest") + ", \"grid\": {\"max_depth\": [1, 2, 4, 8]},"
                + " \"halving\": {\"resource\": \"n_trees\", \"min\": 2, \"max\": 8, \"eta\": 2}}");
        JsonNode done = jobs.awaitSuccess(sweep);
        Map<Integer, Integer> trialsPerBudget = new java.util.TreeMap<>();
        for (JsonNode trial : jobs.children(sweep.get("id").asText())) {
            trialsPerBudget.merge(trial.at("/spec/algorithm/hyperparameters/n_trees").asInt(), 1, Integer::sum);
        }
        assertThat(trialsPerBudget).isEqualTo(Map.of(2, 4, 4, 2, 8, 1));
        JsonNode run = jobs.run(done.get("run_id").asText());
        assertThat(run.at("/data/tags").toString()).contains("\"steward.sweep.best.n_trees\",\"value\":\"8\"");
        assertThat(run.at("/data/params").toString()).contains("successive halving");
    }

    @Test
    void aTrialOverItsTimeLimitIsStoppedAndMarked() {
        // A warm worker, so that the small trial's time is training, not a JVM starting on a busy machine.
        jobs.awaitSuccess(jobs.submit("train", 0, TRAIN.formatted("cart")));
        JsonNode sweep = jobs.submit("sweep", 0, "{\"train\": " + TRAIN.formatted("random_forest")
                + ", \"grid\": {\"n_trees\": [5, 5000]}, \"guardrails\": {\"trial_max_wall_time_seconds\": 3}}");
        JsonNode done = jobs.awaitSuccess(sweep);
        JsonNode slow = null;
        for (JsonNode trial : jobs.children(sweep.get("id").asText())) {
            if (trial.at("/spec/algorithm/hyperparameters/n_trees").asInt() == 5000) {
                slow = trial;
            } else {
                assertThat(trial.get("status").asText()).isEqualTo("succeeded");
            }
        }
        assertThat(slow.get("status").asText()).isEqualTo("failed");
        assertThat(slow.get("message").asText()).contains("max_wall_time_seconds guardrail");
        assertThat(jobs.run(slow.get("run_id").asText()).at("/data/tags").toString()).contains("steward.guardrail", "max_wall_time_seconds");
        assertThat(done.get("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void gridValuesTheAlgorithmRefusesAreNamedAndNothingIsQueued() {
        int before = jobs.jobCount();
        jobs.assertRefused("sweep", "{\"train\": " + TRAIN.formatted("xgboost") + ", \"grid\": {\"max_depth\": [3, 100]}}",
                "grid.max_depth", "between 1 and 64");
        jobs.assertRefused("sweep", "{\"train\": " + TRAIN.formatted("xgboost") + ", \"grid\": {\"depth\": [3]}}",
                "grid.depth", "unknown hyperparameter");
        jobs.assertRefused("sweep", "{\"train\": " + TRAIN.formatted("xgboost").replace("species", "wings")
                + ", \"grid\": {\"max_depth\": [3]}}", "train.target", "no column 'wings'");
        jobs.assertRefused("sweep", "{\"train\": " + TRAIN.formatted("cart") + ", \"random\": {\"parameters\": {\"max_depth\": {\"min\": 0, \"max\": 5,"
                + " \"integer\": true}}, \"trials\": 3}}", "random.parameters.max_depth", "between 1 and 1000");
        jobs.assertRefused("sweep", "{\"train\": " + TRAIN.formatted("random_forest") + ", \"grid\": {\"n_trees\": [3]},"
                + " \"halving\": {\"resource\": \"n_trees\", \"min\": 2, \"max\": 8}}", "halving.resource", "cannot also be swept");
        jobs.assertRefused("sweep", "{\"train\": " + TRAIN.formatted("random_forest") + ", \"grid\": {\"max_depth\": [3]},"
                + " \"halving\": {\"resource\": \"n_trees\", \"min\": 2, \"max\": 5}}", "halving.max", "at least min × eta (6)");
        assertThat(jobs.jobCount()).isEqualTo(before);
    }
}
