package dev.steward.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.core.audit.AuditLog;
import dev.steward.core.tracking.Page;
import dev.steward.core.tracking.TrackingService;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.store.AuditQuery;
import dev.steward.spi.store.MetadataStore;
import dev.steward.spi.tracking.DatasetInput;
import dev.steward.spi.tracking.Experiment;
import dev.steward.spi.tracking.KeyValue;
import dev.steward.spi.tracking.Metric;
import dev.steward.spi.tracking.Run;
import dev.steward.spi.tracking.RunStatus;
import dev.steward.spi.tracking.ViewType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tracking behaviour that depends on the store's SQL (search translation, ordering, latest
 * metrics, atomic batches, seals), run against every metadata store.
 */
public abstract class TrackingContract {
    private static final Caller ALICE = new Caller(new Actor("tok_alice", "alice", Role.EDITOR), "a".repeat(64));

    protected MetadataStore store;
    protected ArtifactStore artifacts;
    protected TrackingService tracking;
    private AuditLog audit;

    protected abstract MetadataStore newStore();

    protected abstract ArtifactStore newArtifactStore();

    /** Runs SQL on the store's database directly, as someone tampering with it would. */
    protected abstract void tamper(String sql);

    @BeforeEach
    void open() {
        store = newStore();
        artifacts = newArtifactStore();
        audit = new AuditLog(Clock.systemUTC());
        tracking = new TrackingService(store, artifacts, audit, Clock.systemUTC());
        tracking.ensureDefaultExperiment(TrackingService.system());
    }

    @AfterEach
    void close() {
        store.close();
        artifacts.close();
    }

    @Test
    void filtersOnMetricsParamsTagsAttributesAndDatasets() {
        String experiment = tracking.createExperiment(ALICE, "filters", Optional.empty(), List.of());
        List<String> ids = createRuns(experiment, 6);
        tracking.logInputs(ALICE, ids.get(0), List.of(new DatasetInput("penguins", "abc123", "local", "file:/p.csv", Optional.empty(),
                Optional.empty(), List.of(new KeyValue("mlflow.data.context", "training")), Optional.empty())));

        assertThat(names(search(experiment, "metrics.acc >= 0.8"))).containsExactly("run-5", "run-4", "run-3");
        assertThat(names(search(experiment, "metrics.acc > 0.6 AND params.model = 'forest'"))).containsExactly("run-4", "run-2");
        assertThat(names(search(experiment, "params.model != 'forest'"))).containsExactly("run-5", "run-3", "run-1");
        assertThat(names(search(experiment, "tags.owner LIKE 'bo%'"))).containsExactly("run-5", "run-4", "run-3");
        assertThat(names(search(experiment, "attributes.start_time < 1003"))).containsExactly("run-2", "run-1", "run-0");
        assertThat(names(search(experiment, "attributes.status = 'RUNNING' and run_name = 'run-1'"))).containsExactly("run-1");
        assertThat(names(search(experiment, "datasets.name = 'penguins' AND datasets.context = 'training'"))).containsExactly("run-0");
        assertThat(names(search(experiment, "attributes.run_id NOT IN ('" + ids.get(0) + "', '" + ids.get(1) + "')"))).hasSize(4);
        assertThat(names(search(experiment, "metrics.missing > 0"))).isEmpty();
    }

    @Test
    void likeIsCaseSensitiveAndIlikeIsNot() {
        String experiment = tracking.createExperiment(ALICE, "like", Optional.empty(), List.of());
        createRuns(experiment, 2);

        assertThat(names(search(experiment, "attributes.run_name LIKE 'RUN-%'"))).isEmpty();
        assertThat(names(search(experiment, "attributes.run_name ILIKE 'RUN-%'"))).containsExactly("run-1", "run-0");
        assertThat(names(search(experiment, "tags.owner ILIKE 'ALI_E'"))).containsExactly("run-1", "run-0");
    }

    @Test
    void ordersWithMissingValuesLastInBothDirections() {
        String experiment = tracking.createExperiment(ALICE, "ordering", Optional.empty(), List.of());
        List<String> ids = createRuns(experiment, 3);
        String noMetric = tracking.createRun(ALICE, experiment, Optional.empty(), Optional.of(2_000L), List.of(), Optional.of("no-metric"))
                .info().runId();
        String nan = tracking.createRun(ALICE, experiment, Optional.empty(), Optional.of(2_001L), List.of(), Optional.of("nan")).info().runId();
        tracking.logMetric(ALICE, nan, new Metric("acc", Double.NaN, 1, 0));

        assertThat(names(order(experiment, "metrics.acc DESC"))).containsExactly("run-2", "run-1", "run-0", "nan", "no-metric");
        assertThat(names(order(experiment, "metrics.acc ASC"))).containsExactly("run-0", "run-1", "run-2", "nan", "no-metric");
        // Ties (and missing values) fall back to start time, newest first, as in MLflow.
        assertThat(names(order(experiment, "params.model ASC"))).containsExactly("run-2", "run-0", "run-1", "nan", "no-metric");
        assertThat(ids).hasSize(3);
        assertThat(noMetric).isNotEqualTo(nan);
    }

    @Test
    void pagesThroughResultsWithTokens() {
        String experiment = tracking.createExperiment(ALICE, "paging", Optional.empty(), List.of());
        createRuns(experiment, 5);
        List<String> seen = new ArrayList<>();
        String token = null;
        do {
            Page<Run> page = tracking.searchRuns(List.of(experiment), "", ViewType.ACTIVE_ONLY, 2, List.of("attributes.start_time ASC"), token);
            seen.addAll(names(page));
            token = page.nextPageToken().orElse(null);
        } while (token != null);
        assertThat(seen).containsExactly("run-0", "run-1", "run-2", "run-3", "run-4");
    }

    @Test
    void metricKeysNewToTheStoreLoggedByConcurrentWritersAreAllStored() throws Exception {
        String experiment = tracking.createExperiment(ALICE, "concurrent-keys", Optional.empty(), List.of());
        List<String> ids = createRuns(experiment, 8);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<?>> writes = new ArrayList<>();
            for (String runId : ids) {
                writes.add(pool.submit(() -> {
                    start.await();
                    for (int k = 0; k < 5; k++) {
                        // The same new names from every writer: each key is allocated once, whoever comes first.
                        tracking.logMetric(ALICE, runId, new Metric("fresh-key-" + k, k, 1, 0));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (java.util.concurrent.Future<?> write : writes) {
                write.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (String runId : ids) {
            assertThat(tracking.getRun(runId).metrics()).extracting(Metric::key).contains("fresh-key-0", "fresh-key-1", "fresh-key-2",
                    "fresh-key-3", "fresh-key-4");
        }
    }

    @Test
    void keepsTheLatestMetricByStepThenTimestampThenValue() {
        String runId = tracking.createRun(ALICE, "0", Optional.empty(), Optional.empty(), List.of(), Optional.empty()).info().runId();
        tracking.logBatch(ALICE, runId, List.of(new Metric("m", 5, 10, 2), new Metric("m", 9, 5, 1)), List.of(), List.of());
        tracking.logMetric(ALICE, runId, new Metric("m", 1, 11, 2));
        tracking.logMetric(ALICE, runId, new Metric("m", 0.5, 11, 2));
        tracking.logMetric(ALICE, runId, new Metric("m", 100, 99, 0));

        assertThat(tracking.getRun(runId).metrics()).extracting(Metric::value).containsExactly(1.0);
        assertThat(tracking.metricHistory(runId, "m", null, null).items()).hasSize(5);
    }

    @Test
    void aBatchWithAConflictingParamStoresNothing() {
        String runId = tracking.createRun(ALICE, "0", Optional.empty(), Optional.empty(), List.of(), Optional.empty()).info().runId();
        tracking.logParam(ALICE, runId, new KeyValue("p", "1"));

        assertThatThrownBy(() -> tracking.logBatch(ALICE, runId, List.of(new Metric("m", 1, 1, 0)),
                List.of(new KeyValue("q", "x"), new KeyValue("p", "2")), List.of(new KeyValue("t", "v"))))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));

        Run run = tracking.getRun(runId);
        assertThat(run.params()).extracting(KeyValue::key).containsExactly("p");
        assertThat(run.metrics()).isEmpty();
        assertThat(run.tags()).extracting(KeyValue::key).doesNotContain("t");
    }

    @Test
    void endingARunSealsItsContentAndAnEditInTheDatabaseIsDetected() {
        String runId = tracking.createRun(ALICE, "0", Optional.empty(), Optional.empty(), List.of(), Optional.of("sealed")).info().runId();
        tracking.logBatch(ALICE, runId, List.of(new Metric("acc", 0.91, 1, 0)), List.of(new KeyValue("lr", "0.1")), List.of());
        tracking.putArtifact(ALICE, "0/" + runId + "/artifacts/model.bin", new ByteArrayInputStream("weights".getBytes(StandardCharsets.UTF_8)),
                1000);
        tracking.updateRun(ALICE, runId, Optional.of(RunStatus.FINISHED), Optional.empty(), Optional.empty());

        assertThat(tracking.verifySeal(runId).intact()).isTrue();
        String seal = tracking.verifySeal(runId).recorded().orElseThrow();
        assertThat(audit.find(store, AuditQuery.all(100))).anySatisfy(event -> {
            assertThat(event.action()).isEqualTo("run.update");
            assertThat(event.details()).contains(seal);
        });

        tamper("UPDATE metric_history SET value = 0.99 WHERE run_key = (SELECT run_key FROM run WHERE run_id = '" + runId + "')");
        assertThat(tracking.verifySeal(runId).intact()).isFalse();
    }

    @Test
    void aDeletedRunRejectsLoggingAndIsHiddenFromDefaultSearches() {
        String experiment = tracking.createExperiment(ALICE, "deleted", Optional.empty(), List.of());
        String runId = createRuns(experiment, 1).get(0);
        tracking.deleteRun(ALICE, runId);

        assertThatThrownBy(() -> tracking.logMetric(ALICE, runId, new Metric("m", 1, 1, 0)))
                .hasMessageContaining("must be in the 'active' state");
        assertThat(search(experiment, "").items()).isEmpty();
        assertThat(tracking.searchRuns(List.of(experiment), "", ViewType.ALL, null, List.of(), null).items()).hasSize(1);
    }

    @Test
    void listsTheArtifactTreeOneLevelAtATime() {
        String runId = tracking.createRun(ALICE, "0", Optional.empty(), Optional.empty(), List.of(), Optional.empty()).info().runId();
        String root = "0/" + runId + "/artifacts/";
        for (String path : List.of("model/MLmodel", "model/data/weights.bin", "metrics.json")) {
            tracking.putArtifact(ALICE, root + path, new ByteArrayInputStream(path.getBytes(StandardCharsets.UTF_8)), 1000);
        }
        Run run = tracking.getRun(runId);

        assertThat(tracking.listRunArtifacts(run.info(), "")).extracting(e -> e.path() + (e.isDir() ? "/" : ""))
                .containsExactly("metrics.json", "model/");
        assertThat(tracking.listRunArtifacts(run.info(), "model")).extracting(e -> e.path() + (e.isDir() ? "/" : ""))
                .containsExactly("model/MLmodel", "model/data/");
        assertThatThrownBy(() -> tracking.statArtifact(root + "../../etc/passwd")).isInstanceOf(StewardException.class);
    }

    @Test
    void experimentsAreFilteredByTheirIdAsText() {
        String id = tracking.createExperiment(ALICE, "found-by-id", Optional.empty(), List.of());

        assertThat(experimentNames("attributes.experiment_id = '" + id + "'")).containsExactly("found-by-id");
        assertThat(experimentNames("experiment_id != '" + id + "'")).containsExactly("Default");
        assertThat(experimentNames("experiment_id LIKE '" + id + "%'")).containsExactly("found-by-id");
        assertThat(experimentNames("experiment_id = 'demo'")).isEmpty();
    }

    private List<String> experimentNames(String filter) {
        return tracking.searchExperiments(ViewType.ACTIVE_ONLY, filter, List.of(), null, null).items().stream().map(Experiment::name).toList();
    }

    private List<String> createRuns(String experiment, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String runId = tracking.createRun(ALICE, experiment, Optional.empty(), Optional.of(1_000L + i), List.of(), Optional.of("run-" + i))
                    .info().runId();
            tracking.logBatch(ALICE, runId, List.of(new Metric("acc", 0.5 + 0.1 * i, 1, 0)),
                    List.of(new KeyValue("model", i % 2 == 0 ? "forest" : "linear")),
                    List.of(new KeyValue("owner", i < 3 ? "alice" : "bob")));
            ids.add(runId);
        }
        return ids;
    }

    private Page<Run> search(String experiment, String filter) {
        return tracking.searchRuns(List.of(experiment), filter, ViewType.ACTIVE_ONLY, null, List.of(), null);
    }

    private Page<Run> order(String experiment, String orderBy) {
        return tracking.searchRuns(List.of(experiment), "", ViewType.ACTIVE_ONLY, null, List.of(orderBy), null);
    }

    private static List<String> names(Page<Run> page) {
        return page.items().stream().map(run -> run.info().runName()).toList();
    }
}
