package dev.steward.core.monitoring;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a monitor found in one window: per-feature drift against the reference, multivariate drift,
 * prediction and label drift, outliers, and performance (realised from feedback, estimated without
 * labels). Stored as JSON with the window ({@code WindowReports} reads and writes it), served by the
 * API, drawn by the HTML report, and read by the alert rules ({@link #metric}).
 *
 * @param window the window's number, from 0, in the monitor's revision
 * @param partial an on-demand evaluation of a window still open
 * @param status {@code evaluated}, or {@code too_small} (fewer rows than {@code window.min-rows}: nothing tested)
 * @param method {@code test} (p-values, windows under {@code drift.large-window} rows) or {@code distance}
 * @param source {@code live} (from the window's profiles, as requests were logged) or {@code rebuilt} (recomputed from log segments)
 * @param versions rows per served version, {@code model/version} → rows
 */
public record WindowReport(String monitor, int monitorRevision, long window, long startMillis, long endMillis, boolean partial, long rows,
        String status, String referenceDataset, int referenceVersion, String method, List<FeatureDrift> features, int comparedFeatures,
        int driftedFeatures, Optional<MmdResult> mmd, Optional<FeatureDrift> predictions, Optional<FeatureDrift> labels,
        Optional<OutlierSummary> outliers, Optional<PerformanceSummary> performance, Map<String, Long> versions, String source) {
    public static final String EVALUATED = "evaluated";
    public static final String TOO_SMALL = "too_small";
    public static final String LIVE = "live";
    public static final String REBUILT = "rebuilt";

    public WindowReport {
        requireNonNull(monitor, "monitor is null");
        requireNonNull(status, "status is null");
        requireNonNull(referenceDataset, "referenceDataset is null");
        requireNonNull(method, "method is null");
        features = List.copyOf(features);
        requireNonNull(mmd, "mmd is null");
        requireNonNull(predictions, "predictions is null");
        requireNonNull(labels, "labels is null");
        requireNonNull(outliers, "outliers is null");
        requireNonNull(performance, "performance is null");
        versions = Map.copyOf(versions);
        requireNonNull(source, "source is null");
    }

    /**
     * One column's (or the predictions', or the labels') drift.
     *
     * @param kind {@code numeric} or {@code categorical}
     * @param method {@code ks}, {@code chi2} (tested), {@code wasserstein}, {@code jensen-shannon} (judged on distance)
     * @param adjustedPValue after the correction across features (tests only)
     * @param reference the reference's distribution over {@code bins}, as fractions (for charts)
     * @param current the window's, over the same bins
     * @param bins the bins' labels: quantile ranges of the reference for numbers, categories for categories
     * @param skipped why the column was not compared (then every statistic is empty)
     */
    public record FeatureDrift(String column, String kind, String method, OptionalDouble statistic, OptionalDouble pValue,
            OptionalDouble adjustedPValue, boolean drifted, OptionalDouble psi, OptionalDouble jensenShannon, OptionalDouble wasserstein,
            long referenceCount, long currentCount, long currentMissing, List<String> bins, double[] reference, double[] current,
            Optional<String> skipped) {
        public FeatureDrift {
            requireNonNull(column, "column is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(method, "method is null");
            requireNonNull(statistic, "statistic is null");
            requireNonNull(pValue, "pValue is null");
            requireNonNull(adjustedPValue, "adjustedPValue is null");
            requireNonNull(psi, "psi is null");
            requireNonNull(jensenShannon, "jensenShannon is null");
            requireNonNull(wasserstein, "wasserstein is null");
            bins = List.copyOf(bins);
            reference = reference.clone();
            current = current.clone();
            requireNonNull(skipped, "skipped is null");
        }

        /** A copy: a report never changes once built. */
        @Override
        public double[] reference() {
            return reference.clone();
        }

        /** A copy: a report never changes once built. */
        @Override
        public double[] current() {
            return current.clone();
        }
    }

    /** The MMD permutation test on bounded samples of both sides. */
    public record MmdResult(double statistic, double pValue, double bandwidth, int referenceSample, int currentSample, int permutations,
            boolean drifted) {
    }

    /** Rows above the outlier threshold. */
    public record OutlierSummary(long outliers, double rate, double threshold, double meanScore, long unseenCategories) {
    }

    /**
     * Performance in the window.
     *
     * @param labelled rows with ground truth so far
     * @param accuracy realised accuracy (classification), when labelled
     * @param mae realised mean absolute error (regression), when labelled
     * @param estimatedAccuracy confidence-based estimate without labels (classification with probabilities)
     * @param estimationError |estimated − realised accuracy|, when both are known
     */
    public record PerformanceSummary(String task, long labelled, OptionalDouble accuracy, OptionalDouble mae, OptionalDouble estimatedAccuracy,
            OptionalDouble estimationError, Map<String, Double> metrics) {
        public PerformanceSummary {
            requireNonNull(task, "task is null");
            requireNonNull(accuracy, "accuracy is null");
            requireNonNull(mae, "mae is null");
            requireNonNull(estimatedAccuracy, "estimatedAccuracy is null");
            requireNonNull(estimationError, "estimationError is null");
            metrics = Map.copyOf(metrics);
        }
    }

    /** The value of an alert metric in this window; empty when the window has none. */
    public OptionalDouble metric(AlertCondition.Metric metric) {
        if (!status.equals(EVALUATED) && metric != AlertCondition.Metric.ROWS) {
            return OptionalDouble.empty();
        }
        return switch (metric) {
            case DRIFTED_FEATURES -> OptionalDouble.of(driftedFeatures);
            case DRIFT_SHARE -> comparedFeatures == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) driftedFeatures / comparedFeatures);
            case MMD_P_VALUE -> mmd.map(m -> OptionalDouble.of(m.pValue())).orElse(OptionalDouble.empty());
            case OUTLIER_RATE -> outliers.map(o -> OptionalDouble.of(o.rate())).orElse(OptionalDouble.empty());
            case ACCURACY -> performance.map(PerformanceSummary::accuracy).orElse(OptionalDouble.empty());
            case ESTIMATED_ACCURACY -> performance.map(PerformanceSummary::estimatedAccuracy).orElse(OptionalDouble.empty());
            case MAE -> performance.map(PerformanceSummary::mae).orElse(OptionalDouble.empty());
            case PREDICTION_DRIFT_P_VALUE -> predictions.map(FeatureDrift::pValue).orElse(OptionalDouble.empty());
            case LABEL_DRIFT_P_VALUE -> labels.map(FeatureDrift::pValue).orElse(OptionalDouble.empty());
            case ROWS -> OptionalDouble.of(rows);
        };
    }
}
