package dev.steward.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.steward.core.tracking.ArtifactEntry;
import dev.steward.core.tracking.Page;
import dev.steward.core.tracking.SealCheck;
import dev.steward.core.tracking.TrackingService;
import dev.steward.server.http.Access;
import dev.steward.server.http.Authenticator;
import dev.steward.server.http.Json;
import dev.steward.server.http.Requests;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.StewardException;
import dev.steward.spi.tracking.DatasetInput;
import dev.steward.spi.tracking.Experiment;
import dev.steward.spi.tracking.KeyValue;
import dev.steward.spi.tracking.Metric;
import dev.steward.spi.tracking.Run;
import dev.steward.spi.tracking.RunInfo;
import dev.steward.spi.tracking.RunStatus;
import dev.steward.spi.tracking.ViewType;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The native tracking API, {@code /api/v1/experiments} and {@code /api/v1/runs}: the same
 * operations as the MLflow API in Steward's own shape (maps for params and tags, ISO times).
 */
public final class TrackingRoutes implements Routes {
    private final TrackingService tracking;
    private final Json json;

    public TrackingRoutes(TrackingService tracking, Json json) {
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.json = requireNonNull(json, "json is null");
    }

    record CreateExperiment(String name, String artifactLocation, Map<String, String> tags) {}

    record UpdateExperiment(String name, Map<String, String> tags) {}

    record CreateRun(String experimentId, String runName, Long startTime, Map<String, String> tags) {}

    record UpdateRun(String status, Long endTime, String runName) {}

    record MetricPoint(String key, Double value, Long timestamp, Long step) {}

    record LogRequest(List<MetricPoint> metrics, Map<String, String> params, Map<String, String> tags) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ExperimentView(String id, String name, String artifactLocation, String lifecycleStage, String createdAt, String updatedAt,
            Map<String, String> tags) {
        static ExperimentView of(Experiment e) {
            return new ExperimentView(e.id(), e.name(), e.artifactLocation(), e.lifecycleStage(), iso(e.creationTime()),
                    iso(e.lastUpdateTime()), e.tags());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record MetricView(String key, double value, long timestamp, long step) {
        static MetricView of(Metric m) {
            return new MetricView(m.key(), m.value(), m.timestamp(), m.step());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record InputView(String name, String digest, String sourceType, String source, String stewardVersionId, Map<String, String> tags) {
        static InputView of(DatasetInput input) {
            return new InputView(input.name(), input.digest(), input.sourceType(), input.source(), input.stewardVersionId().orElse(null),
                    map(input.tags()));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RunView(String id, String experimentId, String name, String userId, String status, String startTime, String endTime,
            String artifactUri, String lifecycleStage, String sealDigest, Map<String, Double> metrics, Map<String, String> params,
            Map<String, String> tags, List<InputView> inputs) {
        static RunView of(Run run) {
            RunInfo info = run.info();
            Map<String, Double> metrics = new LinkedHashMap<>();
            run.metrics().forEach(m -> metrics.put(m.key(), m.value()));
            return new RunView(info.runId(), info.experimentId(), info.runName(), info.userId(), info.status().name(),
                    iso(info.startTime()), info.endTime().map(TrackingRoutes::iso).orElse(null), info.artifactUri(),
                    info.lifecycleStage(), info.sealDigest().orElse(null), metrics, map(run.params()), map(run.tags()),
                    run.inputs().stream().map(InputView::of).toList());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ExperimentPage(List<ExperimentView> experiments, String nextPageToken) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RunPage(List<RunView> runs, String nextPageToken) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record HistoryPage(List<MetricView> metrics, String nextPageToken) {}

    record SealView(String runId, boolean sealed, boolean intact, String recorded, String current) {
        static SealView of(SealCheck check) {
            return new SealView(check.runId(), check.sealed(), check.intact(), check.recorded().orElse(null), check.current());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ArtifactView(String path, boolean isDir, Long size) {}

    record ArtifactList(String rootUri, List<ArtifactView> files) {}

    @Override
    public void register(Router router) {
        router.get("/api/v1/experiments", Access.VIEWER, ctx -> {
            Page<Experiment> page = tracking.searchExperiments(view(ctx), ctx.queryParam("filter"), ctx.queryParams("order_by"),
                    maxResults(ctx), ctx.queryParam("page_token"));
            json.respond(ctx, 200, new ExperimentPage(page.items().stream().map(ExperimentView::of).toList(), page.nextPageToken().orElse(null)));
        });
        router.post("/api/v1/experiments", Access.EDITOR, ctx -> {
            CreateExperiment request = json.readStrict(ctx.bodyAsBytes(), CreateExperiment.class);
            String id = tracking.createExperiment(Authenticator.caller(ctx), request.name(), Optional.ofNullable(request.artifactLocation()),
                    pairs(request.tags()));
            json.respond(ctx, 201, ExperimentView.of(tracking.getExperiment(id)));
        });
        router.get("/api/v1/experiments/{id}", Access.VIEWER, ctx ->
                json.respond(ctx, 200, ExperimentView.of(tracking.getExperiment(ctx.pathParam("id")))));
        router.patch("/api/v1/experiments/{id}", Access.EDITOR, ctx -> {
            UpdateExperiment request = json.readStrict(ctx.bodyAsBytes(), UpdateExperiment.class);
            String id = ctx.pathParam("id");
            if (request.name() != null) {
                tracking.renameExperiment(Authenticator.caller(ctx), id, request.name());
            }
            for (KeyValue tag : pairs(request.tags())) {
                tracking.setExperimentTag(Authenticator.caller(ctx), id, tag);
            }
            json.respond(ctx, 200, ExperimentView.of(tracking.getExperiment(id)));
        });
        router.delete("/api/v1/experiments/{id}", Access.EDITOR, ctx -> {
            tracking.deleteExperiment(Authenticator.caller(ctx), ctx.pathParam("id"));
            json.respond(ctx, 200, ExperimentView.of(tracking.getExperiment(ctx.pathParam("id"))));
        });
        router.post("/api/v1/experiments/{id}/restore", Access.EDITOR, ctx -> {
            tracking.restoreExperiment(Authenticator.caller(ctx), ctx.pathParam("id"));
            json.respond(ctx, 200, ExperimentView.of(tracking.getExperiment(ctx.pathParam("id"))));
        });

        router.get("/api/v1/runs", Access.VIEWER, ctx -> {
            Page<Run> page = tracking.searchRuns(ctx.queryParams("experiment_id"), ctx.queryParam("filter"), view(ctx), maxResults(ctx),
                    ctx.queryParams("order_by"), ctx.queryParam("page_token"));
            json.respond(ctx, 200, new RunPage(page.items().stream().map(RunView::of).toList(), page.nextPageToken().orElse(null)));
        });
        router.post("/api/v1/runs", Access.EDITOR, ctx -> {
            CreateRun request = json.readStrict(ctx.bodyAsBytes(), CreateRun.class);
            Run run = tracking.createRun(Authenticator.caller(ctx), request.experimentId(), Optional.empty(),
                    Optional.ofNullable(request.startTime()), pairs(request.tags()), Optional.ofNullable(request.runName()));
            json.respond(ctx, 201, RunView.of(run));
        });
        router.get("/api/v1/runs/{id}", Access.VIEWER, ctx -> json.respond(ctx, 200, RunView.of(tracking.getRun(ctx.pathParam("id")))));
        router.patch("/api/v1/runs/{id}", Access.EDITOR, ctx -> {
            UpdateRun request = json.readStrict(ctx.bodyAsBytes(), UpdateRun.class);
            tracking.updateRun(Authenticator.caller(ctx), ctx.pathParam("id"), Optional.ofNullable(request.status()).map(RunStatus::parse),
                    Optional.ofNullable(request.endTime()), Optional.ofNullable(request.runName()));
            json.respond(ctx, 200, RunView.of(tracking.getRun(ctx.pathParam("id"))));
        });
        router.delete("/api/v1/runs/{id}", Access.EDITOR, ctx -> {
            tracking.deleteRun(Authenticator.caller(ctx), ctx.pathParam("id"));
            json.respond(ctx, 200, RunView.of(tracking.getRun(ctx.pathParam("id"))));
        });
        router.post("/api/v1/runs/{id}/restore", Access.EDITOR, ctx -> {
            tracking.restoreRun(Authenticator.caller(ctx), ctx.pathParam("id"));
            json.respond(ctx, 200, RunView.of(tracking.getRun(ctx.pathParam("id"))));
        });
        router.post("/api/v1/runs/{id}/log", Access.EDITOR, ctx -> {
            LogRequest request = json.readStrict(ctx.bodyAsBytes(), LogRequest.class);
            long now = System.currentTimeMillis();
            List<Metric> metrics = request.metrics() == null ? List.of() : request.metrics().stream().map(m -> {
                if (m.key() == null || m.value() == null) {
                    throw StewardException.invalid("metrics", "every metric needs a 'key' and a 'value'");
                }
                return new Metric(m.key(), m.value(), m.timestamp() == null ? now : m.timestamp(), m.step() == null ? 0 : m.step());
            }).toList();
            tracking.logBatch(Authenticator.caller(ctx), ctx.pathParam("id"), metrics, pairs(request.params()), pairs(request.tags()));
            json.respond(ctx, 200, RunView.of(tracking.getRun(ctx.pathParam("id"))));
        });
        router.get("/api/v1/runs/{id}/metrics/{key}", Access.VIEWER, ctx -> {
            Page<Metric> page = tracking.metricHistory(ctx.pathParam("id"), ctx.pathParam("key"), maxResults(ctx), ctx.queryParam("page_token"));
            json.respond(ctx, 200, new HistoryPage(page.items().stream().map(MetricView::of).toList(), page.nextPageToken().orElse(null)));
        });
        router.get("/api/v1/runs/{id}/seal", Access.VIEWER, ctx -> json.respond(ctx, 200, SealView.of(tracking.verifySeal(ctx.pathParam("id")))));
        router.get("/api/v1/runs/{id}/artifacts", Access.VIEWER, ctx -> {
            Run run = tracking.getRun(ctx.pathParam("id"));
            List<ArtifactEntry> entries = tracking.listRunArtifacts(run.info(), ctx.queryParam("path"));
            json.respond(ctx, 200, new ArtifactList(run.info().artifactUri(),
                    entries.stream().map(e -> new ArtifactView(e.path(), e.isDir(), e.fileSize().orElse(null))).toList()));
        });
    }

    private static ViewType view(Context ctx) {
        return Requests.query(ctx, "view").map(Requests.parsing("view", ViewType::parse)).orElse(ViewType.ACTIVE_ONLY);
    }

    private static Integer maxResults(Context ctx) {
        return Requests.intQuery(ctx, "max_results").orElse(null);
    }

    private static List<KeyValue> pairs(Map<String, String> map) {
        if (map == null) {
            return List.of();
        }
        return map.entrySet().stream().map(e -> new KeyValue(e.getKey(), e.getValue() == null ? "" : e.getValue())).toList();
    }

    private static Map<String, String> map(List<KeyValue> pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        pairs.forEach(p -> map.put(p.key(), p.value()));
        return map;
    }

    private static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}
