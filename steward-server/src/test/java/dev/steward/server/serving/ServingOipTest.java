package dev.steward.server.serving;

import static dev.steward.server.serving.ServingFixture.json;
import static dev.steward.server.serving.ServingFixture.ok;
import static dev.steward.server.serving.ServingFixture.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Open Inference Protocol (v2 REST) conformance: the requests below are written from the
 * protocol's REST specification (KServe's required_api.md and the OIP open_inference_rest.yaml:
 * health, server and model metadata, model ready, inference with typed tensors, flat or nested
 * row-major data, parameters, requested outputs, the request id) and the answers are compared
 * whole; every error is the protocol's {@code {"error": "..."}} with its status.
 */
class ServingOipTest {
    /** An inference request as the specification's example has it, for the golden random forest's six column inputs. */
    private static final String INFER = """
            {
              "id" : "42",
              "parameters" : {"trace" : true},
              "inputs" : [
                {"name" : "island", "shape" : [1, 1], "datatype" : "BYTES", "data" : ["Torgersen"]},
                {"name" : "beak_length_mm", "shape" : [1, 1], "datatype" : "FP64", "data" : [39.1]},
                {"name" : "beak_depth_mm", "shape" : [1, 1], "datatype" : "FP64", "data" : [[18.7]]},
                {"name" : "flipper_length_mm", "shape" : [1, 1], "datatype" : "FP64", "data" : [181]},
                {"name" : "body_mass_g", "datatype" : "FP64", "data" : [3750], "shape" : [1, 1]},
                {"name" : "sex", "shape" : [1, 1], "datatype" : "BYTES", "parameters" : {"content_type" : "str"}, "data" : ["MALE"]}
              ],
              "outputs" : [{"name" : "probabilities"}]
            }
            """;

    static ServingFixture fixture;

    @BeforeAll
    static void start() {
        fixture = ServingFixture.shared();
        fixture.deploy("penguins-api", ServingFixture.rf("", 1, 1, 2, 0));
        fixture.deploy("penguins-linear-api", "{\"versions\": [{\"model\": \"penguins-linear\", \"version\": 1}]}");
    }

    private static HttpResponse<String> get(String path, String token) {
        return fixture.http.get(path, token);
    }

    private static HttpResponse<String> infer(String path, String body) {
        return fixture.http.send(fixture.http.builder(path, fixture.inference).header("Content-Type", "application/json")
                .header("X-Request-Id", "req-1").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static void error(HttpResponse<String> response, int status, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.size()).as("the error object has one field: " + response.body()).isEqualTo(1);
        assertThat(body.get("error").asText()).contains(message);
    }

    @Test
    void healthAndServerMetadataAreOpenToProbes() {
        assertThat(json(ok(get("/v2/health/live", null), 200))).isEqualTo(tree("{\"live\": true}"));
        assertThat(json(ok(get("/v2/health/ready", null), 200))).isEqualTo(tree("{\"ready\": true}"));
        JsonNode server = json(ok(get("/v2", null), 200));
        assertThat(server.get("name").asText()).isEqualTo("steward");
        assertThat(server.get("version").isTextual()).isTrue();
        assertThat(server.get("extensions").isArray()).isTrue();
    }

    @Test
    void modelMetadataNamesTheVersionsThePlatformAndEveryTensorWithItsDatatypeAndShape() {
        JsonNode expected = tree("""
                {"name": "penguins-api", "versions": ["1", "2"], "platform": "onnxruntime_onnx",
                 "inputs": [{"name": "island", "datatype": "BYTES", "shape": [-1, 1]}, {"name": "beak_length_mm", "datatype": "FP64", "shape": [-1, 1]},
                            {"name": "beak_depth_mm", "datatype": "FP64", "shape": [-1, 1]}, {"name": "flipper_length_mm", "datatype": "FP64", "shape": [-1, 1]},
                            {"name": "body_mass_g", "datatype": "FP64", "shape": [-1, 1]}, {"name": "sex", "datatype": "BYTES", "shape": [-1, 1]}],
                 "outputs": [{"name": "label", "datatype": "BYTES", "shape": [-1]}, {"name": "probabilities", "datatype": "FP64", "shape": [-1, 3]}]}
                """);

        assertThat(json(ok(get("/v2/models/penguins-api", fixture.inference), 200))).isEqualTo(expected);
        assertThat(json(ok(get("/v2/models/penguins-api/versions/2", fixture.inference), 200))).isEqualTo(expected);
        assertThat(json(ok(get("/v2/models/penguins-linear-api", fixture.inference), 200)).get("inputs")).isEqualTo(tree(
                "[{\"name\": \"float_input\", \"datatype\": \"FP32\", \"shape\": [-1, 4]}]"));
        assertThat(json(ok(get("/v2/models/penguins-api/ready", fixture.inference), 200))).isEqualTo(tree(
                "{\"name\": \"penguins-api\", \"ready\": true}"));
        assertThat(json(ok(get("/v2/models/penguins-api/versions/1/ready", fixture.inference), 200)).get("ready").asBoolean()).isTrue();
    }

    @Test
    void anInferenceRequestOfTypedTensorsIsAnsweredWithTheOutputsAskedForTheIdAndWhoAnswered() {
        HttpResponse<String> response = ok(infer("/v2/models/penguins-api/infer", INFER), 200);

        assertThat(json(response)).isEqualTo(tree("""
                {"model_name": "penguins-api", "model_version": "1", "id": "42",
                 "parameters": {"request_id": "req-1", "registered_model": "penguins-rf", "registered_version": 1, "revision": 1, "arm": "weighted"},
                 "outputs": [{"name": "probabilities", "datatype": "FP64", "shape": [1, 3],
                              "data": [0.9982142857142857, 0.0017857142857142857, 0.0]}]}
                """));
        assertThat(response.headers().firstValue("X-Request-Id")).contains("req-1");
        assertThat(response.headers().firstValue("X-Steward-Deployment")).contains("penguins-api");
        assertThat(response.headers().firstValue("X-Steward-Model")).contains("penguins-rf");
        assertThat(response.headers().firstValue("X-Steward-Model-Version")).contains("1");
    }

    @Test
    void withoutRequestedOutputsEveryOutputIsReturnedAndAVersionPathPinsTheVersion() {
        JsonNode all = json(ok(infer("/v2/models/penguins-api/versions/2/infer", INFER.replace(",\n  \"outputs\" : [{\"name\" : \"probabilities\"}]",
                "").replace("\"id\" : \"42\",", "")), 200));

        assertThat(all.get("model_version").asText()).isEqualTo("2");
        assertThat(all.get("id").asText()).as("without an id, the request id").isEqualTo("req-1");
        assertThat(all.at("/parameters/arm").asText()).isEqualTo("pinned");
        assertThat(all.get("outputs").findValuesAsText("name")).containsExactly("label", "probabilities");
        assertThat(all.at("/outputs/0")).isEqualTo(tree("{\"name\": \"label\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"Adelie\"]}"));
    }

    @Test
    void aBatchOfRowsAndAGraphOfOneMatrixInputAreServedInRowMajorOrder() {
        JsonNode linear = json(ok(infer("/v2/models/penguins-linear-api/infer", """
                {"inputs": [{"name": "float_input", "shape": [2, 4], "datatype": "FP32",
                             "data": [[39.1, 18.7, 181, 3750], [46.5, 17.9, 192, 3500]]}],
                 "outputs": [{"name": "label"}]}
                """), 200));

        assertThat(linear.at("/outputs/0/shape")).isEqualTo(tree("[2]"));
        assertThat(linear.at("/outputs/0/data/0").asText()).isEqualTo("Adelie");
        assertThat(linear.at("/outputs/0/data").size()).isEqualTo(2);
    }

    @Test
    void everyMalformedRequestIsRefusedInTheProtocolsErrorShapeNamingWhatIsWrong() {
        String island = "{\"name\" : \"island\", \"shape\" : [1, 1], \"datatype\" : \"BYTES\", \"data\" : [\"Torgersen\"]},";
        error(infer("/v2/models/nowhere/infer", INFER), 404, "no deployment named 'nowhere'");
        error(infer("/v2/models/penguins-api/versions/9/infer", INFER), 404, "serves the versions [1, 2], not '9'");
        error(get("/v2/models/nowhere", fixture.inference), 404, "no deployment named 'nowhere'");
        error(get("/v2/models/penguins-api/versions/9/ready", fixture.inference), 404, "not '9'");
        error(infer("/v2/models/penguins-api/infer", "{\"inputs\": [}"), 400, "malformed JSON");
        error(infer("/v2/models/penguins-api/infer", ""), 400, "the request body is empty");
        error(infer("/v2/models/penguins-api/infer", "[1, 2]"), 400, "must be a JSON object");
        error(infer("/v2/models/penguins-api/infer", "{}"), 400, "'inputs' is required");
        error(infer("/v2/models/penguins-api/infer", "{\"inputs\": [], \"model\": 1}"), 400, "unknown field 'model'");
        error(infer("/v2/models/penguins-api/infer", INFER.replace(island, "")), 400, "needs the input 'island'");
        error(infer("/v2/models/penguins-api/infer", INFER.replace(island, island + island)), 400, "input 'island' is given twice");
        error(infer("/v2/models/penguins-api/infer", INFER.replace(island, island.replace("island", "colour"))), 400,
                "has no input 'colour'; its inputs are [island, beak_length_mm");
        error(infer("/v2/models/penguins-api/infer", INFER.replace("\"FP64\", \"data\" : [39.1]", "\"FP32\", \"data\" : [39.1]")), 400,
                "input 'beak_length_mm' takes FP64, not FP32");
        error(infer("/v2/models/penguins-api/infer", INFER.replace("\"FP64\", \"data\" : [39.1]", "\"UINT32\", \"data\" : [39]")), 400,
                "the datatype 'UINT32', which Steward does not serve");
        error(infer("/v2/models/penguins-api/infer", INFER.replace("[1, 1], \"datatype\" : \"FP64\", \"data\" : [39.1]",
                "[1], \"datatype\" : \"FP64\", \"data\" : [39.1]")), 400, "input 'beak_length_mm' takes the shape [-1, 1] (-1: any size), not [1]");
        error(infer("/v2/models/penguins-api/infer", INFER.replace("[39.1]", "[39.1, 40.2]")), 400,
                "input 'beak_length_mm' has the shape [1, 1] (1 elements) but 2 elements of data");
        error(infer("/v2/models/penguins-api/infer", INFER.replace("[39.1]", "[\"long\"]")), 400,
                "the data of input 'beak_length_mm' (FP64) holds \"long\": FP64 data are numbers");
        error(infer("/v2/models/penguins-api/infer", INFER.replace("[\"MALE\"]", "[true]")), 400, "(BYTES) holds true: BYTES data are strings");
        error(infer("/v2/models/penguins-api/infer", INFER.replace("\"probabilities\"", "\"logits\"")), 400, "has no output 'logits'");
        error(infer("/v2/models/penguins-api/infer", INFER.replace("\"id\" : \"42\"", "\"id\" : 42")), 400, "'id' must be a string");
        error(infer("/v2/models/penguins-api/infer", INFER.replace("{\"trace\" : true}", "{\"trace\" : [1]}")), 400,
                "parameter 'trace' must be a string, a number or a boolean");
        error(fixture.http.post("/v2/models/penguins-api/infer", null, INFER), 401, "needs an API token");
        error(fixture.http.get("/v2/models/penguins-api/infer", fixture.inference), 404, "GET /v2/models/penguins-api/infer");
        error(fixture.http.get("/v2/nothing", null), 404, "GET /v2/nothing");
    }

    @Test
    void anInferenceTokenMayPredictButNotManageDeployments() {
        HttpResponse<String> manage = fixture.http.get("/api/v1/deployments", fixture.inference);

        assertThat(manage.statusCode()).isEqualTo(403);
        assertThat(json(manage).get("error_code").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(json(manage).get("message").asText()).contains("needs role 'viewer'", "has role 'inference'");
        assertThat(infer("/v2/models/penguins-api/infer", INFER).statusCode()).isEqualTo(200);
    }
}
