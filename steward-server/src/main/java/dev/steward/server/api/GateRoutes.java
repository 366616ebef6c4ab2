package dev.steward.server.api;

import static java.util.Objects.requireNonNull;

import dev.steward.core.data.DatasetService;
import dev.steward.core.gates.Adaptivity;
import dev.steward.core.gates.GateCondition;
import dev.steward.core.gates.GateService;
import dev.steward.core.gates.GateSettings;
import dev.steward.core.gates.Mode;
import dev.steward.core.registry.ModelRegistration;
import dev.steward.server.http.Access;
import dev.steward.server.http.Authenticator;
import dev.steward.server.http.Json;
import dev.steward.server.http.Router;
import dev.steward.server.http.Routes;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.DatasetVersion;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Statistical release gates (ease.ml/ci):
 * <ul>
 * <li>{@code POST /api/v1/gates/sample-size} (viewer): the labelled rows a condition needs;</li>
 * <li>{@code POST /api/v1/gates/checks} (editor): a candidate against a baseline on a test set,
 * spending one step of the test set's budget;</li>
 * <li>{@code GET /api/v1/gates/test-sets/{dataset}/{version}} (viewer): a test set's budget and
 * its checks, with estimates for administrators (and for everyone once it is retired).</li>
 * </ul>
 * Defaults: reliability 0.999, mode {@code fp-free}, adaptivity {@code full}, 32 steps.
 */
public final class GateRoutes implements Routes {
    static final double DEFAULT_RELIABILITY = 0.999;
    static final int DEFAULT_STEPS = 32;

    private final GateService gates;
    private final ModelRegistration registration;
    private final DatasetService datasets;
    private final Json json;

    public GateRoutes(GateService gates, ModelRegistration registration, DatasetService datasets, Json json) {
        this.gates = requireNonNull(gates, "gates is null");
        this.registration = requireNonNull(registration, "registration is null");
        this.datasets = requireNonNull(datasets, "datasets is null");
        this.json = requireNonNull(json, "json is null");
    }

    record SizeRequest(String condition, Double reliability, String mode, String adaptivity, Integer steps, Double disagreementBound) {}

    record CheckRequest(String candidate, String against, String condition, Double reliability, String mode, String adaptivity, Integer steps,
            String testSet, Double disagreementBound, String overrideReason) {}

    @Override
    public void register(Router router) {
        router.post("/api/v1/gates/sample-size", Access.VIEWER, ctx -> {
            SizeRequest r = json.readStrict(ctx.bodyAsBytes(), SizeRequest.class);
            GateSettings settings = settings(r.condition(), r.reliability(), r.mode(), r.adaptivity(), r.steps());
            json.respond(ctx, 200, gates.size(settings, bound(r.disagreementBound())));
        });
        router.post("/api/v1/gates/checks", Access.EDITOR, ctx -> {
            CheckRequest r = json.readStrict(ctx.bodyAsBytes(), CheckRequest.class);
            GateSettings settings = settings(r.condition(), r.reliability(), r.mode(), r.adaptivity(), r.steps());
            if (r.candidate() == null || r.candidate().isBlank()) {
                throw StewardException.invalid("candidate", "'candidate' is required: the model to judge, as a model URI (models:/name/7)");
            }
            if (r.testSet() == null || r.testSet().isBlank()) {
                throw StewardException.invalid("test_set", "'test_set' is required: the dataset version to judge on, as NAME@VERSION");
            }
            DatasetVersion testSet = testSet(r.testSet());
            GateService.Model candidate = model("candidate", r.candidate());
            Optional<GateService.Model> against = Optional.ofNullable(r.against()).map(uri -> model("against", uri));
            GateService.CheckResult result = gates.check(Authenticator.caller(ctx), new GateService.CheckRequest(settings, candidate, against,
                    testSet, bound(r.disagreementBound()), Optional.ofNullable(r.overrideReason())));
            json.respond(ctx, 200, result.view());
        });
        router.get("/api/v1/gates/test-sets/{dataset}/{version}", Access.VIEWER, ctx -> json.respond(ctx, 200,
                gates.testSet(Authenticator.caller(ctx), datasets.version(ctx.pathParam("dataset"), version(ctx.pathParam("version"))))));
    }

    private static GateSettings settings(String condition, Double reliability, String mode, String adaptivity, Integer steps) {
        if (condition == null || condition.isBlank()) {
            throw StewardException.invalid("condition", "'condition' is required, e.g. \"n - o > 0.02 +/- 0.01\"");
        }
        GateCondition parsed = GateCondition.parse(condition);
        double r = reliability == null ? DEFAULT_RELIABILITY : reliability;
        Mode m = mode == null ? Mode.FP_FREE : Mode.parse(mode);
        Adaptivity a = adaptivity == null ? Adaptivity.FULL : Adaptivity.parse(adaptivity);
        return new GateSettings(parsed, r, m, a, steps == null ? DEFAULT_STEPS : steps);
    }

    private static OptionalDouble bound(Double bound) {
        return bound == null ? OptionalDouble.empty() : OptionalDouble.of(bound);
    }

    private GateService.Model model(String field, String uri) {
        try {
            return new GateService.Model(uri, registration.packageOf(uri));
        } catch (StewardException e) {
            if (e.field().isEmpty() && e.code().category() == dev.steward.spi.ErrorCategory.USER) {
                throw StewardException.invalid(field, e.getMessage());
            }
            throw e;
        }
    }

    private DatasetVersion testSet(String reference) {
        int at = reference.lastIndexOf('@');
        if (at <= 0 || !reference.substring(at + 1).matches("[0-9]{1,9}")) {
            throw StewardException.invalid("test_set", "'" + reference + "' does not name a dataset version: write NAME@VERSION, e.g. holdout@2");
        }
        return datasets.version(reference.substring(0, at), Integer.parseInt(reference.substring(at + 1)));
    }

    private static int version(String text) {
        try {
            int version = Integer.parseInt(text);
            if (version < 1) {
                throw new NumberFormatException();
            }
            return version;
        } catch (NumberFormatException e) {
            throw StewardException.invalid("version", "'" + text + "' is not a version number: use 1, 2, ...");
        }
    }
}
