package dev.steward.core.monitoring;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.TreeMap;

/**
 * The ground truth that arrived (as feedback) for the rows of one window: kept by the monitoring
 * service per window as labels come, late or not, and handed to the evaluation.
 *
 * @param correct labelled rows whose predicted label was right (classification)
 * @param absoluteErrorSum Σ|truth − prediction| over the labelled rows (regression)
 * @param classes true label → rows (classification), for label drift
 */
public record LabelCounts(long labelled, long correct, double absoluteErrorSum, Map<String, Long> classes) {
    public static final LabelCounts NONE = new LabelCounts(0, 0, 0, Map.of());

    public LabelCounts {
        if (labelled < 0 || correct < 0 || correct > labelled) {
            throw new IllegalArgumentException("counts out of range: " + labelled + " labelled, " + correct + " correct");
        }
        classes = Map.copyOf(classes);
        requireNonNull(classes, "classes is null");
    }

    public LabelCounts plus(LabelCounts other) {
        Map<String, Long> merged = new TreeMap<>(classes);
        other.classes.forEach((k, v) -> merged.merge(k, v, Long::sum));
        return new LabelCounts(labelled + other.labelled, correct + other.correct, absoluteErrorSum + other.absoluteErrorSum, merged);
    }
}
