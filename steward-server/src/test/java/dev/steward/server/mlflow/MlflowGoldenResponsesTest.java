package dev.steward.server.mlflow;

import static dev.steward.server.mlflow.GoldenJson.json;
import static dev.steward.server.mlflow.GoldenJson.matches;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.server.HttpTestClient;
import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MLflow API's responses compared field by field with golden MLflow responses
 * ({@code src/test/resources/mlflow/golden}, see its README and {@link GoldenJson}), plus its
 * errors, limits and the artifact proxy over plain HTTP.
 */
class MlflowGoldenResponsesTest {
    private static final String API = "/api/2.0/mlflow";

    @TempDir
    static Path home;

    static StewardServer server;
    static HttpTestClient http;
    static String token;

    @BeforeAll
    static void start() {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))));
        http = new HttpTestClient(server.uri());
        token = server.createdAdminToken().orElseThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theMainEndpointsAnswerExactlyAsMlflowDoes() {
        Map<String, String> vars = new HashMap<>();
        JsonNode created = post("/experiments/create", "{\"name\": \"golden\", \"tags\": [{\"key\": \"team\", \"value\": \"fraud\"}]}");
        matches("experiments-create.json", created, vars);
        matches("experiments-get.json", get("/experiments/get?experiment_id=" + vars.get("experiment_id")), vars);

        JsonNode run = post("/runs/create", "{\"experiment_id\": \"" + vars.get("experiment_id") + "\", \"user_id\": \"alice\","
                + " \"start_time\": \"1700000000000\", \"run_name\": \"golden-run\", \"tags\": [{\"key\": \"mlflow.user\", \"value\": \"alice\"}]}");
        matches("runs-create.json", run, vars);
        String runId = vars.get("run_id");

        matches("empty.json", post("/runs/log-parameter", "{\"run_id\": \"" + runId + "\", \"key\": \"max_depth\", \"value\": \"7\"}"), vars);
        matches("empty.json", post("/runs/log-metric", "{\"run_id\": \"" + runId + "\", \"key\": \"acc\", \"value\": 0.81,"
                + " \"timestamp\": 1700000000500, \"step\": 1}"), vars);
        matches("empty.json", post("/runs/log-batch", "{\"run_id\": \"" + runId + "\", \"metrics\": [{\"key\": \"acc\", \"value\": 0.93,"
                + " \"timestamp\": 1700000001000, \"step\": 2}]}"), vars);
        matches("empty.json", post("/runs/log-inputs", "{\"run_id\": \"" + runId + "\", \"datasets\": [{\"tags\": [{\"key\":"
                + " \"mlflow.data.context\", \"value\": \"training\"}], \"dataset\": {\"name\": \"penguins\", \"digest\": \"d4e5f6a7\","
                + " \"source_type\": \"local\", \"source\": \"{\\\"uri\\\": \\\"penguins.csv\\\"}\"}}]}"), vars);
        matches("runs-update.json", post("/runs/update", "{\"run_id\": \"" + runId + "\", \"status\": \"FINISHED\","
                + " \"end_time\": 1700000060000}"), vars);
        matches("runs-get.json", get("/runs/get?run_id=" + runId), vars);
        matches("metrics-get-history.json", get("/metrics/get-history?run_id=" + runId + "&metric_key=acc"), vars);
        matches("runs-search-empty.json", post("/runs/search", "{\"experiment_ids\": [\"" + vars.get("experiment_id") + "\"],"
                + " \"filter\": \"metrics.acc > 0.99\"}"), vars);

        String root = "/api/2.0/mlflow-artifacts/artifacts/" + vars.get("experiment_id") + "/" + runId + "/artifacts/";
        assertThat(http.put(root + "notes.txt", token, "hello".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
        assertThat(http.put(root + "model/MLmodel", token, "flavors: {}".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
        matches("artifacts-list.json", get("/artifacts/list?run_id=" + runId), vars);

        HttpResponse<String> missing = http.get(API + "/runs/get?run_id=0123456789abcdef0123456789abcdef", token);
        assertThat(missing.statusCode()).isEqualTo(404);
        matches("error-run-not-found.json", json(missing), vars);
    }

    @Test
    void theArtifactProxyUploadsDownloadsListsAndDeletes() {
        String base = "/api/2.0/mlflow-artifacts/artifacts";
        byte[] model = "onnx bytes".getBytes(StandardCharsets.UTF_8);
        assertThat(http.put(base + "/9/abc/artifacts/model/model.onnx", token, model).statusCode()).isEqualTo(200);
        assertThat(http.put(base + "/9/abc/artifacts/readme.md", token, "# hi".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);

        HttpResponse<String> download = http.get(base + "/9/abc/artifacts/model/model.onnx", token);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo("onnx bytes");

        JsonNode listing = json(http.get(base + "?path=9/abc/artifacts", token));
        assertThat(listing.get("files")).extracting(f -> f.get("path").asText() + ":" + f.get("is_dir").asBoolean())
                .containsExactly("model:true", "readme.md:false");

        assertThat(http.delete(base + "/9/abc/artifacts/readme.md", token).statusCode()).isEqualTo(200);
        assertThat(http.get(base + "/9/abc/artifacts/readme.md", token).statusCode()).isEqualTo(404);
        assertThat(json(http.get(base + "/9/abc/artifacts/..%2F..%2Fsecret", token)).get("error_code").asText())
                .isIn("INVALID_PARAMETER_VALUE", "RESOURCE_DOES_NOT_EXIST");
    }

    @Test
    void badInputGetsMlflowsErrorCodes() {
        String runId = post("/runs/create", "{\"experiment_id\": \"0\"}").at("/run/info/run_id").asText();

        StringBuilder metrics = new StringBuilder();
        for (int i = 0; i < 1001; i++) {
            metrics.append(i == 0 ? "" : ",").append("{\"key\": \"m\", \"value\": 1, \"timestamp\": 1, \"step\": ").append(i).append('}');
        }
        HttpResponse<String> oversized = http.post(API + "/runs/log-batch", token, "{\"run_id\": \"" + runId + "\", \"metrics\": [" + metrics + "]}");
        assertThat(oversized.statusCode()).isEqualTo(400);
        assertThat(json(oversized).get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(json(oversized).get("message").asText()).contains("at most 1000 metrics");

        HttpResponse<String> missingKey = http.post(API + "/runs/log-metric", token, "{\"run_id\": \"" + runId + "\", \"value\": 1, \"timestamp\": 1}");
        assertThat(json(missingKey).get("message").asText()).contains("Missing value for required parameter 'key'");

        HttpResponse<String> badName = http.post(API + "/runs/log-parameter", token, "{\"run_id\": \"" + runId + "\", \"key\": \"a*b\", \"value\": \"1\"}");
        assertThat(json(badName).get("message").asText()).contains("Invalid parameter name: 'a*b'");

        HttpResponse<String> wrongType = http.post(API + "/runs/log-metric", token, "{\"run_id\": \"" + runId + "\", \"key\": \"k\","
                + " \"value\": \"high\", \"timestamp\": 1}");
        assertThat(wrongType.statusCode()).isEqualTo(400);

        HttpResponse<String> malformed = http.post(API + "/runs/log-metric", token, "{\"run_id\": ");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).has("error_code")).isTrue();

        HttpResponse<String> badToken = http.post(API + "/runs/search", token, "{\"page_token\": \"not base64!\"}");
        assertThat(json(badToken).get("message").asText()).contains("Invalid page token");

        HttpResponse<String> tooMany = http.post(API + "/runs/search", token, "{\"max_results\": 50001}");
        assertThat(json(tooMany).get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");

        HttpResponse<String> noAuth = http.post(API + "/runs/search", null, "{}");
        assertThat(noAuth.statusCode()).isEqualTo(401);
        assertThat(json(noAuth).get("error_code").asText()).isEqualTo("UNAUTHENTICATED");

        assertThat(http.get("/health", null).statusCode()).isEqualTo(200);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static JsonNode post(String path, String body) {
        HttpResponse<String> response = http.post(API + path, token, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private static JsonNode get(String path) {
        HttpResponse<String> response = http.get(API + path, token);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }
}
