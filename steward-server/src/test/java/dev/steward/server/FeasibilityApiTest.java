package dev.steward.server;

import static dev.steward.server.StewardServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.core.util.Digests;
import dev.steward.server.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feasibility studies through the real server on SQLite: the report, the run that keeps it, and every bad input as a 4xx. */
class FeasibilityApiTest {
    @TempDir
    static Path home;

    static StewardServer server;
    static HttpTestClient http;
    static String admin;
    static byte[] penguins;

    @BeforeAll
    static void start() throws IOException {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))));
        http = new HttpTestClient(server.uri());
        admin = server.createdAdminToken().orElseThrow();
        try (InputStream in = FeasibilityApiTest.class.getResourceAsStream("/data/penguins.csv")) {
            penguins = in.readAllBytes();
        }
        assertThat(upload("penguins", penguins).statusCode()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aStudyOfThePenguinsSaysTheSpeciesArePredictableAndIsKeptAsARunWithTheVersionAsInput() {
        HttpResponse<String> response = http.post("/api/v1/feasibility", token("editor"), "{\"dataset\": \"penguins\", \"version\": 1,"
                + " \"target\": \"species\", \"target_accuracy\": 0.95}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode report = json(response);
        assertThat(report.get("features")).extracting(JsonNode::asText).containsExactly("island", "beak_length_mm", "beak_depth_mm",
                "flipper_length_mm", "body_mass_g", "sex");
        assertThat(report.get("classes")).extracting(JsonNode::asText).containsExactly("Adelie", "Chinstrap", "Gentoo");
        assertThat(report.at("/rows/in_version").asInt()).isEqualTo(344);
        assertThat(report.at("/rows/train").asInt() + report.at("/rows/test").asInt()).isEqualTo(344);
        assertThat(report.at("/estimate/ber_lower").asDouble()).isLessThan(0.03);
        assertThat(report.at("/estimate/max_accuracy").asDouble()).isGreaterThan(0.97);
        assertThat(report.get("target_supported").asBoolean()).isTrue();
        assertThat(report.get("summary").asText()).startsWith("No model can exceed about ").contains("The data supports the target 95%");
        assertThat(report.at("/feebee/behaves").asBoolean()).isTrue();
        assertThat(report.at("/feebee/levels")).hasSize(4);
        assertThat(report.get("candidates").findValuesAsText("name")).containsExactly("standardised", "pca-2", "pca-5", "pca-10",
                "random-projection-5");
        assertThat(report.at("/learning_curve/points").size()).isGreaterThanOrEqualTo(4);

        String runId = report.get("run_id").asText();
        JsonNode run = json(http.get("/api/2.0/mlflow/runs/get?run_id=" + runId, admin)).get("run");
        assertThat(run.at("/info/status").asText()).isEqualTo("FINISHED");
        JsonNode experiment = json(http.get("/api/2.0/mlflow/experiments/get?experiment_id=" + run.at("/info/experiment_id").asText(), admin));
        assertThat(experiment.at("/experiment/name").asText()).isEqualTo("feasibility/penguins");
        assertThat(run.at("/data/params").toString()).contains("\"target\"", "species", "\"transforms\"", "random-projection-5",
                "\"max_rows\"", "20000", "\"seed\"");
        assertThat(run.at("/data/metrics").findValuesAsText("key")).contains("ber_lower", "ber_upper", "knn_error", "max_accuracy",
                "feebee_behaves", "knn_accuracy_at_10x", "target_supported");
        assertThat(run.at("/data/tags").toString()).contains("steward.feasibility.dataset", "penguins@1", "steward.feasibility.verdict",
                "supported");
        JsonNode input = run.at("/inputs/dataset_inputs/0");
        assertThat(input.at("/dataset/digest").asText()).isEqualTo(Digests.sha256Hex(penguins));
        assertThat(input.get("tags").toString()).contains("mlflow.data.context", "feasibility");
        assertThat(json(http.get("/api/v1/lineage/datasets/penguins/1", admin)).get("runs").findValuesAsText("run_id")).contains(runId);

        String artifact = run.at("/info/artifact_uri").asText().replace("mlflow-artifacts:/", "/api/2.0/mlflow-artifacts/artifacts/")
                + "/feasibility.json";
        JsonNode kept = json(http.get(artifact, admin));
        assertThat(kept.get("estimate")).isEqualTo(report.get("estimate"));
        assertThat(kept.get("summary")).isEqualTo(report.get("summary"));
    }

    @Test
    void theSameStudyWithTheSameSeedGivesTheSameEstimatesAndChosenFeaturesAreHonoured() {
        String body = "{\"dataset\": \"penguins\", \"version\": 1, \"target\": \"species\", \"features\": [\"beak_length_mm\","
                + " \"beak_depth_mm\"], \"seed\": 7, \"max_rows\": 300}";
        JsonNode first = json(http.post("/api/v1/feasibility", admin, body));
        JsonNode second = json(http.post("/api/v1/feasibility", admin, body));

        assertThat(first.get("features")).extracting(JsonNode::asText).containsExactly("beak_length_mm", "beak_depth_mm");
        assertThat(first.at("/rows/sampled").asInt()).isEqualTo(300);
        assertThat(first.at("/rows/labelled").asInt()).isEqualTo(300);
        assertThat(first.get("dimensions").asInt()).isEqualTo(4);
        assertThat(second.get("estimate")).isEqualTo(first.get("estimate"));
        assertThat(second.get("candidates")).isEqualTo(first.get("candidates"));
        assertThat(second.get("run_id")).isNotEqualTo(first.get("run_id"));
        assertThat(first.has("target_supported")).isFalse();
    }

    @Test
    void badInputIsAClearClientErrorNamingTheField() {
        String editor = token("editor");
        assertError(post(editor, "{\"dataset\": \"nothing\", \"version\": 1, \"target\": \"species\"}"), 404, null, "dataset 'nothing' has no version 1");
        assertError(post(editor, "{\"dataset\": \"penguins\", \"version\": 9, \"target\": \"species\"}"), 404, null, "has no version 9");
        assertError(post(editor, "{\"dataset\": \"penguins\", \"target\": \"species\"}"), 400, "version", "'version' is required");
        assertError(post(editor, "{\"dataset\": \"penguins\", \"version\": 1}"), 400, "target", "'target' is required");
        assertError(post(editor, "{\"dataset\": \"penguins\", \"version\": 1, \"target\": \"wingspan\"}"), 400, "target",
                "has no column 'wingspan'; its columns: species, island");
        assertError(post(editor, "{\"dataset\": \"penguins\", \"version\": 1, \"target\": \"species\", \"features\": [\"island\", \"colour\"]}"),
                400, "features", "has no column 'colour'");
        assertError(post(editor, "{\"dataset\": \"penguins\", \"version\": 1, \"target\": \"species\", \"features\": [\"species\"]}"), 400,
                "features", "is the target");
        assertError(post(editor, "{\"dataset\": \"penguins\", \"version\": 1, \"target\": \"species\", \"features\": []}"), 400, "features",
                "at least one column");
        assertError(post(editor, "{\"dataset\": \"penguins\", \"version\": 1, \"target\": \"body_mass_g\"}"), 400, "target",
                "is numeric with 94 distinct values: a feasibility study is for classification");
        assertError(post(editor, "{\"dataset\": \"penguins\", \"version\": 1, \"target\": \"species\", \"max_rows\": 10}"), 400, "max_rows",
                "between 20 and 200000");
        assertError(post(editor, "{\"dataset\": \"penguins\", \"version\": 1, \"target\": \"species\", \"max_rows\": 200001}"), 400,
                "max_rows", "between 20 and 200000");
        assertError(post(editor, "{\"dataset\": \"penguins\", \"version\": 1, \"target\": \"species\", \"target_accuracy\": 95}"), 400,
                "target_accuracy", "0.95 for 95%");
        assertError(post(editor, "{\"dataset\": \"penguins\", \"version\": 1, \"target\": \"species\", \"target_accuracy\": NaN}"), 400,
                "target_accuracy", "fraction in (0, 1]");
        assertError(post(editor, "{\"dataset\": \"penguins\", \"version\": 1, \"target\": \"species\", \"rows\": 5}"), 400, "rows",
                "unknown field 'rows'");
        assertThat(post(token("viewer"), "{\"dataset\": \"penguins\", \"version\": 1, \"target\": \"species\"}").statusCode()).isEqualTo(403);
    }

    @Test
    void targetsThatAreNoClassificationOrTooFewRowsAreRefused() {
        StringBuilder ids = new StringBuilder("id,x\n");
        StringBuilder small = new StringBuilder("label,x\n");
        StringBuilder constant = new StringBuilder("label,x\n");
        for (int i = 0; i < 1_200; i++) {
            ids.append("c").append(i).append(',').append(i % 7).append('\n');
            constant.append("same,").append(i).append('\n');
        }
        for (int i = 0; i < 15; i++) {
            small.append(i % 2 == 0 ? "a" : "b").append(',').append(i).append('\n');
        }
        upload("ids", ids.toString().getBytes(StandardCharsets.UTF_8));
        upload("small", small.toString().getBytes(StandardCharsets.UTF_8));
        upload("constant", constant.toString().getBytes(StandardCharsets.UTF_8));

        assertError(post(admin, "{\"dataset\": \"ids\", \"version\": 1, \"target\": \"id\"}"), 400, "target", "at most 1000 classes");
        assertError(post(admin, "{\"dataset\": \"small\", \"version\": 1, \"target\": \"label\"}"), 400, "target",
                "has 15 rows with a value of 'label'; a feasibility study needs at least 20");
        assertError(post(admin, "{\"dataset\": \"constant\", \"version\": 1, \"target\": \"label\"}"), 400, "target",
                "a classification needs at least two classes");
        // A column of ids is still a feature (one indicator per id seen in training: they never repeat), and 20 sampled rows are enough.
        HttpResponse<String> few = post(admin, "{\"dataset\": \"ids\", \"version\": 1, \"target\": \"x\", \"features\": [\"id\"],"
                + " \"max_rows\": 20}");
        assertThat(few.statusCode()).as(few.body()).isEqualTo(200);
        assertThat(json(few).at("/rows/sampled").asInt()).isEqualTo(20);
        assertThat(json(few).at("/rows/train").asInt()).isEqualTo(json(few).get("dimensions").asInt());
    }

    @Test
    void aQuarantinedVersionIsStudiedOnlyWithAnAuditedOverride() {
        upload("held", penguins);
        assertThat(http.post("/api/v1/datasets/held/versions/1/quarantine", admin, "{\"reason\": \"labels under review\"}").statusCode())
                .isEqualTo(200);

        assertError(post(admin, "{\"dataset\": \"held\", \"version\": 1, \"target\": \"species\"}"), 409, null, "is quarantined");
        HttpResponse<String> overridden = post(admin, "{\"dataset\": \"held\", \"version\": 1, \"target\": \"species\", \"override_reason\":"
                + " \"checking what the labels allow\"}");
        assertThat(overridden.statusCode()).as(overridden.body()).isEqualTo(200);
        JsonNode audit = json(http.get("/api/v1/audit?action=dataset.version.override", admin)).get("events");
        assertThat(audit.toString()).contains("a feasibility study", "checking what the labels allow");
    }

    private static HttpResponse<String> post(String token, String body) {
        return http.post("/api/v1/feasibility", token, body);
    }

    private static void assertError(HttpResponse<String> response, int status, String field, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        if (status >= 400) {
            JsonNode error = json(response);
            assertThat(error.path("field").asText(null)).as(response.body()).isEqualTo(field);
            assertThat(error.get("message").asText()).contains(message);
        }
    }

    private static String token(String role) {
        return json(http.post("/api/v1/tokens", admin, "{\"name\": \"" + role + "-feasibility\", \"role\": \"" + role + "\"}")).get("secret")
                .asText();
    }

    private static HttpResponse<String> upload(String dataset, byte[] content) {
        return http.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/datasets/" + dataset + "/versions?file_name=" + dataset + ".csv"))
                .header("Authorization", "Bearer " + admin)
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)));
    }
}
