package dev.steward.core.registry.policy;

import dev.steward.core.jobs.SpecFields;
import dev.steward.spi.data.DatasetVersion;
import java.util.List;
import java.util.Optional;

/**
 * Measured in the runtime at promotion time: the median latency of single-row calls on rows of a
 * dataset version (by default the first dataset the candidate was trained on), and optionally
 * the time to load the graph.
 */
public final class LatencyCriterion implements Criterion {
    public static final String KIND = "latency";
    private final double p50Millis;
    private final Optional<Double> loadMillis;
    private final int calls;
    private final Optional<String> datasetVersionId;
    private final Optional<String> datasetReference;

    private LatencyCriterion(double p50Millis, Optional<Double> loadMillis, int calls, Optional<String> datasetVersionId,
            Optional<String> datasetReference) {
        this.p50Millis = p50Millis;
        this.loadMillis = loadMillis;
        this.calls = calls;
        this.datasetVersionId = datasetVersionId;
        this.datasetReference = datasetReference;
    }

    /** {@code {p50_ms: 5, calls: 100, load_ms: 2000, dataset: name@version}}. */
    public static final class Kind extends FieldsKind {
        public Kind() {
            super(KIND, "{p50_ms: 5, calls: 100}");
        }

        @Override
        Criterion parse(SpecFields f, PolicyContext context) {
            double p50 = positive(f, "p50_ms").orElseThrow(() -> f.invalid("p50_ms", "is required: the median single-row latency, in ms"));
            Optional<Double> load = positive(f, "load_ms");
            int calls = f.optionalLong("calls", 10, 10_000).orElse(100L).intValue();
            Optional<DatasetVersion> dataset = f.optionalText("dataset", 300).map(d -> context.dataset(d, f.path("dataset")));
            return new LatencyCriterion(p50, load, calls, dataset.map(DatasetVersion::id), dataset.map(d -> d.datasetName() + "@" + d.version()));
        }

        private static Optional<Double> positive(SpecFields f, String key) {
            return f.optional(key).map(v -> {
                if (!v.isNumber() || v.asDouble() <= 0) {
                    throw f.invalid(key, "must be a positive number of milliseconds");
                }
                return v.asDouble();
            });
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String describe() {
        return "p50 single-row latency <= " + MetricCriterion.format(p50Millis) + " ms over " + calls + " calls"
                + loadMillis.map(l -> ", load <= " + MetricCriterion.format(l) + " ms").orElse("") + datasetReference.map(d -> " on " + d).orElse("");
    }

    @Override
    public CriterionResult evaluate(PromotionContext context) {
        Optional<DatasetVersion> rows = datasetVersionId.map(context::datasetVersion).or(() -> context.trainingData().stream().findFirst());
        if (rows.isEmpty()) {
            return new CriterionResult(KIND, describe(), false, "no rows to call the model with: the candidate names no training data",
                    "a dataset in the criterion", List.of());
        }
        PromotionContext.Latency latency = context.latency(context.candidatePackage(), rows.get(), calls);
        boolean passed = latency.p50Millis() <= p50Millis && loadMillis.map(l -> latency.loadMillis() <= l).orElse(true);
        return new CriterionResult(KIND, describe(), passed, "p50 " + MetricCriterion.format(latency.p50Millis()) + " ms, p99 "
                + MetricCriterion.format(latency.p99Millis()) + " ms, load " + MetricCriterion.format(latency.loadMillis()) + " ms",
                "p50 <= " + MetricCriterion.format(p50Millis) + " ms" + loadMillis.map(l -> ", load <= " + MetricCriterion.format(l) + " ms")
                        .orElse(""), List.of(new CriterionResult.Evidence("dataset_version", rows.get().id())));
    }
}
