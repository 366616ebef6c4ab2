package dev.steward.server;

import static dev.steward.server.StewardServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.server.config.ConfigLoader;
import dev.steward.testing.WebhookReceiver;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry end to end over HTTP, as a team uses it: three penguin models trained for real,
 * registered, a production policy (an f1 threshold on held-out data computed by Steward, not worse
 * than the current holder, one deployer's approval with four eyes), promotions that pass and one
 * that is refused with its evidence, a self-approval refused, a rollback; the audit chain tells the
 * story in order and stays intact; lineage answers both ways. Then a graph Steward did not train is
 * registered and passes a metric criterion, and bad input changes nothing.
 */
class RegistryApiTest {
    private static final String TRAIN = """
            {"experiment": "penguins", "dataset": {"name": "penguins", "version": 1}, "target": "species",
             "task": "multiclass_classification", "seed": 7, "features": %s,
             "preprocessing": [{"step": "impute", "columns": %s, "strategy": "median"}],
             "algorithm": {"name": "%s", "hyperparameters": %s}}
            """;
    private static final String MEASUREMENTS = "[\"beak_length_mm\", \"beak_depth_mm\", \"flipper_length_mm\", \"body_mass_g\"]";

    @TempDir
    static Path home;

    static StewardServer server;
    static HttpTestClient http;
    static JobsHttp jobs;
    static String admin;
    static String alice;
    static String bob;
    static String carol;

    @BeforeAll
    static void start() throws IOException {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))));
        http = new HttpTestClient(server.uri());
        admin = server.createdAdminToken().orElseThrow();
        jobs = new JobsHttp(server, admin);
        alice = token("alice", "editor");
        bob = token("bob", "deployer");
        carol = token("carol", "deployer");
        byte[] penguins = jobs.uploadPenguins();
        jobs.upload("penguins", heldOut(penguins));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void threeModelsAreGovernedByAPolicyFromRegistrationToRollbackAndTheAuditTellsTheStory() {
        String good = train("random_forest", "{\"n_trees\": 30}", MEASUREMENTS);
        String worse = train("cart", "{\"max_depth\": 1}", "[\"body_mass_g\"]");
        String better = train("random_forest", "{\"n_trees\": 60}", MEASUREMENTS);
        JsonNode v1 = ok(http.post("/api/v1/models/penguins/versions", alice, "{\"run_id\": \"" + good + "\", \"description\": \"first\"}"), 201);
        ok(http.post("/api/v1/models/penguins/versions", alice, "{\"run_id\": \"" + worse + "\"}"), 201);
        ok(http.post("/api/v1/models/penguins/versions", alice, "{\"run_id\": \"" + better + "\"}"), 201);
        assertThat(v1.get("version").asInt()).isEqualTo(1);
        assertThat(v1.get("status").asText()).isEqualTo("ready");
        assertThat(v1.at("/signature/inputs").findValuesAsText("name")).contains("beak_length_mm", "body_mass_g");
        assertThat(v1.get("classes").toString()).contains("Adelie", "Gentoo");
        ok(http.send(http.builder("/api/v1/models/penguins/policies/production", admin).PUT(java.net.http.HttpRequest.BodyPublishers.ofString("""
                description: production needs evidence
                criteria:
                  - metric: "f1_macro >= 0.9 on penguins@2"
                  - metric: "f1_macro >= current - 0.01 on penguins@2"
                  - approvals: {count: 1, role: deployer, four_eyes: true}
                """))), 200);

        ok(http.post("/api/v1/models/penguins/versions/1/approval-requests", alice, "{\"environment\": \"production\"}"), 201);
        ok(http.post("/api/v1/models/penguins/versions/1/approvals", carol, "{\"environment\": \"production\", \"decision\": \"approve\"}"), 201);
        JsonNode first = ok(http.post("/api/v1/models/penguins/versions/1/promote", bob, "{\"environment\": \"production\"}"), 200);
        assertThat(first.get("promoted").asBoolean()).as(first.toPrettyString()).isTrue();

        JsonNode refused = ok(http.post("/api/v1/models/penguins/versions/2/promote", bob, "{\"environment\": \"production\"}"), 200);
        assertThat(refused.get("promoted").asBoolean()).isFalse();
        JsonNode threshold = refused.at("/report/criteria").get(3);
        assertThat(threshold.get("description").asText()).isEqualTo("f1_macro >= 0.9 on penguins@2");
        assertThat(threshold.get("passed").asBoolean()).isFalse();
        assertThat(threshold.get("expected").asText()).isEqualTo(">= 0.9");
        assertThat(Double.parseDouble(threshold.get("observed").asText())).isLessThan(0.9);
        assertThat(threshold.at("/evidence/0/type").asText()).isEqualTo("evaluation_run");
        String evaluationRun = threshold.at("/evidence/0/id").asText();
        assertThat(jobs.run(evaluationRun).at("/data/tags").toString()).contains("steward.registry.version");
        assertThat(refused.at("/report/criteria").get(4).get("expected").asText()).startsWith(">= ").contains("(version 1: ");

        ok(http.post("/api/v1/models/penguins/versions/3/approval-requests", bob, "{\"environment\": \"production\"}"), 201);
        HttpResponse<String> self = http.post("/api/v1/models/penguins/versions/3/approvals", bob, "{\"environment\": \"production\","
                + " \"decision\": \"approve\"}");
        assertThat(self.statusCode()).as(self.body()).isEqualTo(403);
        assertThat(json(self).get("message").asText()).contains("four eyes");
        ok(http.post("/api/v1/models/penguins/versions/3/approvals", carol, "{\"environment\": \"production\", \"decision\": \"approve\"}"), 201);
        JsonNode third = ok(http.post("/api/v1/models/penguins/versions/3/promote", bob, "{\"environment\": \"production\"}"), 200);
        assertThat(third.get("promoted").asBoolean()).as(third.toPrettyString()).isTrue();
        assertThat(ok(http.get("/api/v1/resolve?uri=models:/penguins@production", alice), 200).get("version").asInt()).isEqualTo(3);

        JsonNode rollback = ok(http.post("/api/v1/models/penguins/environments/production/rollback", bob, "{\"reason\": \"complaints\"}"), 200);
        assertThat(rollback.get("to").asInt()).isEqualTo(1);
        assertThat(ok(http.get("/api/v1/models/penguins/aliases/production", alice), 200).get("version").asInt()).isEqualTo(1);

        assertThat(ok(http.get("/api/v1/audit/verify", admin), 200).get("intact").asBoolean()).isTrue();
        String id = ok(http.get("/api/v1/models/penguins", alice), 200).get("id").asText();
        JsonNode story = ok(http.get("/api/v1/audit?object_type=registered_model&object_id=" + id, admin), 200).get("events");
        assertThat(story.findValuesAsText("action")).containsExactly("registered_model.create", "model_version.create", "model_version.create",
                "model_version.create", "policy.set", "approval.request", "approval.approve", "promotion.promote", "promotion.refuse",
                "approval.request", "approval.approve", "promotion.promote", "promotion.rollback");
        assertThat(story.get(8).at("/details/failed").asText()).contains("metric", "approvals");

        JsonNode lineage = ok(http.get("/api/v1/lineage/models/penguins/3", alice), 200);
        assertThat(lineage.at("/run/run_id").asText()).isEqualTo(better);
        assertThat(lineage.at("/datasets/0/name").asText()).isEqualTo("penguins");
        assertThat(lineage.at("/datasets/0/version").asInt()).isEqualTo(1);
        assertThat(lineage.get("promotion_reports")).hasSize(1);
        assertThat(lineage.get("approvals").findValuesAsText("decision")).containsExactly("approve");
        JsonNode fromData = ok(http.get("/api/v1/lineage/datasets/penguins/1", alice), 200);
        assertThat(fromData.get("model_versions").findValuesAsText("version")).containsExactly("1", "2", "3");
        assertThat(fromData.get("runs").findValuesAsText("run_id")).contains(good, worse, better);
        JsonNode fromHeldOut = ok(http.get("/api/v1/lineage/datasets/penguins/2", alice), 200);
        assertThat(fromHeldOut.get("runs").findValuesAsText("run_id")).contains(evaluationRun);

        HttpResponse<String> card = http.get("/api/v1/models/penguins/versions/3/card", alice);
        assertThat(card.statusCode()).isEqualTo(200);
        assertThat(card.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(card.body()).contains("Model card: penguins version 3", "Training data", "penguins@2", "approve").doesNotContain("<script");
    }

    @Test
    void aGraphStewardDidNotTrainIsRegisteredAndPassesAMetricCriterionOnSteward_sOwnEvaluation() throws IOException {
        String sha = uploadBlob(resource("/model/external/penguins-linear.onnx"));
        JsonNode version = ok(http.post("/api/v1/models/penguins-external/versions", alice, "{\"onnx_sha256\": \"" + sha + "\", \"signature\": {"
                + "\"classes\": [\"Adelie\", \"Chinstrap\", \"Gentoo\"], \"target\": \"species\", \"inputs\": [{\"name\": \"float_input\","
                + " \"columns\": " + MEASUREMENTS + "}]}}"), 201);
        assertThat(version.get("source_kind").asText()).isEqualTo("onnx");
        assertThat(version.at("/signature/inputs/0/datatype").asText()).isEqualTo("FP32");
        ok(http.send(http.builder("/api/v1/models/penguins-external/policies/staging", admin).PUT(java.net.http.HttpRequest.BodyPublishers
                .ofString("{\"criteria\": [{\"kind\": \"metric\", \"metric\": \"f1_macro\", \"threshold\": 0.9, \"dataset\": \"penguins@2\"},"
                        + " {\"kind\": \"latency\", \"p50_ms\": 1000, \"calls\": 20, \"dataset\": \"penguins@2\"},"
                        + " {\"kind\": \"package_size\", \"max_mb\": 10}]}"))), 200);

        JsonNode report = ok(http.post("/api/v1/models/penguins-external/versions/1/promote", bob, "{\"environment\": \"staging\"}"), 200);

        assertThat(report.get("promoted").asBoolean()).as(report.toPrettyString()).isTrue();
        assertThat(report.at("/report/criteria").findValuesAsText("kind")).containsExactly("version_ready", "training_data_not_quarantined",
                "signature_compatible", "metric", "latency", "package_size");
        assertThat(Double.parseDouble(report.at("/report/criteria/3/observed").asText())).isGreaterThan(0.9);
        assertThat(report.at("/report/criteria/4/observed").asText()).contains("p50", "load");
    }

    @Test
    void registryChangesReachWebhookSubscribersSignedAndInOrder() {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            JsonNode hook = ok(http.post("/api/v1/webhooks", admin, "{\"url\": \"" + receiver.url() + "\", \"events\": [\"model_version.created\","
                    + " \"model_version.alias_set\", \"promotion.succeeded\", \"promotion.refused\", \"model_version.revoked\"]}"), 201);
            String secret = hook.get("secret").asText();
            String run = train("cart", "{\"max_depth\": 4}", MEASUREMENTS);
            ok(http.post("/api/v1/models/hooked/versions", alice, "{\"run_id\": \"" + run + "\"}"), 201);
            ok(http.put("/api/v1/models/hooked/aliases/champion", alice, "{\"version\": 1}".getBytes(StandardCharsets.UTF_8)), 200);
            ok(http.post("/api/v1/models/hooked/versions/1/promote", bob, "{\"environment\": \"staging\"}"), 200);
            ok(http.post("/api/v1/models/hooked/versions/1/revoke", bob, "{\"reason\": \"bad labels\"}"), 200);
            ok(http.post("/api/v1/models/hooked/versions/1/promote", bob, "{\"environment\": \"production\"}"), 200);

            List<WebhookReceiver.Request> delivered = receiver.awaitDelivered(5);

            assertThat(delivered).extracting(r -> r.json().get("type").asText()).containsExactly("model_version.created",
                    "model_version.alias_set", "promotion.succeeded", "model_version.revoked", "promotion.refused");
            assertThat(delivered).allSatisfy(r -> assertThat(r.signedWith(secret)).isTrue());
            assertThat(delivered.get(2).json().at("/data/environment").asText()).isEqualTo("staging");
            assertThat(delivered.get(3).json().at("/data/reason").asText()).isEqualTo("bad labels");
            assertThat(delivered.get(3).json().at("/data/environments_left/0").asText()).isEqualTo("staging");
            assertThat(delivered.get(4).json().at("/object/id").asText()).isEqualTo("hooked/1");
        }
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndChangesNothing() {
        String good = train("cart", "{\"max_depth\": 3}", MEASUREMENTS);
        ok(http.post("/api/v1/models/bad-input/versions", alice, "{\"run_id\": \"" + good + "\"}"), 201);
        long lastEvent = lastAuditEvent();

        refused(http.post("/api/v1/models/bad-input/versions/1/promote", bob, "{\"environment\": \"moon\"}"), 404, null, "moon");
        refused(http.send(http.builder("/api/v1/models/bad-input/policies/production", admin).PUT(java.net.http.HttpRequest.BodyPublishers
                .ofString("criteria:\n  - metric: 'f1_best >= 0.9 on penguins@2'\n"))), 400, "criteria[0].metric", "unknown metric");
        refused(http.send(http.builder("/api/v1/models/bad-input/policies/production", admin).PUT(java.net.http.HttpRequest.BodyPublishers
                .ofString("criteria:\n  - metric: 'f1_macro >= 0.9 on nowhere@1'\n"))), 400, "criteria[0].metric", "nowhere");
        refused(http.send(http.builder("/api/v1/models/bad-input/policies/production", admin).PUT(java.net.http.HttpRequest.BodyPublishers
                .ofString("criteria:\n  - kind: vibes\n"))), 400, "criteria[0].kind", "unknown criterion kind");
        refused(http.post("/api/v1/models/bad%20name/versions", alice, "{\"run_id\": \"" + good + "\"}"), 400, "name", "Invalid model name");
        String notOnnx = uploadBlob("this is not a graph".getBytes(StandardCharsets.UTF_8));
        refused(http.post("/api/v1/models/bad-input/versions", alice, "{\"onnx_sha256\": \"" + notOnnx + "\"}"), 400, "model", "ONNX Runtime");
        refused(http.post("/api/v1/models/bad-input/versions", alice, "{\"run_id\": \"" + good + "\", \"onnx_sha256\": \"" + notOnnx + "\"}"),
                400, "source", "exactly one");
        refused(http.put("/api/v1/models/bad-input/aliases/champion", alice, "{\"version\": 7}".getBytes(StandardCharsets.UTF_8)), 404, null,
                "version=7");
        refused(http.put("/api/v1/models/bad-input/aliases/production", alice, "{\"version\": 1}".getBytes(StandardCharsets.UTF_8)), 400,
                "alias", "is an environment");
        refused(http.get("/api/v1/models/bad-input/versions/one", alice), 400, "version", "not a version number");
        refused(http.post("/api/v1/models/bad-input/versions/1/promote", alice, "{\"environment\": \"production\"}"), 403, null, null);
        refused(http.post("/api/v1/models/bad-input/versions/1/promote", bob, "{\"environment\": \"production\", \"override_reason\": \"x\"}"),
                403, null, "admin");
        refused(http.get("/api/v1/resolve?uri=models:/bad-input@nowhere", alice), 404, null, "alias nowhere not found");
        refused(http.get("/api/v1/resolve?uri=s3://bucket/model", alice), 400, "model", "not a model URI");

        assertThat(lastAuditEvent()).as("nothing was recorded").isEqualTo(lastEvent);
        assertThat(ok(http.get("/api/v1/models/bad-input/versions", alice), 200).get("versions")).hasSize(1);

        ok(http.post("/api/v1/models/bad-input/versions/1/revoke", bob, "{\"reason\": \"wrong labels\"}"), 200);
        refused(http.put("/api/v1/models/bad-input/aliases/champion", alice, "{\"version\": 1}".getBytes(StandardCharsets.UTF_8)), 409,
                "version", "revoked");
        JsonNode revoked = ok(http.get("/api/v1/models/bad-input/versions/1", alice), 200);
        assertThat(revoked.at("/revocation/reason").asText()).isEqualTo("wrong labels");
    }

    private static long lastAuditEvent() {
        return ok(http.get("/api/v1/audit?order=newest&max_results=1", admin), 200).at("/events/0/seq").asLong();
    }

    private static void refused(HttpResponse<String> response, int status, String field, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        if (field != null) {
            assertThat(body.path("field").asText()).as(response.body()).isEqualTo(field);
        }
        if (message != null) {
            assertThat(body.get("message").asText()).contains(message);
        }
    }

    private static JsonNode ok(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return json(response);
    }

    private static String train(String algorithm, String hyperparameters, String features) {
        JsonNode job = jobs.submit("train", 0, TRAIN.formatted(features, features.contains("beak") ? "[\"beak_length_mm\", \"beak_depth_mm\"]"
                : features, algorithm, hyperparameters));
        return jobs.awaitSuccess(job).get("run_id").asText();
    }

    private static String token(String name, String role) {
        return json(http.post("/api/v1/tokens", admin, "{\"name\": \"" + name + "\", \"role\": \"" + role + "\"}")).get("secret").asText();
    }

    private static String uploadBlob(byte[] content) {
        return ok(http.put("/api/v1/artifacts", alice, content), 201).get("sha256").asText();
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = RegistryApiTest.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        }
    }

    /** Every third penguin (with the header; the file is sorted by species, so every species is there) as an evaluation version. */
    private static byte[] heldOut(byte[] penguins) {
        List<String> lines = new ArrayList<>(Arrays.asList(new String(penguins, StandardCharsets.UTF_8).split("\n")));
        List<String> kept = new ArrayList<>(List.of(lines.get(0)));
        for (int i = 1; i < lines.size(); i += 3) {
            kept.add(lines.get(i));
        }
        return (String.join("\n", kept) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
