package dev.steward.server.mlflow;

import static dev.steward.server.mlflow.MlflowRegistryFixture.API;
import static dev.steward.server.mlflow.MlflowRegistryFixture.ONNX_FOLDER;
import static dev.steward.server.mlflow.MlflowRegistryFixture.PICKLE_FOLDER;
import static dev.steward.server.mlflow.MlflowRegistryFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.server.HttpTestClient;
import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mlflow.register_model("runs:/<run>/model", name)} as MLflow's Python client sends it,
 * over plain HTTP, for the folders {@code mlflow.<flavor>.log_model} writes into a run.
 */
class MlflowRegisterModelTest {
    @TempDir
    static Path home;

    static StewardServer server;
    static HttpTestClient http;
    static String token;
    static MlflowRegistryFixture fixture;

    @BeforeAll
    static void start() {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))));
        http = new HttpTestClient(server.uri());
        token = server.createdAdminToken().orElseThrow();
        fixture = new MlflowRegistryFixture(http, token, "register-model");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anOnnxFlavoredModelBecomesAReadyVersionAndRegisteringAgainAddsTheNext() {
        JsonNode first = fixture.runWithModel(ONNX_FOLDER);
        JsonNode second = fixture.runWithModel(ONNX_FOLDER);

        JsonNode one = fixture.registerModel(first.get("run_id").asText(), "from-onnx");
        // The second register_model finds the registered model already there (RESOURCE_ALREADY_EXISTS) and goes on.
        JsonNode two = fixture.registerModel(second.get("run_id").asText(), "from-onnx");

        assertThat(one.get("status").asText()).isEqualTo("READY");
        assertThat(one.get("version").asText()).isEqualTo("1");
        assertThat(one.get("source").asText()).isEqualTo(first.get("artifact_uri").asText() + "/model");
        assertThat(one.has("status_message")).isFalse();
        assertThat(two.get("version").asText()).isEqualTo("2");
        assertThat(two.get("run_id").asText()).isEqualTo(second.get("run_id").asText());
        // The native API shows the same version, servable: a package with its ONNX graph.
        JsonNode nativeView = ok(http.get("/api/v1/models/from-onnx/versions/1", token));
        assertThat(nativeView.get("status").asText()).isEqualTo("ready");
        assertThat(nativeView.get("model_digest").asText()).matches("[0-9a-f]{64}");
    }

    @Test
    void aPickledModelIsRegisteredAsFailedWithHowToConvertIt() {
        JsonNode run = fixture.runWithModel(PICKLE_FOLDER);

        JsonNode version = fixture.registerModel(run.get("run_id").asText(), "from-pickle");

        assertThat(version.get("status").asText()).isEqualTo("FAILED_REGISTRATION");
        assertThat(version.get("status_message").asText()).contains("ONNX").containsIgnoringCase("convert");
        assertThat(version.get("current_stage").asText()).isEqualTo("None");
        // A version that failed registration is never promoted: the safety criterion says why.
        HttpResponse<String> refused = http.post(API + "/model-versions/transition-stage", token, "{\"name\": \"from-pickle\","
                + " \"version\": \"1\", \"stage\": \"Staging\", \"archive_existing_versions\": false}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(GoldenJson.json(refused).get("message").asText()).contains("version_ready").contains("observed failed");
    }
}
