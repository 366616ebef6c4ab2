package dev.steward.server.api;

import static java.util.Objects.requireNonNull;

import dev.steward.core.registry.RegistryEvaluations;
import dev.steward.core.training.ModelEvaluator;
import dev.steward.server.http.Access;
import dev.steward.server.http.Authenticator;
import dev.steward.server.http.Json;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.StewardException;
import java.util.Optional;

/**
 * {@code POST /api/v1/evaluations}: evaluates a model — named by {@code model}, a model URI
 * ({@code models:/name/3}, {@code models:/name@production}, {@code runs:/<run>/model}), or by
 * {@code run_id} — on a dataset version in ONNX Runtime and keeps the result as an evaluation run.
 * Needs editor (it creates a run).
 */
public final class EvaluationRoutes implements Routes {
    private final RegistryEvaluations evaluator;
    private final Json json;

    public EvaluationRoutes(RegistryEvaluations evaluator, Json json) {
        this.evaluator = requireNonNull(evaluator, "evaluator is null");
        this.json = requireNonNull(json, "json is null");
    }

    record Request(String runId, String model, String dataset, Integer version, String overrideReason) {}

    @Override
    public void register(Router router) {
        router.post("/api/v1/evaluations", Access.EDITOR, ctx -> {
            Request request = json.readStrict(ctx.bodyAsBytes(), Request.class);
            if ((request.runId() == null) == (request.model() == null)) {
                throw StewardException.invalid("model", "give either 'model' (a model URI such as models:/penguins@production) or 'run_id'"
                        + " (the run that holds the model package)");
            }
            if (request.dataset() == null || request.dataset().isBlank()) {
                throw StewardException.invalid("dataset", "'dataset' is required: the name of the dataset to evaluate on");
            }
            if (request.version() == null || request.version() < 1) {
                throw StewardException.invalid("version", "'version' is required: a dataset version number (1 or more)");
            }
            String uri = request.model() != null ? request.model() : "runs:/" + request.runId() + "/model";
            ModelEvaluator.Result result = evaluator.evaluate(Authenticator.caller(ctx), uri, request.dataset(), request.version(),
                    Optional.ofNullable(request.overrideReason()));
            json.respond(ctx, 200, result.report());
        });
    }
}
