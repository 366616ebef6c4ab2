package dev.steward.core.registry;

import static java.util.Objects.requireNonNull;

import dev.steward.core.registry.policy.PromotionContext;
import dev.steward.core.tracking.TrackingService;
import dev.steward.core.training.ModelEvaluator;
import dev.steward.core.training.StoredPackage;
import dev.steward.spi.Caller;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.tracking.KeyValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Evaluations of models named by URI ({@code models:/...}, {@code runs:/...}) and the evaluations
 * promotions use as evidence. Evaluations of a registered model are kept as runs of the
 * experiment {@code models/<name>}, tagged with the version. Thread-safe.
 */
public final class RegistryEvaluations implements PromotionService.PackageEvaluator {
    private final ModelEvaluator evaluator;
    private final ModelRegistration registration;
    private final RegistryService registry;
    private final TrackingService tracking;

    public RegistryEvaluations(ModelEvaluator evaluator, ModelRegistration registration, RegistryService registry, TrackingService tracking) {
        this.evaluator = requireNonNull(evaluator, "evaluator is null");
        this.registration = requireNonNull(registration, "registration is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.tracking = requireNonNull(tracking, "tracking is null");
    }

    /** Evaluates the model a URI names on a dataset version (a run's package joins its run's experiment, as before). */
    public ModelEvaluator.Result evaluate(Caller caller, String uri, String dataset, int version, Optional<String> overrideReason) {
        requireNonNull(caller, "caller is null");
        ModelUri parsed = ModelUri.parse(uri);
        if (parsed instanceof ModelUri.RunModel run && run.path().equals("model")) {
            return evaluator.evaluate(caller, run.runId(), dataset, version, overrideReason);
        }
        StoredPackage pkg = registration.packageOf(uri);
        if (parsed instanceof ModelUri.Registered registered) {
            int number = registry.resolve(registered).version().version();
            return evaluator.evaluate(caller, pkg, dataset, version, overrideReason, run(caller, registered.name(), number, dataset, version));
        }
        ModelUri.RunModel run = (ModelUri.RunModel) parsed;
        return evaluator.evaluate(caller, pkg, dataset, version, overrideReason, new ModelEvaluator.EvaluationRun(
                tracking.getRun(run.runId()).info().experimentId(), "evaluate-" + run.runId(), List.of(new KeyValue(
                        ModelEvaluator.MODEL_RUN_TAG, run.runId()))));
    }

    @Override
    public PromotionContext.Evaluation evaluate(Caller caller, StoredPackage pkg, DatasetVersion dataset, String model, int version) {
        ModelEvaluator.Result result = evaluator.evaluate(caller, pkg, dataset.datasetName(), dataset.version(), Optional.empty(),
                run(caller, model, version, dataset.datasetName(), dataset.version()));
        Map<String, Double> metrics = new TreeMap<>();
        result.report().path("metrics").fields().forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().isNumber() ? e.getValue().asDouble()
                : Double.NaN));
        return new PromotionContext.Evaluation(result.evaluationRunId(), metrics, false);
    }

    private ModelEvaluator.EvaluationRun run(Caller caller, String model, int version, String dataset, int datasetVersion) {
        return new ModelEvaluator.EvaluationRun(tracking.experimentNamed(caller, "models/" + model), "evaluate-" + model + "-v" + version + "-on-" + dataset
                + "-v" + datasetVersion, List.of(new KeyValue("steward.registry.model", model), new KeyValue("steward.registry.version",
                Integer.toString(version))));
    }
}
