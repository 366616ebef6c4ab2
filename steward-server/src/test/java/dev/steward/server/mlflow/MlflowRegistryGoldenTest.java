package dev.steward.server.mlflow;

import static dev.steward.server.mlflow.GoldenJson.json;
import static dev.steward.server.mlflow.GoldenJson.matches;
import static dev.steward.server.mlflow.MlflowRegistryFixture.API;
import static dev.steward.server.mlflow.MlflowRegistryFixture.ONNX_FOLDER;
import static dev.steward.server.mlflow.MlflowRegistryFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.server.HttpTestClient;
import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MLflow registry API's responses and errors compared field by field with golden MLflow
 * responses ({@code src/test/resources/mlflow/golden}, see its README), over plain HTTP.
 */
class MlflowRegistryGoldenTest {
    @TempDir
    static Path home;

    static StewardServer server;
    static HttpTestClient http;
    static String admin;
    static MlflowRegistryFixture fixture;

    @BeforeAll
    static void start() {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))));
        http = new HttpTestClient(server.uri());
        admin = server.createdAdminToken().orElseThrow();
        fixture = new MlflowRegistryFixture(http, admin, "registry-golden");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theRegistryEndpointsAnswerExactlyAsMlflowDoes() {
        Map<String, String> vars = new HashMap<>();
        matches("registered-models-create.json", send("POST", "/registered-models/create", "{\"name\": \"golden-model\", \"description\":"
                + " \"fraud scores\", \"tags\": [{\"key\": \"team\", \"value\": \"risk\"}]}"), vars);
        JsonNode run = fixture.runWithModel(ONNX_FOLDER);
        matches("model-versions-create.json", send("POST", "/model-versions/create", "{\"name\": \"golden-model\", \"source\": \""
                + run.get("artifact_uri").asText() + "/model\", \"run_id\": \"" + run.get("run_id").asText() + "\", \"description\":"
                + " \"first cut\", \"tags\": [{\"key\": \"reviewed\", \"value\": \"no\"}]}"), vars);
        matches("empty.json", send("POST", "/registered-models/alias", "{\"name\": \"golden-model\", \"alias\": \"champion\","
                + " \"version\": \"1\"}"), vars);

        matches("model-versions-get.json", get("/model-versions/get?name=golden-model&version=1"), vars);
        matches("registered-models-get.json", get("/registered-models/get?name=golden-model"), vars);
        matches("registered-models-get-latest-versions.json", send("POST", "/registered-models/get-latest-versions",
                "{\"name\": \"golden-model\", \"stages\": [\"None\"]}"), vars);
        matches("registered-models-get-latest-versions.json", get("/registered-models/get-latest-versions?name=golden-model"), vars);
        matches("empty.json", get("/registered-models/get-latest-versions?name=golden-model&stages=Production&stages=Staging"), vars);
        matches("model-versions-search.json", get("/model-versions/search?filter=name%3D%27golden-model%27"), vars);
        matches("registered-models-search.json", get("/registered-models/search?filter=name%20LIKE%20%27golden-mod%25%27"), vars);
        matches("empty.json", get("/registered-models/search?filter=name%20%3D%20%27nothing%27"), vars);
        matches("model-versions-get-download-uri.json", get("/model-versions/get-download-uri?name=golden-model&version=1"), vars);

        matches("model-versions-update.json", send("PATCH", "/model-versions/update", "{\"name\": \"golden-model\", \"version\": \"1\","
                + " \"description\": \"reviewed\"}"), vars);
        matches("empty.json", send("POST", "/model-versions/set-tag", "{\"name\": \"golden-model\", \"version\": \"1\", \"key\":"
                + " \"reviewed\", \"value\": \"yes\"}"), vars);
        matches("empty.json", send("DELETE", "/model-versions/delete-tag", "{\"name\": \"golden-model\", \"version\": \"1\", \"key\":"
                + " \"reviewed\"}"), vars);
        matches("model-versions-transition-stage.json", send("POST", "/model-versions/transition-stage", "{\"name\": \"golden-model\","
                + " \"version\": \"1\", \"stage\": \"Production\", \"archive_existing_versions\": false}"), vars);
        matches("registered-models-get-by-alias.json", get("/registered-models/alias?name=golden-model&alias=champion"), vars);
        matches("registered-models-get-by-alias.json", get("/registered-models/alias?name=golden-model&alias=production"), vars);
        matches("registered-models-update.json", send("PATCH", "/registered-models/update", "{\"name\": \"golden-model\","
                + " \"description\": \"fraud scores, v2\"}"), vars);
        matches("empty.json", send("POST", "/registered-models/set-tag", "{\"name\": \"golden-model\", \"key\": \"k\", \"value\": \"v\"}"),
                vars);
        matches("empty.json", send("DELETE", "/registered-models/delete-tag", "{\"name\": \"golden-model\", \"key\": \"k\"}"), vars);
        matches("empty.json", send("DELETE", "/registered-models/alias", "{\"name\": \"golden-model\", \"alias\": \"champion\"}"), vars);
    }

    @Test
    void errorsAreMlflowsCodesAndMessages() {
        Map<String, String> vars = new HashMap<>();
        send("POST", "/registered-models/create", "{\"name\": \"golden-errors\"}");

        error(404, "error-registered-model-not-found.json", http.get(API + "/registered-models/get?name=no-such-model", admin), vars);
        error(400, "error-registered-model-exists.json", http.post(API + "/registered-models/create", admin,
                "{\"name\": \"golden-errors\"}"), vars);
        error(404, "error-model-version-not-found.json", http.get(API + "/model-versions/get?name=golden-errors&version=9", admin), vars);
        error(400, "error-model-version-not-a-number.json", http.get(API + "/model-versions/get?name=golden-errors&version=latest", admin),
                vars);
        error(400, "error-max-results.json", http.get(API + "/registered-models/search?max_results=1001", admin), vars);
        // The registered model is checked first, as in MLflow: the source is not even read.
        error(404, "error-registered-model-not-found.json", http.post(API + "/model-versions/create", admin,
                "{\"name\": \"no-such-model\", \"source\": \"s3://bucket/model\"}"), vars);

        assertError(http.get(API + "/registered-models/alias?name=golden-errors&alias=nope", admin), 404, "RESOURCE_DOES_NOT_EXIST",
                "Registered model alias nope not found");
        assertError(http.post(API + "/registered-models/create", admin, "{\"name\": \"not a name!\"}"), 400, "INVALID_PARAMETER_VALUE",
                "Invalid model name 'not a name!'");
        assertError(http.post(API + "/registered-models/create", admin, "{}"), 400, "INVALID_PARAMETER_VALUE",
                "Missing value for required parameter 'name'");
        assertError(http.get(API + "/model-versions/search?max_results=0", admin), 400, "INVALID_PARAMETER_VALUE",
                "Invalid value for max_results. It must be a positive integer, but got 0");
        assertError(http.get(API + "/model-versions/search?max_results=200001", admin), 400, "INVALID_PARAMETER_VALUE",
                "It must be at most 200000, but got value 200001");
        assertError(http.get(API + "/model-versions/search?filter=stage%20%3D%20%27x%27", admin), 400, "INVALID_PARAMETER_VALUE",
                "unknown field 'stage'");
        assertError(http.get(API + "/registered-models/search?page_token=not-a-token", admin), 400, "INVALID_PARAMETER_VALUE",
                "Invalid page token");
        assertError(http.post(API + "/model-versions/create", admin, "{\"name\": \"golden-errors\", \"source\": \"s3://bucket/model\"}"), 400,
                "INVALID_PARAMETER_VALUE", "is not an artifact location Steward holds");
    }

    @Test
    void stageErrorsAndRolesAreMlflowsErrors() {
        Map<String, String> vars = new HashMap<>();
        JsonNode run = fixture.runWithModel(ONNX_FOLDER);
        assertThat(fixture.registerModel(run.get("run_id").asText(), "golden-stages").get("status").asText()).isEqualTo("READY");

        error(400, "error-model-version-stage.json", transition(admin, "golden-stages", "Canary", false), vars);
        assertError(transition(admin, "golden-stages", "Archived", true), 400, "INVALID_PARAMETER_VALUE",
                "Model version transition cannot archive existing model versions because 'Archived' is not an Active stage."
                        + " Valid stages are ['Staging', 'Production']");

        String viewer = token("viewer");
        String editor = token("editor");
        assertThat(http.get(API + "/model-versions/get?name=golden-stages&version=1", viewer).statusCode()).isEqualTo(200);
        assertError(http.post(API + "/registered-models/create", viewer, "{\"name\": \"by-a-viewer\"}"), 403, "PERMISSION_DENIED",
                "needs role 'editor'");
        assertError(http.send("DELETE", API + "/registered-models/delete", viewer, "{\"name\": \"golden-stages\"}"), 403,
                "PERMISSION_DENIED", "needs role 'editor'");
        assertError(transition(editor, "golden-stages", "Staging", false), 403, "PERMISSION_DENIED", "needs role 'deployer'");
        assertThat(transition(token("deployer"), "golden-stages", "Staging", false).statusCode()).isEqualTo(200);

        // A version in an environment is not deleted (nor its model): MLflow's INVALID_STATE, 400 on MLflow's paths.
        assertError(http.send("DELETE", API + "/model-versions/delete", admin, "{\"name\": \"golden-stages\", \"version\": \"1\"}"), 400,
                "INVALID_STATE", "holds [staging]");
        assertError(http.send("DELETE", API + "/registered-models/delete", admin, "{\"name\": \"golden-stages\"}"), 400, "INVALID_STATE",
                "cannot be deleted");
    }

    @Test
    void aTransitionThePolicyRefusesNamesTheFailedCriterionAndTheReport() {
        JsonNode run = fixture.runWithModel(ONNX_FOLDER);
        fixture.registerModel(run.get("run_id").asText(), "golden-policy");
        HttpResponse<String> policy = http.send("PUT", "/api/v1/models/golden-policy/policies/production", admin,
                "criteria:\n  - package_size: {max_bytes: 1}\n");
        assertThat(policy.statusCode()).as(policy.body()).isEqualTo(200);

        HttpResponse<String> refused = transition(admin, "golden-policy", "Production", false);

        assertError(refused, 400, "INVALID_STATE", "Model Version (name=golden-policy, version=1) was not moved to Production");
        String message = json(refused).get("message").asText();
        assertThat(message).containsPattern("package_size \\(ONNX graph of at most 1 bytes\\): observed [0-9]+ bytes, expected <= 1 bytes")
                .doesNotContain("version_ready");
        String reportId = message.replaceAll(".*Promotion report (rep_[0-9a-f]{16}).*", "$1");
        JsonNode report = ok(http.get("/api/v1/promotion-reports/" + reportId, admin));
        assertThat(report.get("passed").asBoolean()).isFalse();
        assertThat(report.get("promoted").asBoolean()).isFalse();
        assertThat(ok(http.get(API + "/model-versions/get?name=golden-policy&version=1", admin)).at("/model_version/current_stage").asText())
                .isEqualTo("None");
        // Staging has no policy: the same version goes there.
        assertThat(transition(admin, "golden-policy", "Staging", false).statusCode()).isEqualTo(200);
    }

    @Test
    void anUploadedOnnxGraphDownloadsFromItsBlob() {
        byte[] graph = readResource(ONNX_FOLDER + "/model.onnx");
        HttpResponse<String> stored = http.put("/api/v1/artifacts", admin, graph);
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
        String sha256 = json(stored).get("sha256").asText();
        HttpResponse<String> registered = http.post("/api/v1/models/golden-upload/versions", admin, "{\"onnx_sha256\": \"" + sha256
                + "\", \"signature\": {\"classes\": [\"Adelie\", \"Chinstrap\", \"Gentoo\"], \"target\": \"species\", \"inputs\":"
                + " [{\"name\": \"float_input\", \"columns\": [\"beak_length_mm\", \"beak_depth_mm\", \"flipper_length_mm\","
                + " \"body_mass_g\"]}]}}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);

        String uri = get("/model-versions/get-download-uri?name=golden-upload&version=1").get("artifact_uri").asText();

        assertThat(uri).isEqualTo(server.uri() + "/api/v1/artifacts/" + sha256);
        HttpResponse<byte[]> download = http.getBytes(uri.substring(server.uri().toString().length()), admin);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(graph);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static JsonNode send(String method, String path, String body) {
        return ok(http.send(method, API + path, admin, body));
    }

    private static JsonNode get(String path) {
        return ok(http.get(API + path, admin));
    }

    private static HttpResponse<String> transition(String token, String name, String stage, boolean archiveExisting) {
        return http.post(API + "/model-versions/transition-stage", token, "{\"name\": \"" + name + "\", \"version\": \"1\", \"stage\": \""
                + stage + "\", \"archive_existing_versions\": " + archiveExisting + "}");
    }

    private static void error(int status, String golden, HttpResponse<String> response, Map<String, String> vars) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        matches(golden, json(response), vars);
    }

    private static void assertError(HttpResponse<String> response, int status, String code, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = json(response);
        assertThat(error.get("error_code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).contains(message);
        assertThat(error.has("field")).as("MLflow's error shape has no field").isFalse();
    }

    private static String token(String role) {
        HttpResponse<String> created = http.post("/api/v1/tokens", admin, "{\"name\": \"mlflow-" + role + "\", \"role\": \"" + role + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created).get("secret").asText();
    }

    private static byte[] readResource(String path) {
        try (InputStream in = MlflowRegistryGoldenTest.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
