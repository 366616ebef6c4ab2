package dev.steward.server.api;

import static java.util.Objects.requireNonNull;

import dev.steward.core.feasibility.FeasibilityService;
import dev.steward.server.http.Access;
import dev.steward.server.http.Authenticator;
import dev.steward.server.http.Json;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.StewardException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * {@code POST /api/v1/feasibility}: a feasibility study of a dataset version's target (Bayes error
 * bounds, FeeBee's self-check, a learning curve), kept as a run in {@code feasibility/<dataset>}.
 * Needs editor (it creates a run).
 */
public final class FeasibilityRoutes implements Routes {
    private final FeasibilityService feasibility;
    private final Json json;

    public FeasibilityRoutes(FeasibilityService feasibility, Json json) {
        this.feasibility = requireNonNull(feasibility, "feasibility is null");
        this.json = requireNonNull(json, "json is null");
    }

    record Request(String dataset, Integer version, String target, List<String> features, Double targetAccuracy, Long seed, Integer maxRows,
            String overrideReason) {}

    @Override
    public void register(Router router) {
        router.post("/api/v1/feasibility", Access.EDITOR, ctx -> {
            Request request = json.readStrict(ctx.bodyAsBytes(), Request.class);
            if (request.dataset() == null || request.dataset().isBlank()) {
                throw StewardException.invalid("dataset", "'dataset' is required: the name of the dataset to study");
            }
            if (request.version() == null || request.version() < 1) {
                throw StewardException.invalid("version", "'version' is required: a dataset version number (1 or more)");
            }
            if (request.target() == null || request.target().isBlank()) {
                throw StewardException.invalid("target", "'target' is required: the column of classes to predict");
            }
            if (request.features() != null && request.features().isEmpty()) {
                throw StewardException.invalid("features", "'features' lists at least one column; leave it out to use every column but the"
                        + " target");
            }
            FeasibilityService.Result result = feasibility.study(Authenticator.caller(ctx), new FeasibilityService.Request(request.dataset(),
                    request.version(), request.target(), request.features() == null ? List.of() : request.features(),
                    request.targetAccuracy() == null ? OptionalDouble.empty() : OptionalDouble.of(request.targetAccuracy()),
                    request.seed() == null ? FeasibilityService.DEFAULT_SEED : request.seed(),
                    request.maxRows() == null ? FeasibilityService.DEFAULT_MAX_ROWS : request.maxRows(), Optional.ofNullable(request.overrideReason())));
            json.respond(ctx, 200, result.report());
        });
    }
}
