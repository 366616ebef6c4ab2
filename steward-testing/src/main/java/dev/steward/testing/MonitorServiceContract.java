package dev.steward.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.audit.AuditLog;
import dev.steward.core.data.DatasetService;
import dev.steward.core.jobs.JobService;
import dev.steward.core.monitoring.MonitorEngine;
import dev.steward.core.monitoring.MonitorService;
import dev.steward.core.monitoring.MonitorView;
import dev.steward.core.monitoring.WindowReport;
import dev.steward.core.monitoring.WindowReports;
import dev.steward.core.registry.PromotionService;
import dev.steward.core.registry.RegistryService;
import dev.steward.core.registry.policy.PolicyParser;
import dev.steward.core.registry.policy.PromotionContext;
import dev.steward.core.auth.TokenService;
import dev.steward.core.serving.DeploymentService;
import dev.steward.core.serving.DeploymentSpec;
import dev.steward.core.serving.DeploymentSpecs;
import dev.steward.core.serving.DeploymentState;
import dev.steward.core.tracking.TrackingService;
import dev.steward.core.training.ModelPackage;
import dev.steward.core.training.StoredPackage;
import dev.steward.core.webhooks.EventPublisher;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactRef;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.data.ReadOptions;
import dev.steward.spi.data.TableReader;
import dev.steward.spi.monitoring.MonitorAlertRecord;
import dev.steward.spi.monitoring.MonitorWindowRecord;
import dev.steward.spi.serving.FeedbackRecord;
import dev.steward.spi.store.AuditEvent;
import dev.steward.spi.store.AuditQuery;
import dev.steward.spi.store.MetadataStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring service on a real store, with real deployments, registry, datasets, jobs and
 * audit log; only the data path is a double ({@link ScriptedMonitorEngine}: the windows' figures
 * are the test's). Monitors are created, changed and deleted with nothing stored when a spec or
 * the reference is wrong; windows are stored, audited and published off the engine's thread; two
 * replicas' parts of a time window merge into one window; labels reach their window early or late;
 * alerts fire after {@code for} windows and resolve, and their actions stop the deployment, roll a
 * canary back and record a retraining they cannot make; a restarted service watches again.
 */
public abstract class MonitorServiceContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Caller ALICE = caller("tok_alice", "alice", Role.EDITOR);
    private static final Caller VIEWER = caller("tok_vic", "vic", Role.VIEWER);
    private static final Caller BOB = caller("tok_bob", "bob", Role.DEPLOYER);
    private static final Caller ADMIN = caller("tok_admin", "admin", Role.ADMIN);
    private static final String DEPLOYMENT = "weather-api";

    @TempDir
    protected Path files;

    private MetadataStore store;
    private ArtifactStore artifacts;
    private AuditLog audit;
    private DatasetService datasets;
    private RegistryService registry;
    private DeploymentService deployments;
    private TrackingService tracking;
    private JobService jobs;
    private final ManualClock clock = new ManualClock(1_750_000_000_000L);
    private final List<String> published = new CopyOnWriteArrayList<>();
    private final List<MonitorService> services = new ArrayList<>();
    private EventPublisher events;
    private ScriptedMonitorEngine engine;
    private MonitorService monitors;

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
        audit = new AuditLog(clock);
        events = (tx, type, objectType, objectId, data) -> {
            published.add(type.wireName() + " " + objectId);
            return "evt_test";
        };
        datasets = new DatasetService(store, artifacts, reader(), audit, clock);
        registry = new RegistryService(store, artifacts, datasets, audit, events, clock);
        PromotionService promotions = new PromotionService(store, registry, datasets, audit, events, clock,
                new PolicyParser(PolicyParser.builtInKinds()), (caller, pkg, dataset, model, version) -> new PromotionContext.Evaluation("run",
                Map.of(), false), (pkg, rows, calls) -> new PromotionContext.Latency(0.2, 0.4, 3, calls));
        deployments = new DeploymentService(store, registry, promotions, audit, events, clock, Duration.ofSeconds(60));
        tracking = new TrackingService(store, artifacts, audit, clock);
        jobs = new JobService(store, audit, tracking, new TokenService(store, audit, clock), clock, files.resolve("jobs"), 1,
                new JobService.Ownership(false, Duration.ofSeconds(5)), List.of());
        engine = new ScriptedMonitorEngine();
        monitors = service(engine, "replica-a");
        DatasetVersion data = dataset();
        register(data, "graph one");
        register(data, "graph two");
        deploy(DEPLOYMENT, "versions: [{model: weather-model, version: 1, override_reason: monitored in tests}]");
    }

    @AfterEach
    void close() {
        services.forEach(MonitorService::close);
        deployments.close();
        jobs.close();
        store.close();
        artifacts.close();
    }

    private MonitorService service(ScriptedMonitorEngine with, String replica) {
        MonitorService service = new MonitorService(store, audit, events, with, deployments, registry, tracking, datasets, jobs, artifacts, clock,
                replica, Duration.ofSeconds(5));
        services.add(service);
        service.start(Duration.ZERO);
        return service;
    }

    @Test
    void aMonitorIsCreatedWithItsReferenceKeptAsAnArtifactAuditedPublishedAndWatched() throws IOException {
        MonitorView view = monitors.create(ALICE, DEPLOYMENT, "window: {requests: 100, min-rows: 10}\nfeatures: [temp_max, wind]");

        assertThat(view.revision()).isEqualTo(1);
        assertThat(view.active()).isTrue();
        assertThat(view.features()).containsExactly("temp_max", "wind");
        assertThat(view.spec().window().requests()).isEqualTo(100);
        assertThat(view.record().referenceDataset()).isEqualTo("weather");
        assertThat(view.record().createdBy()).isEqualTo("tok_alice");
        MonitorEngine.ActiveMonitor watched = engine.active(DEPLOYMENT).orElseThrow();
        assertThat(watched.revision()).isEqualTo(1);
        try (InputStream in = artifacts.open(view.record().referenceSha256())) {
            assertThat(in.readAllBytes()).isEqualTo(watched.reference().bytes());
        }
        assertThat(monitors.history(DEPLOYMENT)).singleElement().satisfies(r -> assertThat(r.change()).isEqualTo("create"));
        assertThat(actions()).contains("monitor.create");
        assertThat(published).contains("monitor.created " + DEPLOYMENT);
        assertThat(monitors.list()).extracting(MonitorView::deployment).containsExactly(DEPLOYMENT);
        assertThatThrownBy(() -> monitors.create(ALICE, DEPLOYMENT, "{}")).isInstanceOfSatisfying(StewardException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS));
    }

    @Test
    void aWrongSpecAFailingReferenceAnUnknownDeploymentOrAViewerStoreAndAuditNothing() {
        assertThatThrownBy(() -> monitors.create(ALICE, DEPLOYMENT, "window: {requests: 5}")).isInstanceOfSatisfying(StewardException.class,
                e -> assertThat(e.field()).contains("window.requests"));
        engine.failPrepare("features[0]");
        assertThatThrownBy(() -> monitors.create(ALICE, DEPLOYMENT, "features: [humidity]")).isInstanceOfSatisfying(StewardException.class,
                e -> assertThat(e.field()).contains("features[0]"));
        assertThatThrownBy(() -> monitors.create(ALICE, "no-such-api", "{}")).isInstanceOfSatisfying(StewardException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
            assertThat(e.field()).contains("deployment");
        });
        assertThatThrownBy(() -> monitors.create(VIEWER, DEPLOYMENT, "{}")).isInstanceOfSatisfying(StewardException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));

        assertThat(monitors.list()).isEmpty();
        assertThatThrownBy(() -> monitors.history(DEPLOYMENT)).isInstanceOfSatisfying(StewardException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
        assertThat(actions()).noneMatch(a -> a.startsWith("monitor."));
        assertThat(published).noneMatch(p -> p.startsWith("monitor."));
        assertThat(engine.active(DEPLOYMENT)).isEmpty();
    }

    @Test
    void anUpdateIsTheNextRevisionADeleteStopsWatchingAndACreateAfterItGoesOnNumbering() {
        monitors.create(ALICE, DEPLOYMENT, "{}");
        MonitorView updated = monitors.update(ALICE, DEPLOYMENT, "window: {requests: 500}", Optional.of("wider windows"));

        assertThat(updated.revision()).isEqualTo(2);
        assertThat(engine.active(DEPLOYMENT).orElseThrow().revision()).isEqualTo(2);
        assertThat(monitors.history(DEPLOYMENT)).extracting(r -> r.change() + " " + r.reason().orElse("-")).containsExactly("create -",
                "update wider windows");
        monitors.delete(ALICE, DEPLOYMENT);
        assertThat(engine.active(DEPLOYMENT)).isEmpty();
        assertThat(monitors.list()).isEmpty();
        assertThatThrownBy(() -> monitors.get(DEPLOYMENT)).isInstanceOfSatisfying(StewardException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
        assertThat(monitors.create(ALICE, DEPLOYMENT, "{}").revision()).isEqualTo(3);
        assertThat(actions()).containsSubsequence("monitor.create", "monitor.update", "monitor.delete", "monitor.create");
        assertThat(published).containsSubsequence("monitor.created " + DEPLOYMENT, "monitor.updated " + DEPLOYMENT, "monitor.deleted " + DEPLOYMENT);
    }

    @Test
    void requestWindowsAreNumberedStoredAuditedAndPublishedOffTheEnginesThread() {
        monitors.create(ALICE, DEPLOYMENT, "window: {requests: 100, min-rows: 10}");
        engine.closeRequests(DEPLOYMENT, 1_000, 2_000, 100, 1);
        engine.closeRequests(DEPLOYMENT, 2_000, 3_000, 100, 0);
        engine.closeRequests(DEPLOYMENT, 3_000, 3_500, 5, 0);
        monitors.drain();

        List<MonitorWindowRecord> windows = monitors.windows(DEPLOYMENT, Optional.empty(), 10);
        assertThat(windows).extracting(MonitorWindowRecord::window).containsExactly(2L, 1L, 0L);
        assertThat(windows).extracting(MonitorWindowRecord::status).containsExactly(WindowReport.TOO_SMALL, WindowReport.EVALUATED,
                WindowReport.EVALUATED);
        assertThat(windows.get(2).closedBy()).isEqualTo("replica-a");
        assertThat(monitors.windows(DEPLOYMENT, Optional.of(1L), 10)).extracting(MonitorWindowRecord::window).containsExactly(0L);
        WindowReport first = monitors.report(DEPLOYMENT, 0);
        assertThat(first.window()).isZero();
        assertThat(first.driftedFeatures()).isEqualTo(1);
        assertThat(first.rows()).isEqualTo(100);
        assertThat(engine.evaluatedOn).isNotEmpty().allMatch(name -> name.equals("steward-monitor"));
        assertThat(actions().stream().filter(a -> a.equals("monitor.window.close"))).hasSize(3);
        assertThat(published.stream().filter(p -> p.equals("monitor.window_closed " + DEPLOYMENT))).hasSize(3);
        assertThat(monitors.get(DEPLOYMENT).latest()).map(MonitorWindowRecord::window).contains(2L);

        engine.loseRows(4);
        WindowReport rebuilt = monitors.rebuild(ALICE, DEPLOYMENT, 1);
        assertThat(rebuilt.source()).isEqualTo(WindowReport.REBUILT);
        assertThat(rebuilt.rows()).isEqualTo(96);
        assertThat(monitors.report(DEPLOYMENT, 1).source()).as("the stored report stays as it closed").isEqualTo(WindowReport.LIVE);
        assertThat(actions()).contains("monitor.window.rebuild");
        assertThatThrownBy(() -> monitors.report(DEPLOYMENT, 9)).isInstanceOfSatisfying(StewardException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
            assertThat(e.field()).contains("window");
        });
    }

    @Test
    void anOnDemandRunEvaluatesTheOpenWindowAsAPartialReportNeverAWindow() {
        monitors.create(ALICE, DEPLOYMENT, "window: {requests: 100, min-rows: 10}");
        engine.open(DEPLOYMENT, 5_000, 5_400, 40, 2);

        WindowReport run = monitors.run(ALICE, DEPLOYMENT);

        assertThat(run.partial()).isTrue();
        assertThat(run.rows()).isEqualTo(40);
        assertThat(monitors.windows(DEPLOYMENT, Optional.empty(), 10)).isEmpty();
        assertThat(monitors.lastRun(DEPLOYMENT)).hasValueSatisfying(r -> assertThat(WindowReports.fromJson(r.reportJson())).isEqualTo(run));
        assertThat(actions()).contains("monitor.run");
    }

    @Test
    void thePartsTwoReplicasKeptOfATimeWindowMergeIntoOneWindowClosedOnce() {
        monitors.create(ALICE, DEPLOYMENT, "window: {duration: 1s, min-rows: 10}\nschedule: {grace: 1s}");
        ScriptedMonitorEngine other = new ScriptedMonitorEngine();
        MonitorService replicaB = service(other, "replica-b");
        assertThat(other.active(DEPLOYMENT)).as("replica b watches the monitor it found in the store").isPresent();
        long window = clock.millis() / 1000;
        clock.set((window + 2) * 1000);
        engine.closeTime(DEPLOYMENT, window, 30, 1);
        other.closeTime(DEPLOYMENT, window, 25, 3);
        monitors.drain();
        replicaB.drain();
        assertThat(monitors.windows(DEPLOYMENT, Optional.empty(), 10)).as("within grace of the hand-over: not closed yet").isEmpty();

        clock.set((window + 3) * 1000);
        monitors.tick();
        replicaB.tick();

        List<MonitorWindowRecord> windows = monitors.windows(DEPLOYMENT, Optional.empty(), 10);
        assertThat(windows).singleElement().satisfies(w -> {
            assertThat(w.window()).isEqualTo(window);
            assertThat(w.rows()).isEqualTo(55);
            assertThat(w.parts()).isEqualTo(2);
            assertThat(w.closedBy()).isEqualTo("replica-a");
            assertThat(w.startMillis()).isEqualTo(window * 1000);
            assertThat(w.endMillis()).isEqualTo(window * 1000 + 1000);
        });
        assertThat(monitors.report(DEPLOYMENT, window).driftedFeatures()).isEqualTo(3);
        assertThat(actions().stream().filter(a -> a.equals("monitor.window.close"))).hasSize(1);
        assertThat(engine.lastTick()).isEqualTo(clock.millis());
    }

    @Test
    void labelsReachTheWindowHoldingTheirRequestLateOrWhileItIsOpen() {
        monitors.create(ALICE, DEPLOYMENT, "window: {requests: 100, min-rows: 10}");
        engine.closeRequests(DEPLOYMENT, 1_000, 2_000, 100, 0);
        monitors.drain();
        assertThat(monitors.report(DEPLOYMENT, 0).performance().orElseThrow().labelled()).isZero();

        monitors.label(truth("late-1", 1_500, "sun", "sun"));
        monitors.label(truth("late-2", 1_999, "sun", "rain"));
        monitors.label(truth("early-1", 2_500, "rain", "rain"));
        monitors.label(reward("reward-1", 1_200));
        monitors.drain();

        WindowReport late = monitors.report(DEPLOYMENT, 0);
        assertThat(late.performance().orElseThrow().labelled()).isEqualTo(2);
        assertThat(late.performance().orElseThrow().accuracy()).isEqualTo(OptionalDouble.of(0.5));
        engine.closeRequests(DEPLOYMENT, 2_000, 3_000, 100, 0);
        monitors.drain();
        assertThat(engine.labelsSeen.get(engine.labelsSeen.size() - 1).labelled()).as("the open window's label, kept until it closed")
                .isEqualTo(1);
        assertThat(monitors.report(DEPLOYMENT, 1).performance().orElseThrow().accuracy()).isEqualTo(OptionalDouble.of(1.0));
    }

    @Test
    void anAlertFiresAfterForWindowsInARowWithItsEvidenceAndResolvesOnTheFirstWindowWhereItDoesNotHold() throws IOException {
        monitors.create(ALICE, DEPLOYMENT, """
                window: {requests: 100, min-rows: 10}
                alerts: [{name: drift, when: "drifted_features >= 2", for: 2}]
                """);
        close(2, 0, 2);

        assertThat(monitors.alerts(Optional.of(DEPLOYMENT), Optional.empty(), 10)).as("window 1 broke the row; window 2 alone is not 2 in a row")
                .isEmpty();
        close(3);
        List<MonitorAlertRecord> alerts = monitors.alerts(Optional.of(DEPLOYMENT), Optional.of(MonitorAlertRecord.FIRING), 10);
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.rule()).isEqualTo("drift");
            assertThat(a.firstWindow()).isEqualTo(3);
        });
        JsonNode evidence = JSON.readTree(alerts.get(0).evidenceJson());
        assertThat(evidence.get("metric").asText()).isEqualTo("drifted_features");
        assertThat(evidence.get("value").asDouble()).isEqualTo(3.0);
        assertThat(evidence.get("condition").asText()).isEqualTo("drifted_features >= 2");
        assertThat(evidence.get("windows").toString()).isEqualTo("[2,3]");
        assertThat(monitors.get(DEPLOYMENT).firing()).hasSize(1);
        close(4);
        assertThat(monitors.alerts(Optional.of(DEPLOYMENT), Optional.of(MonitorAlertRecord.FIRING), 10)).as("window 4 holds too").hasSize(1);

        close(0);
        MonitorAlertRecord resolved = monitors.alerts(Optional.empty(), Optional.empty(), 10).get(0);
        assertThat(resolved.state()).isEqualTo(MonitorAlertRecord.RESOLVED);
        assertThat(resolved.lastWindow()).isEqualTo(4);
        assertThat(resolved.resolvedWindow()).contains(5L);
        assertThat(actions()).containsSubsequence("monitor.alert.fire", "monitor.alert.resolve");
        assertThat(published).containsSubsequence("monitor.alert_fired " + DEPLOYMENT, "monitor.alert_resolved " + DEPLOYMENT);
    }

    @Test
    void aFiringAlertCutsTheDeploymentOutAndRecordsWhyItCouldNotRetrain() throws IOException {
        String spec = """
                window: {requests: 100, min-rows: 10}
                alerts: [{name: drift, when: "drifted_features >= 1", actions: [retrain, cut-out], priority: 7}]
                """;
        assertThatThrownBy(() -> monitors.create(ALICE, DEPLOYMENT, spec)).as("an editor may not declare an alert that stops the deployment")
                .isInstanceOf(StewardException.class).hasMessageContaining("only a deployer or an admin");
        monitors.create(BOB, DEPLOYMENT, """
                window: {requests: 100, min-rows: 10}
                alerts: [{name: drift, when: "drifted_features >= 1", actions: [retrain, cut-out], priority: 7}]
                """);
        close(1);

        DeploymentState state = deployments.get(DEPLOYMENT);
        assertThat(state.stopped()).isTrue();
        assertThat(state.stopReason()).hasValueSatisfying(r -> assertThat(r).contains("alert drift", "drifted_features >= 1"));
        MonitorAlertRecord alert = monitors.alerts(Optional.of(DEPLOYMENT), Optional.empty(), 10).get(0);
        JsonNode outcomes = JSON.readTree(alert.actionsJson());
        assertThat(outcomes).hasSize(2);
        assertThat(outcomes.get(0).get("action").asText()).isEqualTo("retrain");
        assertThat(outcomes.get(0).get("outcome").asText()).isEqualTo("skipped");
        assertThat(outcomes.get(0).get("reason").asText()).contains("models:/weather-model/1", "not trained by Steward");
        assertThat(outcomes.get(1).get("action").asText()).isEqualTo("cut-out");
        assertThat(outcomes.get(1).get("outcome").asText()).isEqualTo("stopped");
        AuditEvent stop = audit.find(store, AuditQuery.all(1000)).stream().filter(e -> e.action().equals("deployment.stop")).findFirst().orElseThrow();
        assertThat(stop.actorId()).isEqualTo("system");
        assertThat(stop.actorName()).contains("monitor of " + DEPLOYMENT, "drift");
        assertThat(actions().stream().filter(a -> a.equals("monitor.alert.action"))).hasSize(2);
        assertThat(published).contains("deployment.stopped " + DEPLOYMENT);

        close(1);
        assertThat(monitors.alerts(Optional.of(DEPLOYMENT), Optional.empty(), 10)).as("still the same alert firing").hasSize(1);
    }

    @Test
    void aFiringAlertRollsTheCanaryBackToItsStableVersion() throws IOException {
        deploy("canary-api", """
                versions:
                  - {model: weather-model, version: 1, override_reason: monitored in tests}
                  - {model: weather-model, version: 2, override_reason: monitored in tests}
                traffic:
                  canary: {candidate: models:/weather-model/2, stable: models:/weather-model/1, steps: [10, 50, 100]}
                """);
        monitors.create(BOB, "canary-api", """
                window: {requests: 100, min-rows: 10}
                alerts: [{name: accuracy, when: "drifted_features >= 2", actions: [rollback-canary]}]
                """);
        int before = deployments.get("canary-api").revision();
        engine.closeRequests("canary-api", 0, 1_000, 100, 2);
        monitors.drain();

        DeploymentState state = deployments.get("canary-api");
        assertThat(state.revision()).isEqualTo(before + 1);
        assertThat(state.spec().traffic()).isEmpty();
        assertThat(state.spec().versions()).extracting(v -> v.uri() + " " + v.weight()).containsExactly("models:/weather-model/1 1.0",
                "models:/weather-model/2 0.0");
        JsonNode outcome = JSON.readTree(monitors.alerts(Optional.of("canary-api"), Optional.empty(), 10).get(0).actionsJson()).get(0);
        assertThat(outcome.get("outcome").asText()).isEqualTo("rolled-back");
        assertThat(outcome.get("deployment_revision").asInt()).isEqualTo(before + 1);
        assertThat(deployments.history("canary-api").get(before).change()).isEqualTo("canary-rollback");
        assertThat(published).contains("deployment.canary_rolled_back canary-api");
    }

    @Test
    void aRestartedServiceWatchesEveryMonitorAgainWithItsReferenceReadBack() {
        MonitorView created = monitors.create(ALICE, DEPLOYMENT, "window: {requests: 100, min-rows: 10}");
        byte[] reference = engine.active(DEPLOYMENT).orElseThrow().reference().bytes();
        monitors.close();

        ScriptedMonitorEngine restarted = new ScriptedMonitorEngine();
        MonitorService again = service(restarted, "replica-a");

        MonitorEngine.ActiveMonitor watched = restarted.active(DEPLOYMENT).orElseThrow();
        assertThat(watched.revision()).isEqualTo(created.revision());
        assertThat(watched.reference().bytes()).isEqualTo(reference);
        assertThat(watched.reference().features()).isEqualTo(created.features());
        assertThat(watched.spec()).isEqualTo(created.spec());
        restarted.closeRequests(DEPLOYMENT, 0, 1_000, 100, 0);
        again.drain();
        assertThat(again.windows(DEPLOYMENT, Optional.empty(), 10)).hasSize(1);
    }

    /** Request windows of 100 rows, one per drift figure. */
    private void close(int... drifted) {
        for (int d : drifted) {
            long start = clock.millis();
            clock.advance(1_000);
            engine.closeRequests(DEPLOYMENT, start, clock.millis(), 100, d);
        }
        monitors.drain();
    }

    private List<String> actions() {
        return audit.find(store, AuditQuery.all(1000)).stream().map(AuditEvent::action).toList();
    }

    private static FeedbackRecord truth(String requestId, long predictedAt, String predicted, String label) {
        return new FeedbackRecord(DEPLOYMENT, requestId, 0, FeedbackRecord.TRUTH, "weather-model", 1, 1, "weighted", Optional.of(predicted),
                OptionalDouble.empty(), Optional.of(label), OptionalDouble.empty(), OptionalDouble.empty(), Optional.of(predicted.equals(label)),
                OptionalDouble.empty(), false, FeedbackRecord.API, predictedAt, predictedAt + 10, "tok_app");
    }

    private static FeedbackRecord reward(String requestId, long predictedAt) {
        return new FeedbackRecord(DEPLOYMENT, requestId, 0, FeedbackRecord.REWARD, "weather-model", 1, 1, "weighted", Optional.of("sun"),
                OptionalDouble.empty(), Optional.empty(), OptionalDouble.empty(), OptionalDouble.of(1), Optional.empty(), OptionalDouble.empty(),
                false, FeedbackRecord.API, predictedAt, predictedAt + 10, "tok_app");
    }

    private void deploy(String name, String yaml) {
        DeploymentSpec spec = DeploymentSpecs.parse(yaml, deployments::resolve);
        deployments.create(ADMIN, name, spec);
    }

    private DatasetVersion dataset() {
        try {
            Path file = Files.writeString(files.resolve("weather.csv"), "temp_max,temp_min,precipitation,wind,weather\n12.8,5.0,0.0,4.7,sun\n"
                    + "10.6,2.8,10.9,4.5,rain\n11.7,7.2,0.8,2.3,rain\n");
            return datasets.importFile(ALICE, "weather", file, "weather.csv", ReadOptions.detect(), Optional.empty(), Map.of()).version();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers a package whose "graph" is the given text (no runtime reads it here), without a training run. */
    private void register(DatasetVersion data, String graph) {
        byte[] onnx = graph.getBytes(StandardCharsets.UTF_8);
        ArtifactRef onnxRef = artifacts.put(new ByteArrayInputStream(onnx), onnx.length);
        ObjectNode manifest = JSON.createObjectNode().put("format", "steward-model").put("format_version", 1)
                .put("model_digest", onnxRef.sha256()).put("task", "multiclass_classification");
        var inputs = manifest.putArray("inputs");
        for (String column : ScriptedMonitorEngine.COLUMNS) {
            inputs.addObject().put("name", column).put("datatype", "FP64").putArray("shape").add(-1).add(1);
        }
        manifest.putArray("outputs").addObject().put("name", "label").put("datatype", "BYTES").putArray("shape").add(-1);
        manifest.putArray("classes").add("rain").add("sun");
        manifest.putObject("metrics").put("accuracy", 0.9);
        manifest.putArray("training_data").addObject().put("dataset", data.datasetName()).put("version", data.version())
                .put("sha256", data.sha256()).put("target", "weather");
        byte[] manifestBytes;
        try {
            manifestBytes = JSON.writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ArtifactRef manifestRef = artifacts.put(new ByteArrayInputStream(manifestBytes), manifestBytes.length);
        StoredPackage pkg = new StoredPackage(manifestRef, onnxRef, ModelPackage.readManifest(manifestBytes));
        registry.registerPackage(ALICE, "weather-model", pkg, new RegistryService.Source("onnx", "upload", Optional.empty()), Map.of(),
                Optional.empty(), true);
    }

    /** A clock the test moves. */
    static final class ManualClock extends Clock {
        private final AtomicLong millis;

        ManualClock(long start) {
            this.millis = new AtomicLong(start);
        }

        void set(long at) {
            millis.set(at);
        }

        void advance(long by) {
            millis.addAndGet(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }
}
