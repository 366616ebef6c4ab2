package dev.steward.server;

import static dev.steward.server.StewardServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.runtime.onnx.OnnxModelRuntime;
import dev.steward.server.config.ConfigLoader;
import dev.steward.spi.serving.ModelRuntime;
import dev.steward.spi.serving.Tensor;
import dev.steward.spi.tracking.RunInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Declarative training end to end on penguins: every algorithm, multiclass (with missing values
 * and categories) and regression, trained as queued jobs; the packaged ONNX graph, run in ONNX
 * Runtime on the raw validation rows, gives Tribuo's own predictions; two identical runs give the
 * same model digest; bad specs are refused with the field named and nothing queued.
 */
class TrainingJobsTest {
    private static final String CLASSIFY = """
            {"experiment": "penguins", "dataset": {"name": "penguins", "version": 1}, "target": "species",
             "task": "multiclass_classification", "seed": 7,
             "preprocessing": [
               {"step": "impute", "columns": ["beak_length_mm", "beak_depth_mm"], "strategy": "median"},
               {"step": "standardize", "columns": ["beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g"]},
               {"step": "impute", "columns": ["sex"], "strategy": "most_frequent"},
               {"step": "one_hot", "columns": ["island", "sex"]}],
             "split": {"holdout": 0.25},
             "algorithm": {"name": "%s", "hyperparameters": %s}}
            """;
    private static final String REGRESS = """
            {"experiment": "penguins", "dataset": {"name": "penguins", "version": 1}, "target": "body_mass_g", "task": "regression",
             "features": ["species", "island", "beak_length_mm", "beak_depth_mm", "flipper_length_mm", "sex"],
             "preprocessing": [
               {"step": "bucketize", "columns": ["flipper_length_mm"], "bins": 4},
               {"step": "min_max", "columns": ["beak_length_mm"]},
               {"step": "impute", "columns": ["sex"], "strategy": "constant", "value": "UNKNOWN"}],
             "algorithm": {"name": "%s", "hyperparameters": %s}}
            """;

    @TempDir
    static Path home;

    static StewardServer server;
    static JobsHttp jobs;
    static HttpTestClient http;
    static String admin;
    static List<String[]> rows = new ArrayList<>();
    static List<String> header;
    static ModelRuntime runtime;

    @BeforeAll
    static void start() {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0", "jobs.concurrency", "2"))));
        jobs = new JobsHttp(server, server.createdAdminToken().orElseThrow());
        http = jobs.http();
        admin = server.createdAdminToken().orElseThrow();
        String[] lines = new String(jobs.uploadPenguins(), StandardCharsets.UTF_8).split("\\r?\\n");
        header = List.of(lines[0].split(","));
        for (int i = 1; i < lines.length; i++) {
            rows.add(lines[i].split(",", -1));
        }
        runtime = new OnnxModelRuntime(1);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"logistic_regression|{\"epochs\": 20}", "cart|{\"max_depth\": 6}", "random_forest|{\"n_trees\": 30}",
            "xgboost|{\"n_trees\": 30, \"max_depth\": 4}"})
    void multiclassModelsGiveTheSamePredictionsInOnnxRuntimeAsInTribuo(String algorithm) throws IOException {
        String[] parts = algorithm.split("\\|");
        JsonNode job = jobs.awaitSuccess(submit(CLASSIFY.formatted(parts[0], parts[1])));
        RunInfo run = server.steward().tracking().getRun(job.get("run_id").asText()).info();
        JsonNode manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(artifact(run, "model/steward-model.json"));
        assertThat(manifest.get("format_version").asInt()).isEqualTo(1);
        assertThat(manifest.get("classes").toString()).isEqualTo("[\"Adelie\",\"Chinstrap\",\"Gentoo\"]");
        assertThat(manifest.at("/metrics/accuracy").asDouble()).isGreaterThan(0.8);
        assertThat(manifest.at("/training_data/0/sha256").asText()).hasSize(64);
        assertThat(manifest.get("inputs").toString()).contains("\"island\"", "\"BYTES\"", "\"FP64\"", "Torgersen");

        String curve = parts[0].equals("logistic_regression") ? "training_loss" : "validation_loss";
        JsonNode history = json(http.get("/api/2.0/mlflow/metrics/get-history?run_id=" + run.runId() + "&metric_key=" + curve, admin)).get("metrics");
        assertThat(history).as("%s per epoch or tree", curve).hasSizeGreaterThanOrEqualTo(parts[0].equals("cart") ? 1 : 2);

        List<String[]> expected = csv(artifact(run, "evaluation/validation_predictions.csv"));
        try (ModelRuntime.LoadedModel model = runtime.load(artifact(run, "model/model.onnx"))) {
            Map<String, Tensor> out = model.run(inputs(expected, manifest), Set.of("label", "probabilities"));
            String[] labels = out.get("label").strings();
            double[] probabilities = out.get("probabilities").doubles();
            assertThat(expected).hasSize(labels.length);
            for (int i = 0; i < expected.size(); i++) {
                String[] row = expected.get(i);
                double[] want = {Double.parseDouble(row[2]), Double.parseDouble(row[3]), Double.parseDouble(row[4])};
                for (int k = 0; k < 3; k++) {
                    assertThat(probabilities[i * 3 + k]).as("row %s class %d", row[0], k).isCloseTo(want[k], within(1e-5));
                }
                if (Math.abs(sorted(want)[2] - sorted(want)[1]) > 1e-5) {
                    assertThat(labels[i]).as("row %s", row[0]).isEqualTo(row[1]);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear_regression|{\"epochs\": 30}", "cart|{}", "random_forest|{\"n_trees\": 20}",
            "xgboost|{\"n_trees\": 40}"})
    void regressionModelsGiveTheSamePredictionsInOnnxRuntimeAsInTribuo(String algorithm) throws IOException {
        String[] parts = algorithm.split("\\|");
        JsonNode job = jobs.awaitSuccess(submit(REGRESS.formatted(parts[0], parts[1])));
        RunInfo run = server.steward().tracking().getRun(job.get("run_id").asText()).info();
        JsonNode manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(artifact(run, "model/steward-model.json"));
        assertThat(manifest.get("task").asText()).isEqualTo("regression");
        assertThat(manifest.at("/metrics/r2").asDouble()).as(manifest.get("metrics").toString()).isGreaterThan(0.5);
        List<String[]> expected = csv(artifact(run, "evaluation/validation_predictions.csv"));
        try (ModelRuntime.LoadedModel model = runtime.load(artifact(run, "model/model.onnx"))) {
            double[] predictions = model.run(inputs(expected, manifest), Set.of("prediction")).get("prediction").doubles();
            for (int i = 0; i < expected.size(); i++) {
                double want = Double.parseDouble(expected.get(i)[1]);
                assertThat(predictions[i]).as("row %s", expected.get(i)[0]).isCloseTo(want, within(1e-5 * Math.max(1, Math.abs(want))));
            }
        }
    }

    @Test
    void aBinaryClassifierIsCrossValidatedAndItsGraphStillMatchesTribuo() throws IOException {
        // One penguin's sex is recorded as "." in the source data: a third class until it is cleaned to missing.
        assertThat(json(http.post("/api/v1/jobs", admin, "{\"kind\": \"train\", \"spec\": {\"dataset\": {\"name\": \"penguins\"},"
                + " \"target\": \"sex\", \"task\": \"binary_classification\", \"algorithm\": {\"name\": \"cart\"}}}")).get("message").asText())
                .contains("exactly 2 classes, but 'sex' has 3");
        String cleaned = String.join("\n", rows.stream().map(r -> String.join(",", r).replace(",.", ",")).toList());
        jobs.upload("penguins_sexed", (String.join(",", header) + "\n" + cleaned + "\n").getBytes(StandardCharsets.UTF_8));
        JsonNode job = jobs.awaitSuccess(submit("""
                {"experiment": "penguins", "dataset": {"name": "penguins_sexed", "version": 1}, "target": "sex", "task": "binary_classification",
                 "features": ["species", "beak_length_mm", "beak_depth_mm", "body_mass_g"],
                 "preprocessing": [{"step": "standardize", "columns": ["beak_length_mm", "beak_depth_mm", "body_mass_g"]}],
                 "split": {"folds": 5}, "metric": {"name": "roc_auc"},
                 "algorithm": {"name": "logistic_regression", "hyperparameters": {"epochs": 30}}}
                """));
        RunInfo run = server.steward().tracking().getRun(job.get("run_id").asText()).info();
        JsonNode manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(artifact(run, "model/steward-model.json"));
        assertThat(manifest.get("classes").toString()).isEqualTo("[\"FEMALE\",\"MALE\"]");
        assertThat(manifest.at("/metrics/roc_auc").asDouble()).isGreaterThan(0.85);
        assertThat(manifest.at("/metrics/roc_auc_std").isNumber()).as("cross-validation reports the spread").isTrue();
        assertThat(manifest.at("/training_data/0/training_rows").asInt()).as("rows with a target, all used for the final model").isEqualTo(333);

        List<String[]> expected = csv(artifact(run, "evaluation/validation_predictions.csv"));
        assertThat(expected).hasSize(333);
        try (ModelRuntime.LoadedModel model = runtime.load(artifact(run, "model/model.onnx"))) {
            double[] probabilities = model.run(inputs(expected, manifest), Set.of("probabilities")).get("probabilities").doubles();
            for (int i = 0; i < expected.size(); i++) {
                assertThat(probabilities[i * 2 + 1]).as("row %s", expected.get(i)[0]).isCloseTo(Double.parseDouble(expected.get(i)[3]), within(1e-5));
            }
        }
    }

    @Test
    void theSameSpecOnTheSameDataGivesTheSameModelDigest() {
        String spec = CLASSIFY.formatted("random_forest", "{\"n_trees\": 10}");
        JsonNode first = jobs.awaitSuccess(submit(spec));
        JsonNode second = jobs.awaitSuccess(submit(spec));
        assertThat(digest(second)).isEqualTo(digest(first)).hasSize(64);
        String boosted = REGRESS.formatted("xgboost", "{\"n_trees\": 10}");
        assertThat(digest(jobs.awaitSuccess(submit(boosted)))).isEqualTo(digest(jobs.awaitSuccess(submit(boosted))));
    }

    @Test
    void badSpecsNameTheFieldAndQueueNothing() {
        int before = jobs.jobCount();
        jobs.assertRefused("train", CLASSIFY.formatted("cart", "{}").replace("\"species\"", "\"colour\""), "target", "no column 'colour'");
        jobs.assertRefused("train", CLASSIFY.formatted("cart", "{}").replace("\"target\": \"species\",", ""), "target", "is required");
        jobs.assertRefused("train", CLASSIFY.formatted("cart", "{}").replace("\"beak_length_mm\", \"beak_depth_mm\"], \"strategy\"",
                "\"beak_length_mm\", \"wingspan\"], \"strategy\""), "preprocessing[0].columns", "'wingspan' is not a feature");
        jobs.assertRefused("train", REGRESS.formatted("cart", "{}").replace("\"target\": \"body_mass_g\"", "\"target\": \"island\"")
                .replace("\"species\", \"island\",", "\"species\","), "task",
                "regression needs a numeric target");
        jobs.assertRefused("train", CLASSIFY.formatted("cart", "{}").replace("multiclass_classification", "binary_classification"), "task",
                "exactly 2 classes");
        jobs.assertRefused("train", CLASSIFY.formatted("deep_forest", "{}"), "algorithm.name", "unknown algorithm 'deep_forest'");
        jobs.assertRefused("train", CLASSIFY.formatted("xgboost", "{\"n_trees\": -3}"), "algorithm.hyperparameters.n_trees", "between 1 and 10000");
        jobs.assertRefused("train", CLASSIFY.formatted("xgboost", "{\"leaves\": 3}"), "algorithm.hyperparameters.leaves", "unknown hyperparameter");
        jobs.assertRefused("train", CLASSIFY.formatted("linear_regression", "{}"), "algorithm.name", "cannot do multiclass_classification");
        jobs.assertRefused("train", CLASSIFY.formatted("cart", "{}").replace("\"version\": 1", "\"version\": 9"), "dataset", "version 9");
        jobs.upload("quarantined", "a,b\n1,x\n2,y\n3,x\n".getBytes(StandardCharsets.UTF_8));
        assertThat(http.post("/api/v1/datasets/quarantined/versions/1/quarantine", admin, "{\"reason\": \"bad source\"}").statusCode()).isEqualTo(200);
        jobs.assertRefused("train", "{\"dataset\": {\"name\": \"quarantined\"}, \"target\": \"b\", \"task\": \"binary_classification\","
                + " \"algorithm\": {\"name\": \"cart\"}}", "override_reason", "is quarantined");
        assertThat(jobs.jobCount()).isEqualTo(before);

        jobs.awaitSuccess(submit("{\"dataset\": {\"name\": \"quarantined\"}, \"target\": \"b\", \"task\": \"binary_classification\","
                + " \"algorithm\": {\"name\": \"cart\"}, \"override_reason\": \"known issue, training a baseline\"}"));
        JsonNode overrides = json(http.get("/api/v1/audit?action=dataset.version.override", admin)).get("events");
        assertThat(overrides.toString()).contains("known issue, training a baseline", "training");
    }

    @Test
    void aDivergingTrialIsStoppedAndMarked() {
        JsonNode job = submit(REGRESS.formatted("linear_regression", "{\"optimizer\": \"sgd\", \"learning_rate\": 1000000, \"epochs\": 5}"));
        JsonNode done = jobs.awaitEnd(job.get("id").asText());
        assertThat(done.get("status").asText()).isEqualTo("failed");
        assertThat(done.get("message").asText()).contains("divergence guardrail");
        JsonNode run = json(http.get("/api/2.0/mlflow/runs/get?run_id=" + done.get("run_id").asText(), admin)).get("run");
        assertThat(run.at("/data/tags").toString()).contains("steward.guardrail", "divergence");
        JsonNode events = json(http.get("/api/v1/audit?object_id=" + done.get("id").asText(), admin)).get("events");
        assertThat(events).extracting(e -> e.get("action").asText()).contains("job.submit", "job.start", "job.guardrail", "job.finish");
    }

    @Test
    void aModelIsEvaluatedInOnnxRuntimeAndTheEvaluationIsARun() {
        JsonNode job = jobs.awaitSuccess(submit(CLASSIFY.formatted("cart", "{\"max_depth\": 4}")));
        HttpResponse<String> response = http.post("/api/v1/evaluations", admin, "{\"run_id\": \"" + job.get("run_id").asText()
                + "\", \"dataset\": \"penguins\", \"version\": 1}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode report = json(response);
        assertThat(report.get("rows").asInt()).isEqualTo(344);
        assertThat(report.at("/metrics/accuracy").asDouble()).isGreaterThan(0.9);
        assertThat(report.get("confusion_matrix")).hasSize(3);
        long total = 0;
        for (JsonNode row : report.get("confusion_matrix")) {
            for (JsonNode count : row) {
                total += count.asLong();
            }
        }
        assertThat(total).isEqualTo(344);
        JsonNode run = json(http.get("/api/2.0/mlflow/runs/get?run_id=" + report.get("evaluation_run_id").asText(), admin)).get("run");
        assertThat(run.at("/info/status").asText()).isEqualTo("FINISHED");
        assertThat(run.at("/data/tags").toString()).contains("steward.evaluation.model_run_id", job.get("run_id").asText());
        assertThat(run.at("/data/metrics").toString()).contains("accuracy", "log_loss");
        assertThat(run.at("/inputs/dataset_inputs").toString()).contains("penguins");

        String noPackage = json(http.post("/api/2.0/mlflow/runs/create", admin, "{\"experiment_id\": \"0\"}")).at("/run/info/run_id").asText();
        HttpResponse<String> refused = http.post("/api/v1/evaluations", admin, "{\"run_id\": \"" + noPackage
                + "\", \"dataset\": \"penguins\", \"version\": 1}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).get("message").asText()).contains("has no model package");
        HttpResponse<String> missingVersion = http.post("/api/v1/evaluations", admin, "{\"run_id\": \"" + job.get("run_id").asText()
                + "\", \"dataset\": \"penguins\"}");
        assertThat(json(missingVersion).get("field").asText()).isEqualTo("version");
    }

    @Test
    void anEditorMayTrainButNotRunACommand() {
        String editor = json(http.post("/api/v1/tokens", admin, "{\"name\": \"trainer\", \"role\": \"editor\"}")).get("secret").asText();
        assertThat(http.post("/api/v1/jobs", editor, "{\"kind\": \"train\", \"spec\": " + CLASSIFY.formatted("cart", "{}") + "}")
                .statusCode()).isEqualTo(201);
        HttpResponse<String> command = http.post("/api/v1/jobs", editor, "{\"kind\": \"command\", \"spec\": {\"command\": \"true\"}}");
        assertThat(command.statusCode()).isEqualTo(403);
        assertThat(json(command).get("message").asText()).contains("needs the admin role");
    }

    private static List<Tensor> inputs(List<String[]> expected, JsonNode manifest) {
        List<Tensor> inputs = new ArrayList<>();
        for (JsonNode input : manifest.get("inputs")) {
            String name = input.get("name").asText();
            int column = header.indexOf(name);
            boolean strings = input.get("datatype").asText().equals("BYTES");
            String[] texts = new String[expected.size()];
            double[] numbers = new double[expected.size()];
            for (int i = 0; i < expected.size(); i++) {
                texts[i] = rows.get(Integer.parseInt(expected.get(i)[0]))[column].trim();
                numbers[i] = strings || texts[i].isEmpty() ? Double.NaN : Double.parseDouble(texts[i]);
            }
            inputs.add(strings ? Tensor.column(name, texts) : Tensor.column(name, numbers));
        }
        return inputs;
    }

    private static double[] sorted(double[] values) {
        double[] copy = values.clone();
        java.util.Arrays.sort(copy);
        return copy;
    }

    private static List<String[]> csv(byte[] content) {
        List<String[]> lines = new ArrayList<>();
        String[] all = new String(content, StandardCharsets.UTF_8).split("\n");
        for (int i = 1; i < all.length; i++) {
            lines.add(all[i].split(","));
        }
        return lines;
    }

    private static byte[] artifact(RunInfo run, String path) throws IOException {
        try (InputStream in = server.steward().tracking().openRunArtifact(run, path)) {
            return in.readAllBytes();
        }
    }

    private static JsonNode submit(String spec) {
        return jobs.submit("train", 0, spec);
    }

    private static String digest(JsonNode job) {
        JsonNode run = json(http.get("/api/2.0/mlflow/runs/get?run_id=" + job.get("run_id").asText(), admin)).get("run");
        for (JsonNode tag : run.at("/data/tags")) {
            if (tag.get("key").asText().equals("steward.model.digest")) {
                return tag.get("value").asText();
            }
        }
        throw new AssertionError("no model digest on " + run);
    }
}
