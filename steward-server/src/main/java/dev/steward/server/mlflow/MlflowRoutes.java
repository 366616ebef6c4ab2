package dev.steward.server.mlflow;

import static dev.steward.server.mlflow.MlflowWire.integer;
import static dev.steward.server.mlflow.MlflowWire.pairs;
import static dev.steward.server.mlflow.MlflowWire.present;
import static dev.steward.server.mlflow.MlflowWire.required;
import static java.util.Objects.requireNonNull;

import dev.steward.core.tracking.ArtifactEntry;
import dev.steward.core.tracking.Page;
import dev.steward.core.tracking.TrackingService;
import dev.steward.server.http.Access;
import dev.steward.server.http.Authenticator;
import dev.steward.server.http.Json;
import dev.steward.server.http.Requests;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.server.mlflow.MlflowJson.CreateExperiment;
import dev.steward.server.mlflow.MlflowJson.CreateExperimentResponse;
import dev.steward.server.mlflow.MlflowJson.CreateRun;
import dev.steward.server.mlflow.MlflowJson.DatasetInputJson;
import dev.steward.server.mlflow.MlflowJson.DeleteTag;
import dev.steward.server.mlflow.MlflowJson.Empty;
import dev.steward.server.mlflow.MlflowJson.ExperimentId;
import dev.steward.server.mlflow.MlflowJson.ExperimentJson;
import dev.steward.server.mlflow.MlflowJson.ExperimentResponse;
import dev.steward.server.mlflow.MlflowJson.FileInfoJson;
import dev.steward.server.mlflow.MlflowJson.ListArtifactsResponse;
import dev.steward.server.mlflow.MlflowJson.ListProxyArtifactsResponse;
import dev.steward.server.mlflow.MlflowJson.LogBatch;
import dev.steward.server.mlflow.MlflowJson.LogInputs;
import dev.steward.server.mlflow.MlflowJson.LogMetric;
import dev.steward.server.mlflow.MlflowJson.LogParam;
import dev.steward.server.mlflow.MlflowJson.MetricHistoryResponse;
import dev.steward.server.mlflow.MlflowJson.MetricJson;
import dev.steward.server.mlflow.MlflowJson.RunId;
import dev.steward.server.mlflow.MlflowJson.RunInfoJson;
import dev.steward.server.mlflow.MlflowJson.RunJson;
import dev.steward.server.mlflow.MlflowJson.RunResponse;
import dev.steward.server.mlflow.MlflowJson.SearchExperiments;
import dev.steward.server.mlflow.MlflowJson.SearchExperimentsResponse;
import dev.steward.server.mlflow.MlflowJson.SearchRuns;
import dev.steward.server.mlflow.MlflowJson.SearchRunsResponse;
import dev.steward.server.mlflow.MlflowJson.SetExperimentTag;
import dev.steward.server.mlflow.MlflowJson.SetTag;
import dev.steward.server.mlflow.MlflowJson.UpdateExperiment;
import dev.steward.server.mlflow.MlflowJson.UpdateRun;
import dev.steward.server.mlflow.MlflowJson.UpdateRunResponse;
import dev.steward.spi.tracking.ArtifactFile;
import dev.steward.spi.tracking.DatasetInput;
import dev.steward.spi.tracking.Experiment;
import dev.steward.spi.tracking.KeyValue;
import dev.steward.spi.tracking.Metric;
import dev.steward.spi.tracking.Run;
import dev.steward.spi.tracking.RunStatus;
import dev.steward.spi.tracking.ViewType;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/**
 * MLflow's tracking REST API 2.0 ({@code /api/2.0/mlflow/...}) and artifact proxy
 * ({@code /api/2.0/mlflow-artifacts/artifacts/...}), wire-compatible so MLflow's own clients work
 * unchanged. Handlers only translate: every rule lives in {@link TrackingService}.
 */
public final class MlflowRoutes implements Routes {
    private static final String API = "/api/2.0/mlflow";
    private static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";

    private final TrackingService tracking;
    private final MlflowWire wire;
    private final long maxArtifactBytes;

    public MlflowRoutes(TrackingService tracking, Json json, long maxArtifactBytes) {
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.wire = new MlflowWire(json);
        this.maxArtifactBytes = maxArtifactBytes;
    }

    @Override
    public void register(Router router) {
        experiments(router);
        runs(router);
        artifacts(router);
    }

    private void experiments(Router router) {
        router.post(API + "/experiments/create", Access.EDITOR, ctx -> {
            CreateExperiment request = wire.read(ctx, CreateExperiment.class);
            String id = tracking.createExperiment(Authenticator.caller(ctx), request.name(), Optional.ofNullable(request.artifactLocation()),
                    pairs(request.tags()));
            wire.ok(ctx, new CreateExperimentResponse(id));
        });
        router.get(API + "/experiments/get", Access.VIEWER, ctx ->
                wire.ok(ctx, new ExperimentResponse(ExperimentJson.of(tracking.getExperiment(required(ctx, "experiment_id"))))));
        router.get(API + "/experiments/get-by-name", Access.VIEWER, ctx ->
                wire.ok(ctx, new ExperimentResponse(ExperimentJson.of(tracking.getExperimentByName(required(ctx, "experiment_name"))))));
        router.post(API + "/experiments/search", Access.VIEWER, ctx -> searchExperiments(ctx, wire.read(ctx, SearchExperiments.class)));
        router.get(API + "/experiments/search", Access.VIEWER, ctx -> searchExperiments(ctx, new SearchExperiments(
                Requests.query(ctx, "max_results").map(v -> integer("max_results", v)).orElse(null),
                ctx.queryParam("page_token"), ctx.queryParam("filter"), ctx.queryParams("order_by"), ctx.queryParam("view_type"))));
        router.post(API + "/experiments/update", Access.EDITOR, ctx -> {
            UpdateExperiment request = wire.read(ctx, UpdateExperiment.class);
            tracking.renameExperiment(Authenticator.caller(ctx), present("experiment_id", request.experimentId()),
                    present("new_name", request.newName()));
            wire.ok(ctx, new Empty());
        });
        router.post(API + "/experiments/delete", Access.EDITOR, ctx -> {
            tracking.deleteExperiment(Authenticator.caller(ctx), present("experiment_id", wire.read(ctx, ExperimentId.class).experimentId()));
            wire.ok(ctx, new Empty());
        });
        router.post(API + "/experiments/restore", Access.EDITOR, ctx -> {
            tracking.restoreExperiment(Authenticator.caller(ctx), present("experiment_id", wire.read(ctx, ExperimentId.class).experimentId()));
            wire.ok(ctx, new Empty());
        });
        router.post(API + "/experiments/set-experiment-tag", Access.EDITOR, ctx -> {
            SetExperimentTag request = wire.read(ctx, SetExperimentTag.class);
            tracking.setExperimentTag(Authenticator.caller(ctx), present("experiment_id", request.experimentId()),
                    new KeyValue(present("key", request.key()), present("value", request.value())));
            wire.ok(ctx, new Empty());
        });
    }

    private void searchExperiments(Context ctx, SearchExperiments request) {
        Page<Experiment> page = tracking.searchExperiments(viewType(request.viewType(), "view_type"), request.filter(),
                request.orderBy() == null ? List.of() : request.orderBy(), request.maxResults(), request.pageToken());
        wire.ok(ctx, new SearchExperimentsResponse(page.items().isEmpty() ? null : page.items().stream().map(ExperimentJson::of).toList(),
                page.nextPageToken().orElse(null)));
    }

    private void runs(Router router) {
        router.post(API + "/runs/create", Access.EDITOR, ctx -> {
            CreateRun request = wire.read(ctx, CreateRun.class);
            Run run = tracking.createRun(Authenticator.caller(ctx), request.experimentId(), Optional.ofNullable(request.userId()),
                    Optional.ofNullable(request.startTime()), pairs(request.tags()), Optional.ofNullable(request.runName()));
            wire.ok(ctx, new RunResponse(RunJson.of(run)));
        });
        router.get(API + "/runs/get", Access.VIEWER, ctx ->
                wire.ok(ctx, new RunResponse(RunJson.of(tracking.getRun(runId(ctx.queryParam("run_id"), ctx.queryParam("run_uuid")))))));
        router.post(API + "/runs/update", Access.EDITOR, ctx -> {
            UpdateRun request = wire.read(ctx, UpdateRun.class);
            var info = tracking.updateRun(Authenticator.caller(ctx), runId(request.runId(), request.runUuid()),
                    Optional.ofNullable(request.status()).map(RunStatus::parse), Optional.ofNullable(request.endTime()),
                    Optional.ofNullable(request.runName()));
            wire.ok(ctx, new UpdateRunResponse(RunInfoJson.of(info)));
        });
        router.post(API + "/runs/delete", Access.EDITOR, ctx -> {
            RunId request = wire.read(ctx, RunId.class);
            tracking.deleteRun(Authenticator.caller(ctx), runId(request.runId(), request.runUuid()));
            wire.ok(ctx, new Empty());
        });
        router.post(API + "/runs/restore", Access.EDITOR, ctx -> {
            RunId request = wire.read(ctx, RunId.class);
            tracking.restoreRun(Authenticator.caller(ctx), runId(request.runId(), request.runUuid()));
            wire.ok(ctx, new Empty());
        });
        router.post(API + "/runs/search", Access.VIEWER, ctx -> {
            SearchRuns request = wire.read(ctx, SearchRuns.class);
            Page<Run> page = tracking.searchRuns(request.experimentIds() == null ? List.of() : request.experimentIds(), request.filter(),
                    viewType(request.runViewType(), "run_view_type"), request.maxResults(),
                    request.orderBy() == null ? List.of() : request.orderBy(), request.pageToken());
            wire.ok(ctx, new SearchRunsResponse(page.items().isEmpty() ? null : page.items().stream().map(RunJson::of).toList(),
                    page.nextPageToken().orElse(null)));
        });
        router.post(API + "/runs/log-metric", Access.EDITOR, ctx -> {
            LogMetric request = wire.read(ctx, LogMetric.class);
            tracking.logMetric(Authenticator.caller(ctx), runId(request.runId(), request.runUuid()), new Metric(present("key", request.key()),
                    present("value", request.value()), present("timestamp", request.timestamp()),
                    request.step() == null ? 0 : request.step()));
            wire.ok(ctx, new Empty());
        });
        router.post(API + "/runs/log-parameter", Access.EDITOR, ctx -> {
            LogParam request = wire.read(ctx, LogParam.class);
            tracking.logParam(Authenticator.caller(ctx), runId(request.runId(), request.runUuid()),
                    new KeyValue(present("key", request.key()), present("value", request.value())));
            wire.ok(ctx, new Empty());
        });
        router.post(API + "/runs/set-tag", Access.EDITOR, ctx -> {
            SetTag request = wire.read(ctx, SetTag.class);
            tracking.setTag(Authenticator.caller(ctx), runId(request.runId(), request.runUuid()),
                    new KeyValue(present("key", request.key()), present("value", request.value())));
            wire.ok(ctx, new Empty());
        });
        router.post(API + "/runs/delete-tag", Access.EDITOR, ctx -> {
            DeleteTag request = wire.read(ctx, DeleteTag.class);
            tracking.deleteTag(Authenticator.caller(ctx), present("run_id", request.runId()), present("key", request.key()));
            wire.ok(ctx, new Empty());
        });
        router.post(API + "/runs/log-batch", Access.EDITOR, ctx -> {
            LogBatch request = wire.read(ctx, LogBatch.class);
            List<Metric> metrics = request.metrics() == null ? List.of() : request.metrics().stream().map(MlflowRoutes::metric).toList();
            tracking.logBatch(Authenticator.caller(ctx), present("run_id", request.runId()), metrics, pairs(request.params()),
                    pairs(request.tags()));
            wire.ok(ctx, new Empty());
        });
        router.post(API + "/runs/log-inputs", Access.EDITOR, ctx -> {
            LogInputs request = wire.read(ctx, LogInputs.class);
            List<DatasetInput> inputs = request.datasets() == null ? List.of() : request.datasets().stream().map(MlflowRoutes::input).toList();
            tracking.logInputs(Authenticator.caller(ctx), present("run_id", request.runId()), inputs);
            wire.ok(ctx, new Empty());
        });
        router.get(API + "/metrics/get-history", Access.VIEWER, ctx -> {
            Page<Metric> page = tracking.metricHistory(runId(ctx.queryParam("run_id"), ctx.queryParam("run_uuid")),
                    required(ctx, "metric_key"), Requests.query(ctx, "max_results").map(v -> integer("max_results", v)).orElse(null),
                    ctx.queryParam("page_token"));
            wire.ok(ctx, new MetricHistoryResponse(page.items().isEmpty() ? null : page.items().stream().map(MetricJson::of).toList(),
                    page.nextPageToken().orElse(null)));
        });
        router.get(API + "/artifacts/list", Access.VIEWER, ctx -> {
            Run run = tracking.getRun(runId(ctx.queryParam("run_id"), ctx.queryParam("run_uuid")));
            List<ArtifactEntry> entries = tracking.listRunArtifacts(run.info(), ctx.queryParam("path"));
            wire.ok(ctx, new ListArtifactsResponse(run.info().artifactUri(),
                    entries.isEmpty() ? null : entries.stream().map(e -> FileInfoJson.of(e, e.path())).toList(), null));
        });
    }

    private void artifacts(Router router) {
        router.put(ARTIFACTS + "/<path>", Access.EDITOR, ctx -> {
            tracking.putArtifact(Authenticator.streamingCaller(ctx), ctx.pathParam("path"), ctx.bodyInputStream(), maxArtifactBytes);
            wire.ok(ctx, new Empty());
        });
        router.get(ARTIFACTS + "/<path>", Access.VIEWER, ctx -> {
            ArtifactFile file = tracking.statArtifact(ctx.pathParam("path"));
            var content = tracking.openArtifact(file);
            ctx.contentType("application/octet-stream")
                    .header("Content-Length", Long.toString(file.size()))
                    .header("Content-Disposition", "attachment; filename=\"" + file.path().substring(file.path().lastIndexOf('/') + 1)
                            .replace("\"", "") + "\"")
                    .header("ETag", "\"" + file.sha256() + "\"");
            ctx.result(content);
        });
        router.get(ARTIFACTS, Access.VIEWER, ctx -> {
            String directory = Optional.ofNullable(ctx.queryParam("path")).orElse("");
            List<ArtifactEntry> entries = tracking.listArtifacts(directory);
            wire.ok(ctx, new ListProxyArtifactsResponse(entries.isEmpty() ? null : entries.stream()
                    .map(e -> FileInfoJson.of(e, e.path().substring(e.path().lastIndexOf('/') + 1))).toList()));
        });
        router.delete(ARTIFACTS + "/<path>", Access.EDITOR, ctx -> {
            tracking.deleteArtifact(Authenticator.caller(ctx), ctx.pathParam("path"));
            wire.ok(ctx, new Empty());
        });
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static String runId(String runId, String runUuid) {
        String id = runId != null && !runId.isEmpty() ? runId : runUuid;
        return present("run_id", id == null || id.isEmpty() ? null : id);
    }

    private static ViewType viewType(String value, String field) {
        if (value == null || value.isEmpty()) {
            return ViewType.ACTIVE_ONLY;
        }
        return Requests.parsing(field, ViewType::parse).apply(value);
    }

    private static Metric metric(MetricJson metric) {
        return new Metric(present("key", metric.key()), present("value", metric.value()), present("timestamp", metric.timestamp()),
                metric.step() == null ? 0 : metric.step());
    }

    private static DatasetInput input(DatasetInputJson input) {
        var dataset = present("dataset", input.dataset());
        return new DatasetInput(present("name", dataset.name()), present("digest", dataset.digest()),
                present("source_type", dataset.sourceType()), present("source", dataset.source()), Optional.ofNullable(dataset.schema()),
                Optional.ofNullable(dataset.profile()), pairs(input.tags()), Optional.empty());
    }
}
