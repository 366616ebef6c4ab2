package dev.steward.server.serving;

import static java.util.Objects.requireNonNull;

import dev.steward.core.serving.Prediction;
import dev.steward.core.serving.ServingEngine;
import dev.steward.server.http.Access;
import dev.steward.server.http.Json;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Steward's records API: {@code POST /api/v1/deployments/{name}/predict} (the traffic split
 * chooses the version) and {@code .../versions/{version}/predict} (pinned). Needs a token of at
 * least the inference role; errors in Steward's shape, naming the field.
 */
public final class PredictRoutes implements Routes {
    private final ServingCalls calls;
    private final NativeCodec codec;

    public PredictRoutes(ServingEngine engine, Json json) {
        this.calls = new ServingCalls(requireNonNull(engine, "engine is null"));
        this.codec = new NativeCodec(requireNonNull(json, "json is null"));
    }

    @Override
    public void register(Router router) {
        router.post("/api/v1/deployments/{name}/predict", Access.INFERENCE, ctx -> predict(ctx, Optional.empty()));
        router.post("/api/v1/deployments/{name}/versions/{version}/predict", Access.INFERENCE,
                ctx -> predict(ctx, Optional.of(ctx.pathParam("version"))));
    }

    private void predict(Context ctx, Optional<String> version) {
        byte[] body = ctx.bodyAsBytes();
        Prediction prediction = calls.predict(ctx, "native", version, () -> codec.read(body));
        ctx.contentType("application/json").result(codec.response(prediction));
    }
}
