package dev.steward.server.mlflow;

import static dev.steward.server.mlflow.MlflowWire.integer;
import static dev.steward.server.mlflow.MlflowWire.pairs;
import static dev.steward.server.mlflow.MlflowWire.present;
import static dev.steward.server.mlflow.MlflowWire.required;
import static java.util.Objects.requireNonNull;

import dev.steward.core.registry.ModelRegistration;
import dev.steward.core.registry.ModelStages;
import dev.steward.core.registry.ModelUri;
import dev.steward.core.registry.RegistryService;
import dev.steward.core.registry.RegistryService.VersionDetails;
import dev.steward.core.tracking.Page;
import dev.steward.core.tracking.TrackingService;
import dev.steward.server.http.Access;
import dev.steward.server.http.Authenticator;
import dev.steward.server.http.Json;
import dev.steward.server.http.Requests;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.server.mlflow.MlflowJson.Empty;
import dev.steward.server.mlflow.MlflowRegistryJson.CreateModelVersion;
import dev.steward.server.mlflow.MlflowRegistryJson.CreateRegisteredModel;
import dev.steward.server.mlflow.MlflowRegistryJson.DeleteAlias;
import dev.steward.server.mlflow.MlflowRegistryJson.DeleteModelVersionTag;
import dev.steward.server.mlflow.MlflowRegistryJson.DeleteRegisteredModelTag;
import dev.steward.server.mlflow.MlflowRegistryJson.DownloadUriResponse;
import dev.steward.server.mlflow.MlflowRegistryJson.GetLatestVersions;
import dev.steward.server.mlflow.MlflowRegistryJson.ModelVersionId;
import dev.steward.server.mlflow.MlflowRegistryJson.ModelVersionJson;
import dev.steward.server.mlflow.MlflowRegistryJson.ModelVersionResponse;
import dev.steward.server.mlflow.MlflowRegistryJson.ModelVersionsResponse;
import dev.steward.server.mlflow.MlflowRegistryJson.RegisteredModelJson;
import dev.steward.server.mlflow.MlflowRegistryJson.RegisteredModelName;
import dev.steward.server.mlflow.MlflowRegistryJson.RegisteredModelResponse;
import dev.steward.server.mlflow.MlflowRegistryJson.RenameRegisteredModel;
import dev.steward.server.mlflow.MlflowRegistryJson.SearchModelVersionsResponse;
import dev.steward.server.mlflow.MlflowRegistryJson.SearchRegisteredModelsResponse;
import dev.steward.server.mlflow.MlflowRegistryJson.SetAlias;
import dev.steward.server.mlflow.MlflowRegistryJson.SetModelVersionTag;
import dev.steward.server.mlflow.MlflowRegistryJson.SetRegisteredModelTag;
import dev.steward.server.mlflow.MlflowRegistryJson.TransitionStage;
import dev.steward.server.mlflow.MlflowRegistryJson.UpdateModelVersion;
import dev.steward.server.mlflow.MlflowRegistryJson.UpdateRegisteredModel;
import dev.steward.spi.StewardException;
import dev.steward.spi.registry.ModelVersionRecord;
import dev.steward.spi.tracking.KeyValue;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MLflow's Model Registry REST API 2.0 ({@code /api/2.0/mlflow/registered-models/...} and
 * {@code /api/2.0/mlflow/model-versions/...}), wire-compatible so that MLflow's clients
 * ({@code mlflow.register_model}, {@code MlflowClient}) work unchanged. GET calls take query
 * parameters, the others a JSON body (DELETE too, as MLflow's clients send it). Viewers read;
 * editors create, describe, tag, alias and delete; moving a version between stages is a
 * deployer's, like a promotion. The rules are the registry's ({@link RegistryService},
 * {@link ModelStages} for stages, {@link ModelRegistration} for new versions).
 */
public final class MlflowRegistryRoutes implements Routes {
    private static final String MODELS = "/api/2.0/mlflow/registered-models";
    private static final String VERSIONS = "/api/2.0/mlflow/model-versions";
    /** MLflow's limits: registered models per page, and model versions a search may ask for. */
    private static final int MAX_MODEL_RESULTS = 1000;
    private static final int MAX_VERSION_RESULTS = 200_000;
    /**
     * The largest page of versions Steward returns; MLflow lets a server send fewer than asked
     * ("backends may choose a lower maximum"), with a token for the rest.
     */
    private static final int VERSION_PAGE = 10_000;
    /** The source of a version registered from an uploaded ONNX graph: the graph's blob. */
    private static final String UPLOADED_GRAPH = "sha256:";

    private final RegistryService registry;
    private final ModelStages stages;
    private final ModelRegistration registration;
    private final TrackingService tracking;
    private final MlflowWire wire;

    public MlflowRegistryRoutes(RegistryService registry, ModelStages stages, ModelRegistration registration, TrackingService tracking,
            Json json) {
        this.registry = requireNonNull(registry, "registry is null");
        this.stages = requireNonNull(stages, "stages is null");
        this.registration = requireNonNull(registration, "registration is null");
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.wire = new MlflowWire(json);
    }

    @Override
    public void register(Router router) {
        models(router);
        aliases(router);
        versions(router);
        // Last, because the request fuzzer walks the routes in the order they are declared: the others find what it seeded.
        renamesAndDeletions(router);
    }

    private void models(Router router) {
        router.post(MODELS + "/create", Access.EDITOR, ctx -> {
            CreateRegisteredModel request = wire.read(ctx, CreateRegisteredModel.class);
            RegistryService.ModelDetails created = registry.createModel(Authenticator.caller(ctx), present("name", request.name()),
                    Optional.ofNullable(request.description()), tags(request.tags()));
            wire.ok(ctx, new RegisteredModelResponse(RegisteredModelJson.of(new ModelStages.Listed(created, List.of()))));
        });
        router.get(MODELS + "/get", Access.VIEWER, ctx ->
                wire.ok(ctx, new RegisteredModelResponse(RegisteredModelJson.of(stages.model(required(ctx, "name"))))));
        router.patch(MODELS + "/update", Access.EDITOR, ctx -> {
            UpdateRegisteredModel request = wire.read(ctx, UpdateRegisteredModel.class);
            // As in MLflow, an absent description clears it.
            wire.ok(ctx, new RegisteredModelResponse(RegisteredModelJson.of(stages.listed(registry.updateModel(Authenticator.caller(ctx),
                    present("name", request.name()), Optional.ofNullable(request.description()))))));
        });
        router.get(MODELS + "/search", Access.VIEWER, ctx -> {
            Page<ModelStages.Listed> page = stages.searchModels(ctx.queryParam("filter"), ctx.queryParams("order_by"),
                    maxResults(ctx, MAX_MODEL_RESULTS).orElse(null), ctx.queryParam("page_token"));
            wire.ok(ctx, new SearchRegisteredModelsResponse(page.items().isEmpty() ? null : page.items().stream().map(RegisteredModelJson::of)
                    .toList(), page.nextPageToken().orElse(null)));
        });
        router.post(MODELS + "/get-latest-versions", Access.VIEWER, ctx -> {
            GetLatestVersions request = wire.read(ctx, GetLatestVersions.class);
            latestVersions(ctx, present("name", request.name()), request.stages() == null ? List.of() : request.stages());
        });
        router.get(MODELS + "/get-latest-versions", Access.VIEWER, ctx -> latestVersions(ctx, required(ctx, "name"), ctx.queryParams("stages")));
        router.post(MODELS + "/set-tag", Access.EDITOR, ctx -> {
            SetRegisteredModelTag request = wire.read(ctx, SetRegisteredModelTag.class);
            registry.setModelTag(Authenticator.caller(ctx), present("name", request.name()), present("key", request.key()),
                    present("value", request.value()));
            wire.ok(ctx, new Empty());
        });
        router.delete(MODELS + "/delete-tag", Access.EDITOR, ctx -> {
            DeleteRegisteredModelTag request = wire.read(ctx, DeleteRegisteredModelTag.class);
            registry.deleteModelTag(Authenticator.caller(ctx), present("name", request.name()), present("key", request.key()));
            wire.ok(ctx, new Empty());
        });
    }

    private void latestVersions(Context ctx, String name, List<String> stageNames) {
        wire.ok(ctx, new ModelVersionsResponse(ModelVersionJson.of(stages.latest(name, stageNames))));
    }

    private void aliases(Router router) {
        router.post(MODELS + "/alias", Access.EDITOR, ctx -> {
            SetAlias request = wire.read(ctx, SetAlias.class);
            registry.setAlias(Authenticator.caller(ctx), present("name", request.name()), present("alias", request.alias()),
                    version(request.version()));
            wire.ok(ctx, new Empty());
        });
        router.delete(MODELS + "/alias", Access.EDITOR, ctx -> {
            DeleteAlias request = wire.read(ctx, DeleteAlias.class);
            registry.deleteAlias(Authenticator.caller(ctx), present("name", request.name()), present("alias", request.alias()));
            wire.ok(ctx, new Empty());
        });
        router.get(MODELS + "/alias", Access.VIEWER, ctx ->
                wire.ok(ctx, new ModelVersionResponse(ModelVersionJson.of(registry.byAlias(required(ctx, "name"), required(ctx, "alias"))))));
    }

    private void versions(Router router) {
        router.post(VERSIONS + "/create", Access.EDITOR, ctx -> {
            CreateModelVersion request = wire.read(ctx, CreateModelVersion.class);
            String name = present("name", request.name());
            // The source names the run, and Steward holds the runs it registers from (so no run_link is needed): run_id and
            // run_link are accepted and not kept.
            ModelRegistration.Request what = new ModelRegistration.Request(Optional.empty(), Optional.of(present("source", request.source())),
                    Optional.empty(), Optional.empty(), Optional.ofNullable(request.description()), tags(request.tags()));
            // MLflow requires the registered model to exist: mlflow.register_model creates it first.
            wire.ok(ctx, new ModelVersionResponse(ModelVersionJson.of(registration.register(Authenticator.caller(ctx), name, what, false))));
        });
        router.get(VERSIONS + "/get", Access.VIEWER, ctx ->
                wire.ok(ctx, new ModelVersionResponse(ModelVersionJson.of(registry.version(required(ctx, "name"), version(ctx))))));
        router.patch(VERSIONS + "/update", Access.EDITOR, ctx -> {
            UpdateModelVersion request = wire.read(ctx, UpdateModelVersion.class);
            // As in MLflow, an absent description is an empty one.
            ModelVersionRecord.Notes notes = new ModelVersionRecord.Notes(Optional.of(request.description() == null ? ""
                    : request.description()), Optional.empty(), Optional.empty());
            wire.ok(ctx, new ModelVersionResponse(ModelVersionJson.of(registry.updateVersion(Authenticator.caller(ctx),
                    present("name", request.name()), version(request.version()), notes))));
        });
        router.get(VERSIONS + "/search", Access.VIEWER, ctx -> {
            Page<VersionDetails> page = registry.searchVersions(ctx.queryParam("filter"), ctx.queryParams("order_by"),
                    maxResults(ctx, MAX_VERSION_RESULTS).map(n -> Math.min(n, VERSION_PAGE)).orElse(null), ctx.queryParam("page_token"));
            wire.ok(ctx, new SearchModelVersionsResponse(ModelVersionJson.of(page.items()), page.nextPageToken().orElse(null)));
        });
        router.post(VERSIONS + "/transition-stage", Access.DEPLOYER, ctx -> {
            TransitionStage request = wire.read(ctx, TransitionStage.class);
            wire.ok(ctx, new ModelVersionResponse(ModelVersionJson.of(stages.transition(Authenticator.caller(ctx),
                    present("name", request.name()), version(request.version()), present("stage", request.stage()),
                    Boolean.TRUE.equals(request.archiveExistingVersions())))));
        });
        router.post(VERSIONS + "/set-tag", Access.EDITOR, ctx -> {
            SetModelVersionTag request = wire.read(ctx, SetModelVersionTag.class);
            registry.setVersionTag(Authenticator.caller(ctx), present("name", request.name()), version(request.version()),
                    present("key", request.key()), present("value", request.value()));
            wire.ok(ctx, new Empty());
        });
        router.delete(VERSIONS + "/delete-tag", Access.EDITOR, ctx -> {
            DeleteModelVersionTag request = wire.read(ctx, DeleteModelVersionTag.class);
            registry.deleteVersionTag(Authenticator.caller(ctx), present("name", request.name()), version(request.version()),
                    present("key", request.key()));
            wire.ok(ctx, new Empty());
        });
        router.get(VERSIONS + "/get-download-uri", Access.VIEWER, ctx ->
                wire.ok(ctx, new DownloadUriResponse(downloadUri(ctx, registry.version(required(ctx, "name"), version(ctx))))));
    }

    private void renamesAndDeletions(Router router) {
        router.post(MODELS + "/rename", Access.EDITOR, ctx -> {
            RenameRegisteredModel request = wire.read(ctx, RenameRegisteredModel.class);
            wire.ok(ctx, new RegisteredModelResponse(RegisteredModelJson.of(stages.listed(registry.renameModel(Authenticator.caller(ctx),
                    present("name", request.name()), present("new_name", request.newName()))))));
        });
        router.delete(VERSIONS + "/delete", Access.EDITOR, ctx -> {
            ModelVersionId request = wire.read(ctx, ModelVersionId.class);
            registry.deleteVersion(Authenticator.caller(ctx), present("name", request.name()), version(request.version()));
            wire.ok(ctx, new Empty());
        });
        router.delete(MODELS + "/delete", Access.EDITOR, ctx -> {
            registry.deleteModel(Authenticator.caller(ctx), present("name", wire.read(ctx, RegisteredModelName.class).name()));
            wire.ok(ctx, new Empty());
        });
    }

    /**
     * Where a client downloads a version's model with its MLflow artifact client: for a version
     * registered from a run's folder, that folder under the run's artifact URI
     * ({@code mlflow-artifacts:/<experiment>/<run>/artifacts/model}); for an uploaded ONNX graph,
     * which no run holds, the URL of the graph's blob on this server ({@code GET} with a token).
     */
    private String downloadUri(Context ctx, VersionDetails details) {
        String source = details.version().source();
        if (source.startsWith("runs:/")) {
            ModelUri.RunModel run = (ModelUri.RunModel) ModelUri.parse(source);
            return tracking.getRun(run.runId()).info().artifactUri() + "/" + run.path();
        }
        if (source.startsWith(UPLOADED_GRAPH)) {
            // The server as the client reached it (its Host), so the URL works behind a proxy that keeps the Host.
            String url = ctx.req().getRequestURL().toString();
            int path = url.indexOf('/', url.indexOf("://") + 3);
            return (path < 0 ? url : url.substring(0, path)) + "/api/v1/artifacts/" + source.substring(UPLOADED_GRAPH.length());
        }
        return source;
    }

    private static Map<String, String> tags(List<MlflowJson.Tag> tags) {
        Map<String, String> map = new LinkedHashMap<>();
        // A key given twice keeps its last value, as MLflow keeps it.
        for (KeyValue pair : pairs(tags)) {
            map.put(pair.key(), pair.value());
        }
        return map;
    }

    private static int version(Context ctx) {
        return version(required(ctx, "version"));
    }

    /** A version number given as MLflow sends it, a string; what is not a number is MLflow's error, 0 or less is a version not found. */
    private static int version(String text) {
        String value = present("version", text == null || text.isEmpty() ? null : text);
        if (!value.matches("[+-]?[0-9]+")) {
            throw StewardException.invalid("version", "Model version must be an integer, got '" + value + "'");
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw StewardException.invalid("version", "Model version '" + value + "' is out of range: versions are at most "
                    + Integer.MAX_VALUE);
        }
    }

    /** {@code max_results}, checked against MLflow's limit with MLflow's messages. */
    private static Optional<Integer> maxResults(Context ctx, int limit) {
        Optional<Integer> value = Requests.query(ctx, "max_results").map(text -> integer("max_results", text));
        value.ifPresent(n -> {
            if (n < 1) {
                throw StewardException.invalid("max_results", "Invalid value for max_results. It must be a positive integer, but got " + n);
            }
            if (n > limit) {
                throw StewardException.invalid("max_results", "Invalid value for request parameter max_results. It must be at most " + limit
                        + ", but got value " + n);
            }
        });
        return value;
    }
}
