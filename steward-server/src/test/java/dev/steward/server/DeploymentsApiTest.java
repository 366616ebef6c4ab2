package dev.steward.server;

import static dev.steward.server.StewardServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.server.config.ConfigLoader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deployments managed over HTTP, as a team runs them: created from the production alias, refused
 * for a version never promoted unless an admin overrides, revised with weights, restored from the
 * history, stopped and resumed, cleaned of revoked versions (stopped when none is left), restored
 * by a restart, deleted; every change audited; bad input refused naming the field.
 */
class DeploymentsApiTest {
    private static final String TRAIN = """
            {"experiment": "penguins", "dataset": {"name": "penguins", "version": 1}, "target": "species",
             "task": "multiclass_classification", "seed": %d, "features": ["beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g"],
             "preprocessing": [{"step": "impute", "columns": ["beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g"],
                                "strategy": "median"}],
             "algorithm": {"name": "random_forest", "hyperparameters": {"n_trees": 10}}}
            """;

    @TempDir
    static Path home;

    static StewardServer server;
    static HttpTestClient http;
    static JobsHttp jobs;
    static String admin;
    static String alice;
    static String bob;

    @BeforeAll
    static void start() {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0", "serving.poll-ms", "50"))));
        http = new HttpTestClient(server.uri());
        admin = server.createdAdminToken().orElseThrow();
        jobs = new JobsHttp(server, admin);
        alice = token("alice", "editor");
        bob = token("bob", "deployer");
        jobs.uploadPenguins();
        for (int seed = 1; seed <= 3; seed++) {
            String run = jobs.awaitSuccess(jobs.submit("train", 0, TRAIN.formatted(seed))).get("run_id").asText();
            ok(http.post("/api/v1/models/penguins/versions", alice, "{\"run_id\": \"" + run + "\"}"), 201);
        }
        ok(http.post("/api/v1/models/penguins/versions/1/promote", bob, "{\"environment\": \"production\"}"), 200);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aDeploymentIsRevisedRestoredStoppedCleanedOfRevokedVersionsAndSurvivesARestart() {
        JsonNode created = ok(http.post("/api/v1/deployments", bob, "{\"name\": \"penguins-api\", \"model\": \"models:/penguins@production\"}"), 201);
        assertThat(created.get("revision").asInt()).isEqualTo(1);
        assertThat(created.at("/traffic/0/model").asText()).isEqualTo("models:/penguins/1");
        assertThat(created.at("/spec/environment").asText()).isEqualTo("production");

        refused(http.post("/api/v1/deployments", bob, "{\"name\": \"try\", \"model\": \"models:/penguins/2\"}"), 409, "model", "never promoted");
        refused(http.post("/api/v1/deployments", bob, "{\"name\": \"try\", \"model\": \"models:/penguins/2\", \"override_reason\": \"a try\"}"),
                403, "override_reason", "only an admin");
        JsonNode overridden = ok(http.post("/api/v1/deployments", admin, "{\"name\": \"try\", \"model\": \"models:/penguins/2\","
                + " \"override_reason\": \"a try-out approved by the team\"}"), 201);
        assertThat(overridden.at("/spec/versions/0/override_reason").asText()).isEqualTo("a try-out approved by the team");
        JsonNode overrideEvent = latestAudit("deployment.create");
        assertThat(overrideEvent.at("/details/overrides").asText()).contains("models:/penguins/2: a try-out approved by the team");

        ok(http.post("/api/v1/models/penguins/versions/2/promote", bob, "{\"environment\": \"production\"}"), 200);
        JsonNode weighted = ok(http.send("PUT", "/api/v1/deployments/penguins-api", bob, """
                {"spec": {"versions": [{"model": "penguins", "version": 1, "weight": 90}, {"model": "models:/penguins/2", "weight": 10}],
                          "batching": {"max_batch_size": 32, "max_wait_ms": 1.5}}, "reason": "canary by hand"}
                """), 200);
        assertThat(weighted.get("revision").asInt()).isEqualTo(2);
        assertThat(weighted.at("/traffic/1/share").asDouble()).isEqualTo(0.1);
        assertThat(weighted.at("/spec/batching/max_wait_ms").asDouble()).isEqualTo(1.5);

        JsonNode restored = ok(http.post("/api/v1/deployments/penguins-api/restore", bob, "{\"revision\": 1, \"reason\": \"back to one\"}"), 200);
        assertThat(restored.get("revision").asInt()).isEqualTo(3);
        assertThat(restored.get("traffic")).hasSize(1);
        JsonNode history = ok(http.get("/api/v1/deployments/penguins-api/history", alice), 200).get("revisions");
        assertThat(history).extracting(r -> r.get("change").asText()).containsExactly("create", "update", "restore");
        assertThat(history.get(2).get("restored_from").asInt()).isEqualTo(1);
        assertThat(history.get(1).get("reason").asText()).isEqualTo("canary by hand");

        JsonNode stopped = ok(http.post("/api/v1/deployments/penguins-api/stop", bob, "{\"reason\": \"wrong answers reported\","
                + " \"emergency\": true}"), 200);
        assertThat(stopped.get("stopped").asBoolean()).isTrue();
        assertThat(server.steward().deployments().current().get("penguins-api").stopped()).as("the snapshot the engine reads").isTrue();
        refused(http.post("/api/v1/deployments/penguins-api/stop", bob, "{\"reason\": \"again\"}"), 409, null, "already stopped");
        assertThat(ok(http.post("/api/v1/deployments/penguins-api/resume", bob, "{\"reason\": \"fixed\"}"), 200).get("stopped").asBoolean())
                .isFalse();

        // Revoking a served version takes it out of every deployment; with none left the deployment stops.
        ok(http.send("PUT", "/api/v1/deployments/penguins-api", bob, "{\"spec\": {\"versions\": [{\"model\": \"models:/penguins/1\"},"
                + " {\"model\": \"models:/penguins/2\", \"weight\": 0}]}}"), 200);
        ok(http.post("/api/v1/models/penguins/versions/1/revoke", bob, "{\"reason\": \"leaks a feature\"}"), 200);
        JsonNode cleaned = JobsHttp.poll(() -> ok(http.get("/api/v1/deployments/penguins-api", alice), 200), d -> d.get("revision").asInt() == 5);
        assertThat(cleaned.get("traffic")).hasSize(1);
        assertThat(cleaned.at("/traffic/0/model").asText()).isEqualTo("models:/penguins/2");
        assertThat(cleaned.at("/traffic/0/share").asDouble()).as("the weight goes to what is left").isEqualTo(1.0);
        assertThat(ok(http.get("/api/v1/deployments/penguins-api/history", alice), 200).at("/revisions/4/change").asText()).isEqualTo("revocation");
        ok(http.post("/api/v1/models/penguins/versions/2/revoke", bob, "{\"reason\": \"same leak\"}"), 200);
        JsonNode none = JobsHttp.poll(() -> ok(http.get("/api/v1/deployments/penguins-api", alice), 200), d -> d.get("stopped").asBoolean());
        assertThat(none.get("stop_reason").asText()).contains("no servable version", "models:/penguins/2");

        server.close();
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0", "serving.poll-ms", "50"))));
        http = new HttpTestClient(server.uri());
        jobs = new JobsHttp(server, admin);
        assertThat(server.steward().deployments().current()).containsKeys("penguins-api", "try");
        assertThat(ok(http.get("/api/v1/deployments/penguins-api", alice), 200).get("stopped").asBoolean()).isTrue();

        http.delete("/api/v1/deployments/try", bob);
        refused(http.get("/api/v1/deployments/try", alice), 404, null, "no deployment named 'try'");
        List<String> actions = new ArrayList<>();
        for (JsonNode e : ok(http.get("/api/v1/audit?object_type=deployment&object_id=penguins-api&max_results=100", admin), 200).get("events")) {
            actions.add(e.get("action").asText());
        }
        assertThat(actions).containsExactly("deployment.create", "deployment.update", "deployment.restore", "deployment.stop", "deployment.resume",
                "deployment.update", "deployment.revocation", "deployment.stop");
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndAnInferenceTokenCannotManage() {
        refused(http.post("/api/v1/deployments", bob, "{\"name\": \"no/slash\", \"model\": \"models:/penguins/3\"}"), 400, "name", "letters");
        refused(http.post("/api/v1/deployments", bob, "{\"name\": \"x\"}"), 400, "model", "either 'model'");
        refused(http.post("/api/v1/deployments", bob, "{\"name\": \"x\", \"model\": \"models:/nothing/1\"}"), 404, "model", null);
        refused(http.post("/api/v1/deployments", bob, "{\"name\": \"x\", \"spec\": {\"versions\": [{\"model\": \"models:/penguins/3\","
                + " \"weight\": -1}]}}"), 400, "versions[0].weight", "0 or more");
        refused(http.post("/api/v1/deployments", bob, "{\"name\": \"x\", \"spec\": {\"versions\": [{\"model\": \"models:/penguins/3\"}],"
                + " \"batching\": {\"max_batch_size\": 0}}}"), 400, "batching.max_batch_size", null);
        refused(http.post("/api/v1/deployments", bob, "{\"name\": \"x\", \"spec\": {\"versions\": [], \"extra\": 1}}"), 400, "versions", null);
        refused(http.post("/api/v1/deployments", alice, "{\"name\": \"x\", \"model\": \"models:/penguins/3\"}"), 403, null, null);
        refused(http.post("/api/v1/deployments/nothing/restore", bob, "{\"revision\": 1}"), 404, null, null);
        refused(http.post("/api/v1/deployments/nothing/restore", bob, "{\"revision\": 0}"), 400, "revision", null);
        refused(http.post("/api/v1/deployments/nothing/stop", bob, "{}"), 400, "reason", null);
        String app = token("app", "inference");
        refused(http.get("/api/v1/deployments", app), 403, null, null);
        refused(http.get("/api/v1/whoami", app), 403, null, null);
        refused(http.get("/api/2.0/mlflow/experiments/search?max_results=1", app), 403, null, null);
    }

    private static JsonNode latestAudit(String action) {
        return ok(http.get("/api/v1/audit?action=" + action + "&order=newest&max_results=1", admin), 200).at("/events/0");
    }

    private static String token(String name, String role) {
        return json(http.post("/api/v1/tokens", admin, "{\"name\": \"" + name + "\", \"role\": \"" + role + "\"}")).get("secret").asText();
    }

    private static void refused(HttpResponse<String> response, int status, String field, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        if (response.body().isEmpty()) {
            return;
        }
        JsonNode body = json(response);
        if (field != null) {
            assertThat(body.path("field").asText()).as(response.body()).isEqualTo(field);
        }
        if (message != null) {
            assertThat(body.get("message").asText()).as(response.body()).contains(message);
        }
    }

    private static JsonNode ok(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return json(response);
    }
}
