package dev.steward.server.serving;

import static java.util.Objects.requireNonNull;

import dev.steward.core.serving.Prediction;
import dev.steward.core.serving.ServingEngine;
import dev.steward.server.http.Access;
import dev.steward.server.http.Json;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Open Inference Protocol (v2 REST, as KServe, Triton and MLServer speak it) over the
 * deployments: {@code {name}} is a deployment, {@code {version}} one of its versions ({@code 3},
 * or {@code model:3} in a deployment of several models), which pins it. Health and server
 * metadata are public, like {@code /health}; a deployment's metadata, readiness and inference
 * need a token of at least the inference role. Errors are the protocol's {@code {"error": ...}}
 * (see {@code ErrorMapper}).
 */
public final class OipRoutes implements Routes {
    private static final String MODEL = "/v2/models/{name}";
    private static final String VERSION = MODEL + "/versions/{version}";

    private final ServingCalls calls;
    private final ServingEngine engine;
    private final OipCodec codec;
    private final Json json;
    private final String serverVersion;

    public OipRoutes(ServingEngine engine, Json json, String serverVersion) {
        this.engine = requireNonNull(engine, "engine is null");
        this.calls = new ServingCalls(engine);
        this.json = requireNonNull(json, "json is null");
        this.codec = new OipCodec(json.mapper());
        this.serverVersion = requireNonNull(serverVersion, "serverVersion is null");
    }

    record ServerMetadata(String name, String version, List<String> extensions) {}

    @Override
    public void register(Router router) {
        router.get("/v2", Access.PUBLIC, ctx -> json.respond(ctx, 200, new ServerMetadata("steward", serverVersion, List.of())));
        router.get("/v2/health/live", Access.PUBLIC, ctx -> json.respond(ctx, 200, Map.of("live", true)));
        router.get("/v2/health/ready", Access.PUBLIC, ctx -> {
            Optional<String> why = engine.notReady();
            if (why.isPresent()) {
                throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, "not ready: " + why.get());
            }
            json.respond(ctx, 200, Map.of("ready", true));
        });
        router.get(MODEL, Access.INFERENCE, ctx -> metadata(ctx, Optional.empty()));
        router.get(VERSION, Access.INFERENCE, ctx -> metadata(ctx, Optional.of(ctx.pathParam("version"))));
        router.get(MODEL + "/ready", Access.INFERENCE, ctx -> ready(ctx, Optional.empty()));
        router.get(VERSION + "/ready", Access.INFERENCE, ctx -> ready(ctx, Optional.of(ctx.pathParam("version"))));
        router.post(MODEL + "/infer", Access.INFERENCE, ctx -> infer(ctx, Optional.empty()));
        router.post(VERSION + "/infer", Access.INFERENCE, ctx -> infer(ctx, Optional.of(ctx.pathParam("version"))));
    }

    private void metadata(Context ctx, Optional<String> version) {
        ServingEngine.DeploymentDescription described = engine.describe(ctx.pathParam("name"), version);
        ctx.contentType("application/json").result(codec.metadata(described.state().name(), described.versions(),
                described.version().signature()));
    }

    private void ready(Context ctx, Optional<String> version) {
        String name = ctx.pathParam("name");
        Optional<String> why = engine.notReady(name, version);
        if (why.isPresent()) {
            throw StewardException.of(ErrorCode.TEMPORARILY_UNAVAILABLE, why.get());
        }
        json.respond(ctx, 200, Map.of("name", name, "ready", true));
    }

    private void infer(Context ctx, Optional<String> version) {
        byte[] body = ctx.bodyAsBytes();
        OipCodec.InferRequest[] read = new OipCodec.InferRequest[1];
        Prediction prediction = calls.predict(ctx, "oip", version, () -> {
            read[0] = codec.read(body);
            return read[0].input();
        });
        ctx.contentType("application/json").result(codec.response(prediction, read[0].id()));
    }
}
