package dev.steward.server.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.server.HttpTestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the registry tests share: runs holding an MLflow model folder uploaded through the MLflow
 * artifact proxy (as {@code mlflow.<flavor>.log_model} does), and registration as
 * {@code mlflow.register_model} sends it, over plain HTTP.
 */
final class MlflowRegistryFixture {
    static final String API = "/api/2.0/mlflow";
    /** What {@code mlflow.onnx.log_model} writes: an {@code onnx}-flavored MLmodel and its graph. */
    static final String ONNX_FOLDER = "/model/external/mlflow-onnx";
    /** What {@code mlflow.sklearn.log_model} writes: a pickle, which Steward does not serve. */
    static final String PICKLE_FOLDER = "/model/external/mlflow-sklearn";

    private final HttpTestClient http;
    private final String token;
    private final String experimentId;

    MlflowRegistryFixture(HttpTestClient http, String token, String experimentName) {
        this.http = http;
        this.token = token;
        this.experimentId = ok(http.post(API + "/experiments/create", token, "{\"name\": \"" + experimentName + "\"}"))
                .get("experiment_id").asText();
    }

    /** A run of the fixture's experiment whose artifacts hold the folder under {@code model/}; its info as MLflow returns it. */
    JsonNode runWithModel(String folder) {
        JsonNode info = ok(http.post(API + "/runs/create", token, "{\"experiment_id\": \"" + experimentId + "\"}")).at("/run/info");
        Path root = resource(folder);
        for (Path file : files(root)) {
            String path = experimentId + "/" + info.get("run_id").asText() + "/artifacts/model/" + root.relativize(file).toString()
                    .replace('\\', '/');
            try {
                HttpResponse<String> put = http.put("/api/2.0/mlflow-artifacts/artifacts/" + path, token, Files.readAllBytes(file));
                assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return info;
    }

    /**
     * {@code mlflow.register_model("runs:/<run>/model", name)}'s requests: the run's artifact URI
     * from {@code runs/get}, {@code registered-models/create} (RESOURCE_ALREADY_EXISTS tolerated),
     * {@code model-versions/create} with the model folder's URI, then {@code model-versions/get}
     * until the status is no longer PENDING_REGISTRATION. Answers the last version read.
     */
    JsonNode registerModel(String runId, String name) {
        String artifactUri = ok(http.get(API + "/runs/get?run_id=" + runId, token)).at("/run/info/artifact_uri").asText();
        HttpResponse<String> created = http.post(API + "/registered-models/create", token, "{\"name\": \"" + name + "\"}");
        if (created.statusCode() != 200) {
            assertThat(GoldenJson.json(created).path("error_code").asText()).as(created.body()).isEqualTo("RESOURCE_ALREADY_EXISTS");
        }
        JsonNode version = ok(http.post(API + "/model-versions/create", token, "{\"name\": \"" + name + "\", \"source\": \"" + artifactUri
                + "/model\", \"run_id\": \"" + runId + "\"}")).get("model_version");
        for (int polls = 0; version.path("status").asText().equals("PENDING_REGISTRATION"); polls++) {
            assertThat(polls).as("still pending").isLessThan(100);
            version = ok(http.get(API + "/model-versions/get?name=" + name + "&version=" + version.get("version").asText(), token))
                    .get("model_version");
        }
        return version;
    }

    String experimentId() {
        return experimentId;
    }

    static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return GoldenJson.json(response);
    }

    private static Path resource(String folder) {
        URL url = MlflowRegistryFixture.class.getResource(folder);
        if (url == null) {
            throw new IllegalStateException("no test resource folder " + folder);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> files(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
