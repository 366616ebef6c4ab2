package dev.steward.server.mlflow;

import static dev.steward.server.mlflow.MlflowRegistryFixture.API;
import static dev.steward.server.mlflow.MlflowRegistryFixture.ONNX_FOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.server.HttpTestClient;
import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.ModelRegistry.ModelVersionStatus;
import org.mlflow.api.proto.ModelRegistry.RegisteredModel;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.ModelVersionsPage;
import org.mlflow.tracking.Page;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * The model registry driven by the official MLflow Java client ({@code org.mlflow:mlflow-client}
 * 2.17.2): every registry call it has (registered model, version, latest versions, download URI,
 * version search with paging), and its {@code sendPost}/{@code sendGet}/{@code sendPatch} for the
 * calls it lacks; DELETE calls, which it cannot send, go over plain HTTP with MLflow's JSON body.
 */
class MlflowRegistryJavaClientTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    static Path home;

    static StewardServer server;
    static MlflowClient client;
    static HttpTestClient http;
    static String token;
    static MlflowRegistryFixture fixture;

    @BeforeAll
    static void start() {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))));
        token = server.createdAdminToken().orElseThrow();
        client = new MlflowClient(new BasicMlflowHostCreds(server.uri().toString(), token));
        http = new HttpTestClient(server.uri());
        fixture = new MlflowRegistryFixture(http, token, "registry-client");
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @Test
    void theClientReadsARegisteredModelItsVersionsAndWhereToDownloadThem() {
        JsonNode run = fixture.runWithModel(ONNX_FOLDER);
        fixture.registerModel(run.get("run_id").asText(), "client-read");

        RegisteredModel model = client.getRegisteredModel("client-read");
        assertThat(model.getName()).isEqualTo("client-read");
        assertThat(model.getCreationTimestamp()).isPositive();
        assertThat(model.getLatestVersionsList()).extracting(ModelVersion::getVersion, ModelVersion::getCurrentStage)
                .containsExactly(tuple("1", "None"));

        ModelVersion version = client.getModelVersion("client-read", "1");
        assertThat(version.getStatus()).isEqualTo(ModelVersionStatus.READY);
        assertThat(version.getCurrentStage()).isEqualTo("None");
        assertThat(version.getSource()).isEqualTo(run.get("artifact_uri").asText() + "/model");
        assertThat(version.getRunId()).isEqualTo(run.get("run_id").asText());
        assertThat(version.getUserId()).isEqualTo("admin");
        assertThat(version.getLastUpdatedTimestamp()).isGreaterThanOrEqualTo(version.getCreationTimestamp());

        assertThat(client.getLatestVersions("client-read")).extracting(ModelVersion::getVersion).containsExactly("1");
        assertThat(client.getLatestVersions("client-read", List.of("Production"))).isEmpty();
        assertThat(client.getLatestVersions("client-read", List.of("none"))).extracting(ModelVersion::getVersion).containsExactly("1");
        assertThat(client.getModelVersionDownloadUri("client-read", "1")).isEqualTo(run.get("artifact_uri").asText() + "/model");
    }

    @Test
    void stageTransitionsPromoteArchiveAndBringBack() {
        register("client-stages", 2);

        assertThat(transition("client-stages", 1, "Staging", false).get("current_stage").asText()).isEqualTo("Staging");
        assertThat(client.getLatestVersions("client-stages", List.of("Staging"))).extracting(ModelVersion::getVersion).containsExactly("1");

        // Version 2 replaces version 1 in staging; archive_existing_versions archives the version it replaced.
        transition("client-stages", 2, "staging", true);
        assertThat(client.getModelVersion("client-stages", "1").getCurrentStage()).isEqualTo("Archived");
        assertThat(client.getModelVersion("client-stages", "2").getCurrentStage()).isEqualTo("Staging");

        // Holding staging and production, version 2 shows as Production.
        transition("client-stages", 2, "Production", false);
        assertThat(client.getRegisteredModel("client-stages").getLatestVersionsList())
                .extracting(ModelVersion::getVersion, ModelVersion::getCurrentStage)
                .containsExactly(tuple("1", "Archived"), tuple("2", "Production"));

        // None brings an archived version back; promoted to production, it replaces version 2 there (which keeps staging).
        assertThat(transition("client-stages", 1, "None", false).get("current_stage").asText()).isEqualTo("None");
        transition("client-stages", 1, "Production", false);
        assertThat(client.getLatestVersions("client-stages", List.of("Staging", "Production")))
                .extracting(ModelVersion::getVersion, ModelVersion::getCurrentStage)
                .containsExactly(tuple("1", "Production"), tuple("2", "Staging"));

        // None on a version holding an environment would empty it: refused, saying what to do instead.
        assertThatThrownBy(() -> transition("client-stages", 2, "None", false))
                .isInstanceOfSatisfying(MlflowHttpException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(400);
                    assertThat(e.getBodyMessage()).contains("INVALID_STATE").contains("holds staging").contains("roll staging back");
                });
        assertThat(transition("client-stages", 2, "Archived", false).get("current_stage").asText()).isEqualTo("Archived");
        assertThat(client.getLatestVersions("client-stages", List.of("Staging"))).isEmpty();
    }

    @Test
    void versionSearchesFilterByNameRunAndTagsAndPage() {
        List<String> runs = register("client-search", 3);
        client.sendPost("model-versions/set-tag", "{\"name\": \"client-search\", \"version\": \"2\", \"key\": \"team\", \"value\": \"risk\"}");

        ModelVersionsPage all = client.searchModelVersions("name = 'client-search'");
        assertThat(all.getItems()).extracting(ModelVersion::getVersion).containsExactly("3", "2", "1");
        assertThat(all.hasNextPage()).isFalse();

        ModelVersionsPage first = client.searchModelVersions("name='client-search'", 2, List.of("version_number ASC"));
        assertThat(first.getItems()).extracting(ModelVersion::getVersion).containsExactly("1", "2");
        assertThat(first.hasNextPage()).isTrue();
        Page<ModelVersion> second = first.getNextPage();
        assertThat(second.getItems()).extracting(ModelVersion::getVersion).containsExactly("3");
        assertThat(second.hasNextPage()).isFalse();

        assertThat(client.searchModelVersions("run_id = '" + runs.get(0) + "'").getItems()).extracting(ModelVersion::getVersion)
                .containsExactly("1");
        assertThat(client.searchModelVersions("run_id IN ('" + runs.get(0) + "', '" + runs.get(2) + "')").getItems())
                .extracting(ModelVersion::getVersion).containsExactly("3", "1");
        assertThat(client.searchModelVersions("name = 'client-search' AND tags.team = 'risk'").getItems())
                .extracting(ModelVersion::getVersion, ModelVersion::getName).containsExactly(tuple("2",
                        "client-search"));
    }

    @Test
    void registeredModelSearchesFilterOrderAndPage() {
        for (String name : List.of("paged-b", "paged-a", "paged-c")) {
            client.sendPost("registered-models/create", "{\"name\": \"" + name + "\", \"tags\": [{\"key\": \"group\", \"value\": \"paged\"}]}");
        }

        JsonNode first = read(client.sendGet("registered-models/search?filter=name%20LIKE%20%27paged-%25%27&max_results=2"));
        assertThat(first.get("registered_models")).extracting(m -> m.get("name").asText()).containsExactly("paged-a", "paged-b");
        JsonNode second = read(client.sendGet("registered-models/search?filter=name%20LIKE%20%27paged-%25%27&max_results=2&page_token="
                + first.get("next_page_token").asText()));
        assertThat(second.get("registered_models")).extracting(m -> m.get("name").asText()).containsExactly("paged-c");
        assertThat(second.has("next_page_token")).isFalse();

        JsonNode byTag = read(client.sendGet("registered-models/search?filter=tags.group%20%3D%20%27paged%27&order_by=name%20DESC"));
        assertThat(byTag.get("registered_models")).extracting(m -> m.get("name").asText()).containsExactly("paged-c", "paged-b", "paged-a");
    }

    @Test
    void descriptionsTagsAliasesRenamesAndDeletesAreSeenByTheClient() {
        register("client-edit", 1);

        client.sendPatch("model-versions/update", "{\"name\": \"client-edit\", \"version\": \"1\", \"description\": \"first cut\"}");
        client.sendPatch("registered-models/update", "{\"name\": \"client-edit\", \"description\": \"fraud scores\"}");
        client.sendPost("model-versions/set-tag", "{\"name\": \"client-edit\", \"version\": \"1\", \"key\": \"reviewed\", \"value\": \"yes\"}");
        client.sendPost("registered-models/set-tag", "{\"name\": \"client-edit\", \"key\": \"team\", \"value\": \"risk\"}");
        client.sendPost("registered-models/alias", "{\"name\": \"client-edit\", \"alias\": \"champion\", \"version\": \"1\"}");

        ModelVersion version = client.getModelVersion("client-edit", "1");
        assertThat(version.getDescription()).isEqualTo("first cut");
        assertThat(version.getTagsList()).extracting(t -> t.getKey() + "=" + t.getValue()).containsExactly("reviewed=yes");
        assertThat(version.getAliasesList()).containsExactly("champion");
        RegisteredModel model = client.getRegisteredModel("client-edit");
        assertThat(model.getDescription()).isEqualTo("fraud scores");
        assertThat(model.getTagsList()).extracting(t -> t.getKey() + "=" + t.getValue()).containsExactly("team=risk");
        assertThat(model.getAliasesList()).extracting(a -> a.getAlias() + "=" + a.getVersion()).containsExactly("champion=1");
        assertThat(read(client.sendGet("registered-models/alias?name=client-edit&alias=champion")).at("/model_version/version").asText())
                .isEqualTo("1");

        delete("/model-versions/delete-tag", "{\"name\": \"client-edit\", \"version\": \"1\", \"key\": \"reviewed\"}");
        delete("/registered-models/delete-tag", "{\"name\": \"client-edit\", \"key\": \"team\"}");
        delete("/registered-models/alias", "{\"name\": \"client-edit\", \"alias\": \"champion\"}");
        assertThat(client.getModelVersion("client-edit", "1").getTagsCount()).isZero();
        assertThat(client.getRegisteredModel("client-edit").getTagsCount()).isZero();
        assertThat(client.getRegisteredModel("client-edit").getAliasesCount()).isZero();

        client.sendPost("registered-models/rename", "{\"name\": \"client-edit\", \"new_name\": \"client-renamed\"}");
        assertThat(client.getModelVersion("client-renamed", "1").getName()).isEqualTo("client-renamed");
        assertNotFound(() -> client.getRegisteredModel("client-edit"), "Registered Model with name=client-edit not found");

        delete("/model-versions/delete", "{\"name\": \"client-renamed\", \"version\": \"1\"}");
        assertNotFound(() -> client.getModelVersion("client-renamed", "1"), "Model Version (name=client-renamed, version=1) not found");
        delete("/registered-models/delete", "{\"name\": \"client-renamed\"}");
        assertNotFound(() -> client.getRegisteredModel("client-renamed"), "Registered Model with name=client-renamed not found");
    }

    @Test
    void badVersionsAndStagesAreMlflowsErrors() {
        register("client-errors", 1);

        assertThatThrownBy(() -> client.getModelVersion("client-errors", "one"))
                .isInstanceOfSatisfying(MlflowHttpException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(400);
                    assertThat(e.getBodyMessage()).contains("INVALID_PARAMETER_VALUE").contains("Model version must be an integer, got 'one'");
                });
        assertThatThrownBy(() -> client.getLatestVersions("client-errors", List.of("Canary")))
                .isInstanceOfSatisfying(MlflowHttpException.class, e -> assertThat(e.getBodyMessage())
                        .contains("Invalid Model Version stage: Canary. Value must be one of None, Staging, Production, Archived."));
        assertNotFound(() -> client.getModelVersion("client-errors", "7"), "Model Version (name=client-errors, version=7) not found");
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** A model with {@code count} versions, each from a run of its own; the runs' ids. */
    private static List<String> register(String name, int count) {
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String runId = fixture.runWithModel(ONNX_FOLDER).get("run_id").asText();
            assertThat(fixture.registerModel(runId, name).get("status").asText()).isEqualTo("READY");
            runs.add(runId);
        }
        return runs;
    }

    private static JsonNode transition(String name, int version, String stage, boolean archiveExisting) {
        return read(client.sendPost("model-versions/transition-stage", "{\"name\": \"" + name + "\", \"version\": \"" + version
                + "\", \"stage\": \"" + stage + "\", \"archive_existing_versions\": " + archiveExisting + "}")).get("model_version");
    }

    private static void delete(String path, String body) {
        HttpResponse<String> response = http.send("DELETE", API + path, token, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{}");
    }

    private static void assertNotFound(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(MlflowHttpException.class, e -> {
            assertThat(e.getStatusCode()).isEqualTo(404);
            assertThat(e.getBodyMessage()).contains("RESOURCE_DOES_NOT_EXIST").contains(message);
        });
    }

    private static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
