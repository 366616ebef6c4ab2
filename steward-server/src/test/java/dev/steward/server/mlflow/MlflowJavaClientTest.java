package dev.steward.server.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.server.Steward;
import dev.steward.server.StewardServer;
import dev.steward.server.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.ExperimentsPage;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.RunsPage;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * Steward driven by the official MLflow Java client ({@code org.mlflow:mlflow-client}), with
 * expectations written from MLflow's documented behaviour.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MlflowJavaClientTest {
    @TempDir
    static Path home;

    static StewardServer server;
    static MlflowClient client;

    @BeforeAll
    void start() {
        server = startServer(home);
        client = new MlflowClient(new BasicMlflowHostCreds(server.uri().toString(), adminToken(server)));
    }

    /** The server the tests talk to: here a new one on an empty home; subclasses run them on other stores. */
    StewardServer startServer(Path home) {
        return StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))));
    }

    String adminToken(StewardServer server) {
        return server.createdAdminToken().orElseThrow();
    }

    @AfterAll
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void theDefaultExperimentExistsWithIdZero() {
        Experiment experiment = client.getExperiment("0");

        assertThat(experiment.getName()).isEqualTo("Default");
        assertThat(experiment.getLifecycleStage()).isEqualTo("active");
        assertThat(experiment.getArtifactLocation()).isEqualTo("mlflow-artifacts:/0");
    }

    @Test
    void createsGetsRenamesTagsDeletesAndRestoresExperiments() {
        String id = client.createExperiment("lifecycle");
        client.setExperimentTag(id, "team", "fraud");
        client.renameExperiment(id, "lifecycle-renamed");

        Experiment experiment = client.getExperiment(id);
        assertThat(experiment.getName()).isEqualTo("lifecycle-renamed");
        assertThat(experiment.getTagsList()).extracting(t -> t.getKey() + "=" + t.getValue()).containsExactly("team=fraud");
        assertThat(experiment.getArtifactLocation()).isEqualTo("mlflow-artifacts:/" + id);
        assertThat(client.getExperimentByName("lifecycle-renamed")).map(Experiment::getExperimentId).contains(id);
        assertThat(client.getExperimentByName("no-such-experiment")).isEmpty();

        client.deleteExperiment(id);
        assertThat(client.getExperiment(id).getLifecycleStage()).isEqualTo("deleted");
        assertThat(client.searchExperiments("name = 'lifecycle-renamed'").getItems()).isEmpty();
        assertThat(client.searchExperiments("name = 'lifecycle-renamed'", ViewType.DELETED_ONLY, 10, List.of()).getItems()).hasSize(1);
        client.restoreExperiment(id);
        assertThat(client.getExperiment(id).getLifecycleStage()).isEqualTo("active");
    }

    @Test
    void aDuplicateExperimentNameIsRejectedWithMlflowsErrorCode() {
        client.createExperiment("twice");

        assertThatThrownBy(() -> client.createExperiment("twice"))
                .isInstanceOfSatisfying(MlflowHttpException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(400);
                    assertThat(e.getBodyMessage()).contains("RESOURCE_ALREADY_EXISTS");
                });
    }

    @Test
    void unknownIdsAnswer404WithResourceDoesNotExist() {
        assertThatThrownBy(() -> client.getRun("0123456789abcdef0123456789abcdef"))
                .isInstanceOfSatisfying(MlflowHttpException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(404);
                    assertThat(e.getBodyMessage()).contains("RESOURCE_DOES_NOT_EXIST");
                });
        assertThatThrownBy(() -> client.getExperiment("987654"))
                .isInstanceOfSatisfying(MlflowHttpException.class, e -> assertThat(e.getStatusCode()).isEqualTo(404));
    }

    @Test
    void logsParamsMetricsTagsAndBatchesToARun() {
        String experiment = client.createExperiment("logging");
        RunInfo info = client.createRun(experiment);
        String runId = info.getRunId();

        client.logParam(runId, "alpha", "0.5");
        client.logMetric(runId, "loss", 0.9, 1000, 0);
        client.logMetric(runId, "loss", 0.5, 1001, 1);
        client.logMetric(runId, "loss", 0.7, 999, 1);
        client.setTag(runId, "team", "fraud");
        client.logBatch(runId,
                List.of(metric("acc", 0.8, 2000, 0), metric("acc", 0.85, 2001, 1)),
                List.of(Param.newBuilder().setKey("depth").setValue("7").build()),
                List.of(RunTag.newBuilder().setKey("stage").setValue("dev").build()));

        Run run = client.getRun(runId);
        assertThat(run.getInfo().getStatus()).isEqualTo(RunStatus.RUNNING);
        assertThat(run.getInfo().getExperimentId()).isEqualTo(experiment);
        assertThat(run.getInfo().getArtifactUri()).isEqualTo("mlflow-artifacts:/" + experiment + "/" + runId + "/artifacts");
        assertThat(params(run)).containsEntry("alpha", "0.5").containsEntry("depth", "7");
        assertThat(tags(run)).containsEntry("team", "fraud").containsEntry("stage", "dev").containsKey("mlflow.runName");
        // The latest value is the one with the highest step, then the latest timestamp.
        assertThat(metrics(run)).containsEntry("loss", 0.5).containsEntry("acc", 0.85);

        List<Metric> history = client.getMetricHistory(runId, "loss");
        assertThat(history).extracting(Metric::getValue).containsExactly(0.9, 0.7, 0.5);
        assertThat(history).extracting(Metric::getStep).containsExactly(0L, 1L, 1L);

        client.deleteTag(runId, "team");
        assertThat(tags(client.getRun(runId))).doesNotContainKey("team");
    }

    @Test
    void specialMetricValuesAreStoredAsMlflowDoes() {
        String runId = client.createRun(client.createExperiment("special-values")).getRunId();

        client.logMetric(runId, "nan", Double.NaN, 1, 0);
        client.logMetric(runId, "inf", Double.POSITIVE_INFINITY, 1, 0);
        client.logMetric(runId, "neg_inf", Double.NEGATIVE_INFINITY, 1, 0);

        Map<String, Double> metrics = metrics(client.getRun(runId));
        assertThat(metrics.get("nan")).isNaN();
        assertThat(metrics.get("inf")).isEqualTo(Double.MAX_VALUE);
        assertThat(metrics.get("neg_inf")).isEqualTo(-Double.MAX_VALUE);
    }

    @Test
    void paramsCannotBeOverwrittenButTheSameValueMayBeLoggedAgain() {
        String runId = client.createRun(client.createExperiment("immutable-params")).getRunId();
        client.logParam(runId, "lr", "0.1");
        client.logParam(runId, "lr", "0.1");

        assertThatThrownBy(() -> client.logParam(runId, "lr", "0.2"))
                .isInstanceOfSatisfying(MlflowHttpException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(400);
                    assertThat(e.getBodyMessage()).contains("INVALID_PARAMETER_VALUE").contains("Changing param values is not allowed");
                });
        assertThat(params(client.getRun(runId))).containsEntry("lr", "0.1");
    }

    @Test
    void aRejectedBatchWritesNothing() {
        String runId = client.createRun(client.createExperiment("atomic-batch")).getRunId();
        client.logParam(runId, "fixed", "1");

        assertThatThrownBy(() -> client.logBatch(runId, List.of(metric("m", 1.0, 1, 0)),
                List.of(Param.newBuilder().setKey("fresh").setValue("x").build(), Param.newBuilder().setKey("fixed").setValue("2").build()),
                List.of(RunTag.newBuilder().setKey("t").setValue("v").build())))
                .isInstanceOf(MlflowHttpException.class);

        Run run = client.getRun(runId);
        assertThat(params(run)).containsOnlyKeys("fixed");
        assertThat(metrics(run)).isEmpty();
        assertThat(tags(run)).doesNotContainKey("t");
    }

    @Test
    void terminatesRunsAndDeletesAndRestoresThem() {
        String experiment = client.createExperiment("terminate");
        String runId = client.createRun(experiment).getRunId();

        client.setTerminated(runId, RunStatus.FAILED, 123_456L);
        RunInfo info = client.getRun(runId).getInfo();
        assertThat(info.getStatus()).isEqualTo(RunStatus.FAILED);
        assertThat(info.getEndTime()).isEqualTo(123_456L);

        client.deleteRun(runId);
        assertThat(client.getRun(runId).getInfo().getLifecycleStage()).isEqualTo("deleted");
        assertThat(client.searchRuns(List.of(experiment), "")).isEmpty();
        assertThat(client.searchRuns(List.of(experiment), "", ViewType.DELETED_ONLY)).hasSize(1);
        client.restoreRun(runId);
        assertThat(client.searchRuns(List.of(experiment), "")).extracting(RunInfo::getRunId).containsExactly(runId);
    }

    @Test
    void searchesRunsWithFiltersOrderingAndPaging() {
        String experiment = client.createExperiment("search");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String runId = client.createRun(CreateRun.newBuilder().setExperimentId(experiment).setRunName("run-" + i)
                    .setStartTime(1_000L + i).build()).getRunId();
            ids.add(runId);
            client.logMetric(runId, "acc", 0.5 + i * 0.07, 1, 0);
            client.logParam(runId, "model", i % 2 == 0 ? "forest" : "linear");
            client.setTag(runId, "mlflow.user", i < 3 ? "alice" : "bob");
        }

        List<String> good = client.searchRuns(List.of(experiment), "metrics.acc > 0.8").stream().map(RunInfo::getRunName).toList();
        assertThat(good).containsExactly("run-6", "run-5");

        RunsPage forests = client.searchRuns(List.of(experiment), "params.model = 'forest' and tags.`mlflow.user` LIKE 'b%'",
                ViewType.ACTIVE_ONLY, 100, List.of("metrics.acc ASC"));
        assertThat(forests.getItems()).extracting(r -> r.getInfo().getRunName()).containsExactly("run-4", "run-6");

        RunsPage first = client.searchRuns(List.of(experiment), "", ViewType.ACTIVE_ONLY, 3, List.of("attributes.start_time ASC"));
        assertThat(first.getItems()).extracting(r -> r.getInfo().getRunName()).containsExactly("run-0", "run-1", "run-2");
        assertThat(first.hasNextPage()).isTrue();
        RunsPage second = (RunsPage) first.getNextPage();
        assertThat(second.getItems()).extracting(r -> r.getInfo().getRunName()).containsExactly("run-3", "run-4", "run-5");
        RunsPage third = (RunsPage) second.getNextPage();
        assertThat(third.getItems()).extracting(r -> r.getInfo().getRunName()).containsExactly("run-6");
        assertThat(third.hasNextPage()).isFalse();

        assertThat(client.searchRuns(List.of(experiment), "attributes.run_name ILIKE 'RUN-1%'")).extracting(RunInfo::getRunName)
                .containsExactly("run-1");
        assertThat(client.searchRuns(List.of(experiment), "attributes.run_id IN ('" + ids.get(0) + "', '" + ids.get(1) + "')"))
                .hasSize(2);
    }

    @Test
    void anInvalidFilterIsRejectedWithItsPosition() {
        assertThatThrownBy(() -> client.searchRuns(List.of("0"), "metrics.acc >> 0.9"))
                .isInstanceOfSatisfying(MlflowHttpException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(400);
                    assertThat(e.getBodyMessage()).contains("INVALID_PARAMETER_VALUE").contains("position 14");
                });
        assertThatThrownBy(() -> client.searchRuns(List.of("0"), "metrics.acc > 'high'"))
                .isInstanceOfSatisfying(MlflowHttpException.class,
                        e -> assertThat(e.getBodyMessage()).contains("Expected numeric value type for metric"));
    }

    @Test
    void searchesExperimentsByNameAndPagesThroughThem() {
        for (int i = 0; i < 5; i++) {
            client.createExperiment("paged-" + i);
        }
        ExperimentsPage page = client.searchExperiments("name LIKE 'paged-%'", ViewType.ACTIVE_ONLY, 2, List.of("name DESC"));
        List<String> names = new ArrayList<>(page.getItems().stream().map(Experiment::getName).toList());
        while (page.hasNextPage()) {
            page = (ExperimentsPage) page.getNextPage();
            page.getItems().forEach(e -> names.add(e.getName()));
        }
        assertThat(names).containsExactly("paged-4", "paged-3", "paged-2", "paged-1", "paged-0");
    }

    private static Metric metric(String key, double value, long timestamp, long step) {
        return Metric.newBuilder().setKey(key).setValue(value).setTimestamp(timestamp).setStep(step).build();
    }

    private static Map<String, String> params(Run run) {
        return run.getData().getParamsList().stream().collect(Collectors.toMap(Param::getKey, Param::getValue));
    }

    private static Map<String, String> tags(Run run) {
        return run.getData().getTagsList().stream().collect(Collectors.toMap(RunTag::getKey, RunTag::getValue));
    }

    private static Map<String, Double> metrics(Run run) {
        return run.getData().getMetricsList().stream().collect(Collectors.toMap(Metric::getKey, Metric::getValue));
    }
}
