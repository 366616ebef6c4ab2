package dev.steward.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.audit.AuditLog;
import dev.steward.core.data.DatasetService;
import dev.steward.core.registry.LineageService;
import dev.steward.core.registry.ModelCards;
import dev.steward.core.registry.PromotionService;
import dev.steward.core.registry.RegistryService;
import dev.steward.core.registry.policy.PolicyParser;
import dev.steward.core.registry.policy.PromotionContext;
import dev.steward.core.tracking.TrackingService;
import dev.steward.core.training.ModelPackage;
import dev.steward.core.training.StoredPackage;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import dev.steward.spi.ErrorCategory;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactRef;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.data.ReadOptions;
import dev.steward.spi.data.TableReader;
import dev.steward.spi.registry.ApprovalRecord;
import dev.steward.spi.registry.ModelVersionRecord;
import dev.steward.spi.store.MetadataStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model registry on every metadata store: models, versions, aliases, search, promotions
 * under a policy with approvals, rollback, revocation and lineage. The evaluator is replaced by
 * a table of metrics per model digest (the real evaluator is exercised end to end by the server
 * tests); everything else is real.
 */
public abstract class RegistryContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Caller ALICE = caller("tok_alice", "alice", Role.EDITOR);
    private static final Caller BOB = caller("tok_bob", "bob", Role.DEPLOYER);
    private static final Caller CAROL = caller("tok_carol", "carol", Role.DEPLOYER);
    private static final Caller ADMIN = caller("tok_admin", "admin", Role.ADMIN);

    @TempDir
    protected Path files;

    private MetadataStore store;
    private ArtifactStore artifacts;
    private DatasetService datasets;
    private RegistryService registry;
    private PromotionService promotions;
    private LineageService lineage;
    private final Map<String, Map<String, Double>> metricsByDigest = new HashMap<>();
    private final AtomicInteger evaluations = new AtomicInteger();
    private final List<String> published = new java.util.concurrent.CopyOnWriteArrayList<>();

    protected abstract MetadataStore newStore();

    protected abstract ArtifactStore newArtifactStore();

    protected abstract TableReader reader();

    private static Caller caller(String id, String name, Role role) {
        return new Caller(new Actor(id, name, role), "0".repeat(64));
    }

    @BeforeEach
    void open() {
        store = newStore();
        artifacts = newArtifactStore();
        AuditLog audit = new AuditLog(Clock.systemUTC());
        datasets = new DatasetService(store, artifacts, reader(), audit, Clock.systemUTC());
        registry = new RegistryService(store, artifacts, datasets, audit, (tx, type, objectType, objectId, data) -> {
            published.add(type.wireName() + " " + objectId);
            return "evt_test";
        }, Clock.systemUTC());
        PromotionService.PackageEvaluator evaluator = (caller, pkg, dataset, model, version) -> {
            evaluations.incrementAndGet();
            return new PromotionContext.Evaluation("run" + pkg.modelDigest().substring(0, 29), metricsByDigest.get(pkg.modelDigest()), false);
        };
        promotions = new PromotionService(store, registry, datasets, audit, (tx, type, objectType, objectId, data) -> {
            published.add(type.wireName() + " " + objectId);
            return "evt_test";
        }, Clock.systemUTC(), new PolicyParser(PolicyParser.builtInKinds()), evaluator,
                (pkg, rows, calls) -> new PromotionContext.Latency(0.2, 0.4, 3, calls));
        lineage = new LineageService(store, registry, promotions, new TrackingService(store, artifacts, audit, Clock.systemUTC()), datasets,
                audit);
    }

    @AfterEach
    void close() {
        store.close();
        artifacts.close();
    }

    @Test
    void modelsAreCreatedRenamedTaggedSearchedAndDeletedWithTheirNameFreedAgain() {
        registry.createModel(ALICE, "fraud-detector", Optional.of("cards"), Map.of("team", "risk"));
        registry.createModel(ALICE, "churn", Optional.empty(), Map.of("team", "growth"));
        registry.createModel(ALICE, "Fraud-Legacy", Optional.empty(), Map.of());
        assertThatThrownBy(() -> registry.createModel(ALICE, "churn", Optional.empty(), Map.of()))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.code().category()).isEqualTo(ErrorCategory.CONFLICT));
        assertThatThrownBy(() -> registry.createModel(ALICE, "bad name!", Optional.empty(), Map.of()))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("name"));

        assertThat(names(registry.searchModels("name LIKE 'fraud%'", List.of(), null, null).items())).containsExactly("fraud-detector");
        assertThat(names(registry.searchModels("name ILIKE 'FRAUD%'", List.of(), null, null).items())).containsExactly("Fraud-Legacy",
                "fraud-detector");
        assertThat(names(registry.searchModels("tags.team = 'growth'", List.of(), null, null).items())).containsExactly("churn");
        var firstPage = registry.searchModels("", List.of("name DESC"), 2, null);
        assertThat(names(firstPage.items())).containsExactly("fraud-detector", "churn");
        assertThat(names(registry.searchModels("", List.of("name DESC"), 2, firstPage.nextPageToken().orElseThrow()).items()))
                .containsExactly("Fraud-Legacy");
        assertThatThrownBy(() -> registry.searchModels("name LIKE", List.of(), null, null)).hasMessageContaining("position 9");

        registry.renameModel(ALICE, "churn", "churn-v2");
        registry.setModelTag(ALICE, "churn-v2", "tier", "gold");
        assertThat(registry.model("churn-v2").model().tags()).containsEntry("tier", "gold").containsEntry("team", "growth");
        assertThatThrownBy(() -> registry.model("churn")).isInstanceOfSatisfying(StewardException.class,
                e -> assertThat(e.code().category()).isEqualTo(ErrorCategory.NOT_FOUND));

        registry.deleteModel(ALICE, "churn-v2");
        assertThat(names(registry.searchModels("", List.of(), null, null).items())).doesNotContain("churn-v2");
        assertThat(registry.createModel(ALICE, "churn-v2", Optional.empty(), Map.of()).model().tags()).as("a new model with the freed name")
                .isEmpty();
    }

    @Test
    void versionsAreNumberedPerModelAliasedSearchedAndResolvedByUri() {
        DatasetVersion data = dataset();
        var v1 = register("penguins", data, "digest-one", Optional.of("0123456789abcdef0123456789abcdef"));
        var v2 = register("penguins", data, "digest-two", Optional.empty());
        var other = register("other", data, "digest-three", Optional.of("0123456789abcdef0123456789abcdef"));
        var failed = registry.registerFailed(ALICE, "penguins", new RegistryService.Source("mlflow", "runs:/x/model", Optional.empty()),
                "Steward serves ONNX only", Map.of("flavor", "sklearn"), Optional.empty(), false);

        assertThat(List.of(v1.version().version(), v2.version().version(), failed.version().version())).containsExactly(1, 2, 3);
        assertThat(other.version().version()).isEqualTo(1);
        assertThat(failed.version().status()).isEqualTo(ModelVersionRecord.FAILED);
        assertThat(registry.searchVersions("run_id = '0123456789abcdef0123456789abcdef'", List.of(), null, null).items())
                .extracting(v -> v.version().modelName() + "/" + v.version().version()).containsExactlyInAnyOrder("penguins/1", "other/1");
        assertThat(registry.searchVersions("name = 'penguins' AND version_number > 1", List.of(), null, null).items())
                .extracting(v -> v.version().version()).containsExactly(3, 2);
        assertThat(registry.searchVersions("tags.flavor = 'sklearn'", List.of(), null, null).items()).hasSize(1);

        registry.setAlias(ALICE, "penguins", "champion", 2);
        assertThat(registry.byAlias("penguins", "champion").version().version()).isEqualTo(2);
        assertThat(registry.version("penguins", 2).aliases()).containsExactly("champion");
        assertThat(registry.resolve(new dev.steward.core.registry.ModelUri.Registered("penguins", Optional.empty(), Optional.of("champion")))
                .version().version()).isEqualTo(2);
        assertThatThrownBy(() -> registry.setAlias(ALICE, "penguins", "production", 1)).hasMessageContaining("is an environment");
        assertThatThrownBy(() -> registry.setAlias(ALICE, "penguins", "latest", 1)).hasMessageContaining("reserved");
        assertThatThrownBy(() -> registry.setAlias(ALICE, "penguins", "broken", 3)).hasMessageContaining("failed");
        assertThatThrownBy(() -> registry.byAlias("penguins", "nope")).hasMessageContaining("alias nope not found");
        assertThatThrownBy(() -> registry.version("penguins", 9)).hasMessageContaining("version=9");

        registry.revoke(ADMIN, "penguins", 2, "trained on leaked labels");
        assertThat(registry.version("penguins", 2).version().revocation()).hasValueSatisfying(r ->
                assertThat(r.reason()).isEqualTo("trained on leaked labels"));
        assertThat(registry.version("penguins", 2).aliases()).as("a revoked version loses its aliases").isEmpty();
        assertThatThrownBy(() -> registry.setAlias(ALICE, "penguins", "champion", 2)).hasMessageContaining("revoked");
        registry.deleteVersion(ALICE, "penguins", 1);
        assertThatThrownBy(() -> registry.version("penguins", 1)).hasMessageContaining("not found");
        assertThat(register("penguins", data, "digest-four", Optional.empty()).version().version()).as("numbers are never reused").isEqualTo(4);
    }

    @Test
    void aPolicyDecidesPromotionsWithEvidenceApprovalsAndFourEyesAndRollbackSkipsRevokedVersions() {
        DatasetVersion data = dataset();
        metricsByDigest.put(digest("good"), Map.of("f1_macro", 0.95, "accuracy", 0.96));
        metricsByDigest.put(digest("worse"), Map.of("f1_macro", 0.91, "accuracy", 0.92));
        metricsByDigest.put(digest("better"), Map.of("f1_macro", 0.97, "accuracy", 0.97));
        register("penguins", data, "good", Optional.empty());
        register("penguins", data, "worse", Optional.empty());
        register("penguins", data, "better", Optional.empty());

        assertThat(promotions.promote(BOB, "penguins", 1, "production", Optional.empty()).promoted()).as("no policy: safety criteria only")
                .isTrue();
        assertThatThrownBy(() -> promotions.setPolicy(ADMIN, "penguins", "production", "criteria:\n  - metric: 'f1_score >= 0.9 on "
                + data.datasetName() + "@" + data.version() + "'\n")).isInstanceOfSatisfying(StewardException.class,
                e -> assertThat(e.field()).contains("criteria[0].metric"));
        assertThatThrownBy(() -> promotions.setPolicy(ADMIN, "penguins", "production", "criteria:\n  - metric: 'f1_macro >= 0.9 on nope@1'\n"))
                .hasMessageContaining("nope");
        assertThatThrownBy(() -> promotions.setPolicy(ADMIN, "penguins", "production", "criteria:\n  - kind: fairness\n"))
                .hasMessageContaining("unknown criterion kind 'fairness'");
        assertThatThrownBy(() -> promotions.setPolicy(ADMIN, "penguins", "moon", "criteria: [data_validated]")).hasMessageContaining("moon");
        String on = data.datasetName() + "@" + data.version();
        promotions.setPolicy(ADMIN, "penguins", "production", """
                criteria:
                  - metric: "f1_macro >= 0.9 on %s"
                  - metric: "f1_macro >= current - 0.01 on %s"
                  - approvals: {count: 1, role: deployer, four_eyes: true}
                """.formatted(on, on));

        var refused = promotions.promote(BOB, "penguins", 2, "production", Optional.empty());
        assertThat(refused.promoted()).isFalse();
        JsonNode comparison = criterion(refused.reportJson(), "metric", 1);
        assertThat(comparison.get("passed").asBoolean()).isFalse();
        assertThat(comparison.get("observed").asText()).isEqualTo("0.91");
        assertThat(comparison.get("expected").asText()).isEqualTo(">= 0.94 (version 1: 0.95 - 0.01)");
        assertThat(comparison.get("evidence")).hasSize(2);
        assertThat(criterion(refused.reportJson(), "approvals", 0).get("observed").asText()).contains("no approval was requested");
        assertThat(registry.byAlias("penguins", "production").version().version()).isEqualTo(1);

        promotions.requestApproval(ALICE, "penguins", 3, "production", Optional.of("better on every class"));
        assertThatThrownBy(() -> promotions.decide(ALICE, "penguins", 3, "production", ApprovalRecord.APPROVE, Optional.empty()))
                .as("an editor is not an approver").hasMessageContaining("deployer");
        registerAs(BOB, "penguins", data, "better-by-bob");
        assertThatThrownBy(() -> promotions.decide(BOB, "penguins", 4, "production", ApprovalRecord.APPROVE, Optional.empty()))
                .hasMessageContaining("nobody requested approval");
        promotions.requestApproval(ALICE, "penguins", 4, "production", Optional.empty());
        assertThatThrownBy(() -> promotions.decide(BOB, "penguins", 4, "production", ApprovalRecord.APPROVE, Optional.empty()))
                .as("four eyes: bob registered version 4").hasMessageContaining("four eyes");
        promotions.decide(CAROL, "penguins", 3, "production", ApprovalRecord.APPROVE, Optional.of("checked the report"));
        int before = evaluations.get();

        var promoted = promotions.promote(BOB, "penguins", 3, "production", Optional.empty());

        assertThat(promoted.promoted()).as(promoted.reportJson().toPrettyString()).isTrue();
        assertThat(evaluations.get() - before).as("version 1's evaluation on the same data was reused").isEqualTo(1);
        assertThat(registry.byAlias("penguins", "production").version().version()).isEqualTo(3);
        assertThat(registry.version("penguins", 3).stage()).isEqualTo("Production");

        assertThatThrownBy(() -> promotions.promote(BOB, "penguins", 2, "production", Optional.of("hotfix")))
                .as("only an admin overrides").hasMessageContaining("admin");
        var overridden = promotions.promote(ADMIN, "penguins", 2, "production", Optional.of("hotfix for a data bug"));
        assertThat(overridden.promoted()).isTrue();
        assertThat(overridden.report().passed()).isFalse();
        assertThat(overridden.reportJson().get("override_reason").asText()).isEqualTo("hotfix for a data bug");

        registry.revoke(ADMIN, "penguins", 3, "bad calibration");
        var rollback = promotions.rollback(BOB, "penguins", "production", "regression in the field");
        assertThat(rollback.from()).contains(2);
        assertThat(rollback.to()).isEqualTo(1);
        assertThat(rollback.skipped()).containsExactly("version 3 (revoked: bad calibration)");

        registry.revoke(ADMIN, "penguins", 1, "leaked labels");
        assertThatThrownBy(() -> registry.byAlias("penguins", "production")).as("a revoked holder leaves its environment")
                .hasMessageContaining("holds environment 'production'");
        assertThat(promotions.history("penguins", Optional.of("production"))).extracting(p -> p.action() + ":" + p.version().orElse(0))
                .containsExactly("promote:1", "promote:3", "promote:2", "rollback:1", "clear:0");
        var revoked = promotions.promote(ADMIN, "penguins", 3, "production", Optional.of("please"));
        assertThat(revoked.promoted()).as("even an override never promotes a revoked version").isFalse();
        assertThat(revoked.reportJson().get("override_refused").asText()).contains("not ready");
        assertThat(published).contains("promotion.refused penguins/2", "promotion.succeeded penguins/3", "model_version.revoked penguins/1",
                "promotion.rolled_back penguins/1");
    }

    @Test
    void lineageAnswersBothWaysAndTheCardTellsTheStory() {
        DatasetVersion data = dataset();
        metricsByDigest.put(digest("good"), Map.of("f1_macro", 0.95));
        register("penguins", data, "good", Optional.empty());
        promotions.promote(BOB, "penguins", 1, "production", Optional.empty());
        registry.updateVersion(ALICE, "penguins", 1, new ModelVersionRecord.Notes(Optional.empty(), Optional.of("Sort penguins <by> species"),
                Optional.of("Only three islands")));
        promotions.setPolicy(ADMIN, "penguins", "staging", "criteria:\n  - metric: 'f1_macro >= 0.9 on " + data.datasetName() + "@"
                + data.version() + "'\n");
        register("penguins", data, "good", Optional.empty());
        promotions.promote(BOB, "penguins", 2, "staging", Optional.empty());

        JsonNode fromData = lineage.dataset(data.datasetName(), data.version());
        assertThat(fromData.get("model_versions").findValuesAsText("version")).containsExactly("1", "2");
        assertThat(fromData.get("model_versions").get(0).get("via").asText()).isEqualTo("training_data");
        JsonNode fromModel = lineage.model("penguins", 2);
        assertThat(fromModel.at("/datasets/0/sha256").asText()).isEqualTo(data.sha256());
        assertThat(fromModel.get("evaluations")).hasSize(1);
        assertThat(fromModel.get("promotion_reports")).hasSize(1);
        assertThat(fromModel.get("promotions").findValuesAsText("environment")).containsExactly("staging");

        String html = ModelCards.html(lineage.model("penguins", 1));
        assertThat(html).contains("Sort penguins &lt;by&gt; species", "Only three islands", data.sha256(), "production").doesNotContain("<by>");
        assertThat(ModelCards.markdown(lineage.model("penguins", 2))).contains("# Model card: penguins version 2", "| f1_macro |",
                "Not written yet");
    }

    private static JsonNode criterion(JsonNode report, String kind, int index) {
        int seen = 0;
        for (JsonNode c : report.get("criteria")) {
            if (c.get("kind").asText().equals(kind) && seen++ == index) {
                return c;
            }
        }
        throw new AssertionError("no criterion " + kind + "[" + index + "] in " + report.toPrettyString());
    }

    private static List<String> names(List<RegistryService.ModelDetails> models) {
        return models.stream().map(m -> m.model().name()).toList();
    }

    private DatasetVersion dataset() {
        try {
            Path file = Files.writeString(files.resolve("train.csv"), "x,y\n1,a\n2,b\n3,a\n");
            return datasets.importFile(ALICE, "train", file, "train.csv", ReadOptions.detect(), Optional.empty(), Map.of()).version();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String digest(String graph) {
        return dev.steward.core.util.Digests.sha256Hex(graph);
    }

    private RegistryService.VersionDetails register(String name, DatasetVersion data, String graph, Optional<String> runId) {
        return registerAs(ALICE, name, data, graph, runId);
    }

    private RegistryService.VersionDetails registerAs(Caller caller, String name, DatasetVersion data, String graph) {
        return registerAs(caller, name, data, graph, Optional.empty());
    }

    /** Stores a package whose "graph" is the given text (no runtime reads it here) and registers it. */
    private RegistryService.VersionDetails registerAs(Caller caller, String name, DatasetVersion data, String graph, Optional<String> runId) {
        byte[] onnx = graph.getBytes(StandardCharsets.UTF_8);
        ArtifactRef onnxRef = artifacts.put(new ByteArrayInputStream(onnx), onnx.length);
        ObjectNode manifest = JSON.createObjectNode().put("format", "steward-model").put("format_version", 1)
                .put("model_digest", onnxRef.sha256()).put("task", "binary_classification");
        manifest.putArray("inputs").addObject().put("name", "x").put("datatype", "FP64").putArray("shape").add(-1).add(1);
        manifest.putArray("outputs").addObject().put("name", "label").put("datatype", "BYTES").putArray("shape").add(-1);
        manifest.putArray("classes").add("a").add("b");
        manifest.putObject("metrics").put("f1_macro", 0.99);
        manifest.putArray("training_data").addObject().put("dataset", data.datasetName()).put("version", data.version())
                .put("sha256", data.sha256()).put("target", "y");
        byte[] manifestBytes;
        try {
            manifestBytes = JSON.writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ArtifactRef manifestRef = artifacts.put(new ByteArrayInputStream(manifestBytes), manifestBytes.length);
        StoredPackage pkg = new StoredPackage(manifestRef, onnxRef, ModelPackage.readManifest(manifestBytes));
        return registry.registerPackage(caller, name, pkg, new RegistryService.Source(runId.isPresent() ? "run" : "onnx", runId.map(r -> "runs:/"
                + r + "/model").orElse("upload"), runId), Map.of(), Optional.empty(), true);
    }
}
