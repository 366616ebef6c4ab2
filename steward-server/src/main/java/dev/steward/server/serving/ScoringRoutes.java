package dev.steward.server.serving;

import static java.util.Objects.requireNonNull;

import dev.steward.core.serving.Prediction;
import dev.steward.core.serving.ServingEngine;
import dev.steward.server.http.Access;
import dev.steward.server.http.Json;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import java.util.Optional;

/**
 * MLflow's scoring protocol at {@code /deployments/{name}/invocations}: what a client of
 * {@code mlflow models serve} sends to {@code /invocations}, with the deployment in the path, so
 * switching is a change of URL. Needs a token of at least the inference role; errors in MLflow's
 * shape {@code {"error_code", "message"}}.
 */
public final class ScoringRoutes implements Routes {
    private final ServingCalls calls;
    private final ScoringCodec codec;

    public ScoringRoutes(ServingEngine engine, Json json) {
        this.calls = new ServingCalls(requireNonNull(engine, "engine is null"));
        this.codec = new ScoringCodec(requireNonNull(json, "json is null"));
    }

    @Override
    public void register(Router router) {
        router.post("/deployments/{name}/invocations", Access.INFERENCE, ctx -> {
            byte[] body = ctx.bodyAsBytes();
            String contentType = ctx.header("Content-Type");
            Prediction prediction = calls.predict(ctx, "mlflow", Optional.empty(), () -> codec.read(body, contentType));
            ctx.contentType("application/json").result(codec.response(prediction));
        });
    }
}
