package dev.steward.server;

import static dev.steward.server.StewardServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.server.config.ConfigLoader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Bad values in paths, queries and bodies are the caller's mistake: a 400 naming what is wrong
 * (in MLflow's shape on MLflow's API), never a 500 with a stack trace in the log. Each case here
 * answered 500, was silently accepted or named the wrong field before it was fixed (several were
 * found by {@link RequestFuzzTest}); two guard what the fixes must keep: a well-formed id of
 * nothing is a 404, and MLflow's enum fields take their number.
 */
class BadInputTest {
    @TempDir
    static Path home;

    static StewardServer server;
    static HttpTestClient http;
    static String admin;
    static ListAppender<ILoggingEvent> log;

    @BeforeAll
    static void start() {
        log = new ListAppender<>();
        log.start();
        root().addAppender(log);
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))));
        http = new HttpTestClient(server.uri());
        admin = server.createdAdminToken().orElseThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
        root().detachAppender(log);
    }

    @BeforeEach
    void forgetEarlierLogEvents() {
        log.list.clear();
    }

    @AfterEach
    void nothingWasLoggedAsAnUnexpectedFailure() {
        assertThat(log.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Test
    void anExperimentIdThatIsNotANumberIsAnInvalidParameterOnTheNativeApi() {
        assertInvalid(http.get("/api/v1/runs?experiment_id=demo", admin), "experiment_id", "demo");
        assertInvalid(http.get("/api/v1/runs?experiment_id=99999999999999999999", admin), "experiment_id", "99999999999999999999");
        assertInvalid(http.get("/api/v1/experiments/demo", admin), "experiment_id", "demo");
        assertInvalid(http.post("/api/v1/runs", admin, "{\"experiment_id\": \"demo\"}"), "experiment_id", "demo");
    }

    @Test
    void anExperimentIdThatIsNotANumberIsAnInvalidParameterOnMlflowsApi() {
        assertMlflowInvalid(http.post("/api/2.0/mlflow/runs/search", admin, "{\"experiment_ids\": [\"demo\"]}"), "Invalid experiment ID: 'demo'");
        assertMlflowInvalid(http.post("/api/2.0/mlflow/runs/search", admin, "{\"experiment_ids\": [\"0\", \"99999999999999999999\"]}"),
                "99999999999999999999");
        assertMlflowInvalid(http.get("/api/2.0/mlflow/experiments/get?experiment_id=demo", admin), "Invalid experiment ID: 'demo'");
        assertMlflowInvalid(http.post("/api/2.0/mlflow/runs/create", admin, "{\"experiment_id\": \"demo\"}"), "demo");
    }

    @Test
    void aWellFormedIdOfNothingIsNotFound() {
        HttpResponse<String> mlflow = http.get("/api/2.0/mlflow/experiments/get?experiment_id=9223372036854775807", admin);
        HttpResponse<String> runs = http.get("/api/v1/runs?experiment_id=12345", admin);

        assertThat(mlflow.statusCode()).isEqualTo(404);
        assertThat(json(mlflow).get("error_code").asText()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
        assertThat(runs.statusCode()).as(runs.body()).isEqualTo(200);
        assertThat(json(runs).get("runs")).isEmpty();
    }

    @Test
    void aNumberOrABooleanWhereAStringBelongsIsRefusedAndNotStoredAsText() {
        HttpResponse<String> number = http.post("/api/2.0/mlflow/experiments/create", admin, "{\"name\": 12345}");
        HttpResponse<String> bool = http.post("/api/2.0/mlflow/experiments/create", admin, "{\"name\": true}");
        HttpResponse<String> decimal = http.post("/api/v1/experiments", admin, "{\"name\": 1.5}");
        HttpResponse<String> tag = http.post("/api/v1/experiments", admin, "{\"name\": \"typed\", \"tags\": {\"team\": 7}}");

        assertMlflowInvalid(number, "name", "expected a string");
        assertMlflowInvalid(bool, "name", "expected a string");
        assertInvalid(decimal, "name", "expected a string");
        assertInvalid(tag, "tags.team", "expected a string");
        assertThat(http.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=12345", admin).statusCode()).isEqualTo(404);
        assertThat(http.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=typed", admin).statusCode()).isEqualTo(404);
    }

    @Test
    void aNulCharacterInANameIsRefusedNamingTheField() {
        String run = json(http.post("/api/2.0/mlflow/runs/create", admin, "{\"experiment_id\": \"0\"}")).at("/run/info/run_id").asText();

        assertMlflowInvalid(http.post("/api/2.0/mlflow/experiments/create", admin, "{\"name\": \"a\\u0000b\"}"), "name", "NUL");
        assertInvalid(http.post("/api/v1/experiments", admin, "{\"name\": \"a\\u0000b\"}"), "name", "NUL");
        assertInvalid(http.post("/api/v1/runs", admin, "{\"run_name\": \"r\\u0000\"}"), "run_name", "NUL");
        assertMlflowInvalid(http.post("/api/2.0/mlflow/runs/log-parameter", admin, "{\"run_id\": \"" + run
                + "\", \"key\": \"k\\u0000\", \"value\": \"v\"}"), "k");
        assertMlflowInvalid(http.post("/api/2.0/mlflow/runs/set-tag", admin, "{\"run_id\": \"" + run
                + "\", \"key\": \"k\", \"value\": \"v\\u0000\"}"), "value", "NUL");
        assertInvalid(http.post("/api/v1/tokens", admin, "{\"name\": \"t\\u0000\", \"role\": \"viewer\"}"), "name", "NUL");
        assertInvalid(http.get("/api/v1/audit?actor=a%00b", admin), "actor", "NUL");
    }

    @Test
    void anInstantBeyondEpochMillisecondsIsAnInvalidParameter() {
        assertInvalid(http.get("/api/v1/audit?to=-1000000000-01-01T00:00:00Z", admin), "to", "ISO-8601");
        assertInvalid(http.get("/api/v1/audit?from=%2B1000000000-12-31T23:59:59Z", admin), "from", "ISO-8601");
    }

    @Test
    void aJobSpecWithANumberBeyondALongOrANulIsRefusedAndNothingIsQueued() {
        int before = json(http.get("/api/v1/jobs?max_results=1000", admin)).get("jobs").size();

        assertInvalid(http.post("/api/v1/jobs", admin, "{\"kind\": \"command\", \"spec\": {\"command\": \"true\","
                + " \"guardrails\": {\"max_wall_time_seconds\": 18446744073709551621}}}"), "guardrails.max_wall_time_seconds", "whole number");
        assertInvalid(http.post("/api/v1/jobs", admin, "{\"kind\": \"command\", \"spec\": {\"command\": \"true\\u0000rm\"}}"),
                "spec.command", "NUL");
        assertThat(json(http.get("/api/v1/jobs?max_results=1000", admin)).get("jobs")).hasSize(before);
    }

    @Test
    void aNullInAListIsRefusedNamingTheElement() {
        String run = json(http.post("/api/2.0/mlflow/runs/create", admin, "{\"experiment_id\": \"0\"}")).at("/run/info/run_id").asText();

        assertMlflowInvalid(http.post("/api/2.0/mlflow/runs/log-batch", admin, "{\"run_id\": \"" + run + "\", \"params\": [null]}"),
                "params[0]");
        assertMlflowInvalid(http.post("/api/2.0/mlflow/runs/log-batch", admin, "{\"run_id\": \"" + run + "\", \"metrics\": [null]}"),
                "metrics[0]");
        assertMlflowInvalid(http.post("/api/2.0/mlflow/runs/log-inputs", admin, "{\"run_id\": \"" + run + "\", \"datasets\": [null]}"),
                "datasets[0]");
        assertMlflowInvalid(http.post("/api/2.0/mlflow/experiments/create", admin, "{\"name\": \"t\", \"tags\": [null]}"), "tags[0]");
        assertMlflowInvalid(http.post("/api/2.0/mlflow/runs/search", admin, "{\"experiment_ids\": [\"0\", null]}"), "experiment_ids[1]");
        assertInvalid(http.post("/api/v1/runs/" + run + "/log", admin, "{\"metrics\": [null]}"), "metrics[0]", "metrics[0]");
    }

    @Test
    void aNumberOutOfRangeNamesItsField() {
        assertMlflowInvalid(http.post("/api/2.0/mlflow/runs/search", admin, "{\"max_results\": 99999999999}"), "max_results", "out of range");
        assertInvalid(http.post("/api/v1/jobs", admin, "{\"kind\": \"command\", \"priority\": 99999999999, \"spec\": {}}"), "priority",
                "out of range");
    }

    @Test
    void anUnpairedSurrogateIsRefusedRatherThanStoredAsAQuestionMark() {
        assertMlflowInvalid(http.post("/api/2.0/mlflow/experiments/create", admin, "{\"name\": \"half\\ud800\"}"), "name", "Unicode");
        assertInvalid(http.post("/api/v1/experiments", admin, "{\"name\": \"\\udc00x\"}"), "name", "Unicode");
        assertThat(http.post("/api/v1/experiments", admin, "{\"name\": \"pair \\ud83d\\ude42\"}").statusCode()).isEqualTo(201);
    }

    @Test
    void aVersionListWithZeroOrANegativeNumberIsRefusedRatherThanReadAsTheLatest() {
        assertInvalid(http.get("/api/v1/datasets/penguins/profile?versions=1,-5", admin), "versions", "'-5'");
        assertInvalid(http.get("/api/v1/datasets/penguins/profile?versions=0", admin), "versions", "'0'");
        assertInvalid(http.get("/api/v1/datasets/penguins/profile?versions=1,x", admin), "versions", "'x'");
    }

    @Test
    void aBadViewIsReportedAgainstTheParameterTheCallerSent() {
        assertInvalid(http.get("/api/v1/runs?view=bogus", admin), "view", "bogus");
        assertInvalid(http.get("/api/v1/experiments?view=bogus", admin), "view", "bogus");
    }

    @Test
    void mlflowEnumFieldsTakeTheirNumberAsProtobufsJsonAllows() {
        String run = json(http.post("/api/2.0/mlflow/runs/create", admin, "{\"experiment_id\": \"0\"}")).at("/run/info/run_id").asText();

        HttpResponse<String> update = http.post("/api/2.0/mlflow/runs/update", admin, "{\"run_id\": \"" + run + "\", \"status\": 3}");
        HttpResponse<String> search = http.post("/api/2.0/mlflow/runs/search", admin, "{\"experiment_ids\": [\"0\"], \"run_view_type\": 3}");

        assertThat(update.statusCode()).as(update.body()).isEqualTo(200);
        assertThat(json(update).at("/run_info/status").asText()).isEqualTo("FINISHED");
        assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
        assertMlflowInvalid(http.post("/api/2.0/mlflow/runs/update", admin, "{\"run_id\": \"" + run + "\", \"status\": true}"), "status");
    }

    @Test
    void aNulCharacterInThePathIsRefusedByJettyWithAJsonError() {
        HttpResponse<String> response = http.get("/api/v1/datasets/a%00b", admin);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json(response).get("error_code").asText()).isEqualTo("MALFORMED_REQUEST");
        assertThat(json(response).get("message").asText()).contains("NUL");
        assertThat(http.get("/health", null).statusCode()).isEqualTo(200);
    }

    private static void assertInvalid(HttpResponse<String> response, String field, String... message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = json(response);
        assertThat(body.get("error_code").asText()).as(response.body()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(body.path("field").asText()).as(response.body()).isEqualTo(field);
        assertThat(body.get("message").asText()).contains(message);
    }

    private static void assertMlflowInvalid(HttpResponse<String> response, String... message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = json(response);
        assertThat(body.get("error_code").asText()).as(response.body()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(body.has("field")).as(response.body()).isFalse();
        assertThat(body.get("message").asText()).contains(message);
    }
}
