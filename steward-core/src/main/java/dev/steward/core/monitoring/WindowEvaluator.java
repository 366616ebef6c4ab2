package dev.steward.core.monitoring;

import dev.steward.core.data.compare.ColumnDrift;
import dev.steward.core.data.compare.ColumnSample;
import dev.steward.core.data.compare.DriftCalculator;
import dev.steward.core.data.compare.DriftOptions;
import dev.steward.core.eval.ConfidenceBasedEstimation;
import dev.steward.core.stats.ChiSquaredTest;
import dev.steward.core.stats.Distances;
import dev.steward.core.stats.MaximumMeanDiscrepancy;
import dev.steward.core.stats.Moments;
import dev.steward.core.stats.QuantileBins;
import dev.steward.core.stats.SketchDistances;
import dev.steward.core.stats.TestResult;
import dev.steward.spi.data.ColumnType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * Evaluates a window's profile against the reference into a {@link WindowReport}. Windows under
 * {@code drift.large-window} rows are tested on their exact values: two-sample Kolmogorov–Smirnov
 * for numbers and chi-squared for categories, the p-values corrected across the features with
 * {@code drift.correction}, a feature drifted when its corrected p-value is below
 * {@code drift.alpha}. Larger windows are judged on distances from their sketches: the Wasserstein
 * distance between the reference's and the window's KLL sketches over the reference's population
 * standard deviation for numbers (above {@code drift.wasserstein}), the Jensen–Shannon distance
 * over the exact category counts for categories (above {@code drift.jensen-shannon}). PSI (over the
 * reference's quantile bins, or the categories) is reported for every feature and flags drift only
 * when {@code drift.psi} is set. Stateless.
 */
final class WindowEvaluator {
    /** Ranks at which the Wasserstein distance between two sketches is taken (its discretisation error is below range / points). */
    static final int WASSERSTEIN_POINTS = 1_000;
    /** MMD needs at least this many rows on each side. */
    static final int MMD_MIN_ROWS = 10;
    static final String TEST = "test";
    static final String DISTANCE = "distance";

    private WindowEvaluator() {
    }

    static WindowReport evaluate(String monitor, int revision, MonitorEngine.ClosedWindow window, Reference reference, MonitorSpec spec,
            WindowProfile profile, LabelCounts labels, boolean partial, String source) {
        long rows = profile.rows();
        boolean test = profile.hasExactValues();
        String method = test ? TEST : DISTANCE;
        if (rows < spec.window().minRows()) {
            return new WindowReport(monitor, revision, window.window(), window.startMillis(), window.endMillis(), partial, rows,
                    WindowReport.TOO_SMALL, reference.dataset, reference.version, method, List.of(), 0, 0, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), profile.versions(), source);
        }
        MonitorSpec.Drift drift = spec.drift();
        List<WindowReport.FeatureDrift> features = new ArrayList<>();
        for (int f = 0; f < reference.features.size(); f++) {
            Reference.Feature feature = reference.features.get(f);
            if (feature.numeric()) {
                Current current = test ? Current.exact(profile.exactSample(f)) : Current.sketched(profile.profile(f).quantileSketch());
                features.add(numeric(feature.name(), reference.sample(f), reference.sketch(f), current, profile.missing(f), drift));
            } else if (profile.tooManyCategories(f)) {
                features.add(skipped(feature.name(), "categorical", "the window has more than " + ColumnSample.MAX_CATEGORIES
                        + " categories: too many to compare as categories"));
            } else {
                features.add(categorical(feature.name(), feature.categories(), profile.categories(f), profile.missing(f), test, drift));
            }
        }
        if (test) {
            features = correct(features, drift);
        }
        if (drift.psi().isPresent()) {
            double limit = drift.psi().get();
            features = features.stream().map(d -> d.psi().isPresent() && d.psi().getAsDouble() > limit ? drifted(d) : d).toList();
        }
        int compared = (int) features.stream().filter(d -> d.skipped().isEmpty()).count();
        int drifted = (int) features.stream().filter(WindowReport.FeatureDrift::drifted).count();

        Optional<WindowReport.MmdResult> mmd = mmd(reference, spec.multivariate(), profile);
        Optional<WindowReport.FeatureDrift> predictions = predictions(reference, profile, test, drift);
        Optional<WindowReport.FeatureDrift> labelDrift = Optional.empty();
        if (reference.classification && !reference.truth.isEmpty() && !labels.classes().isEmpty()) {
            labelDrift = Optional.of(single(categorical("labels", reference.truth, labels.classes(), 0, labels.labelled() < drift.largeWindow(),
                    drift), drift));
        }
        Optional<WindowReport.OutlierSummary> outliers = Optional.empty();
        if (spec.outliers().enabled()) {
            long scored = profile.scoredRows();
            outliers = Optional.of(new WindowReport.OutlierSummary(profile.outliers(), scored == 0 ? 0 : (double) profile.outliers() / scored,
                    spec.outliers().threshold().orElse(reference.outlierQuantile), scored == 0 ? 0 : profile.scoreSum() / scored, profile.unseen()));
        }
        return new WindowReport(monitor, revision, window.window(), window.startMillis(), window.endMillis(), partial, rows, WindowReport.EVALUATED,
                reference.dataset, reference.version, method, features, compared, drifted, mmd, predictions, labelDrift, outliers,
                Optional.of(performance(reference, spec, profile, labels)), profile.versions(), source);
    }

    /** A window's side of a numeric comparison: its exact values, or its sketch. */
    private record Current(ColumnSample exact, KllDoublesSketch sketch) {
        static Current exact(ColumnSample sample) {
            return new Current(sample, null);
        }

        static Current sketched(KllDoublesSketch sketch) {
            return new Current(null, sketch);
        }

        long count() {
            return exact != null ? exact.count() : sketch.getN();
        }
    }

    private static WindowReport.FeatureDrift numeric(String column, ColumnSample reference, KllDoublesSketch referenceSketch, Current current,
            long missing, MonitorSpec.Drift drift) {
        if (current.count() == 0) {
            return skipped(column, "numeric", "the column has no values in the window");
        }
        double[] sorted = reference.sortedNumbers();
        QuantileBins bins = QuantileBins.fromSorted(sorted, drift.bins());
        long[] referenceHistogram = bins.histogram(sorted);
        List<String> labels = binLabels(bins.edges());
        if (current.exact() != null) {
            ColumnDrift d = DriftCalculator.column(reference, current.exact(), new DriftOptions(drift.correction(), drift.alpha(), drift.bins(), List.of()));
            long[] currentHistogram = bins.histogram(current.exact().sortedNumbers());
            return new WindowReport.FeatureDrift(column, "numeric", "ks", d.statistic(), d.pValue(), OptionalDouble.empty(), false, d.psi(),
                    d.jensenShannon(), d.wasserstein(), d.referenceCount(), d.currentCount(), missing, labels, fractions(referenceHistogram),
                    fractions(currentHistogram), Optional.empty());
        }
        long[] currentHistogram = SketchDistances.histogram(current.sketch(), bins.edges());
        double js = Distances.jensenShannon(referenceHistogram, currentHistogram);
        double std = Moments.populationStd(sorted);
        OptionalDouble wasserstein = std > 0
                ? OptionalDouble.of(SketchDistances.wasserstein(referenceSketch, current.sketch(), WASSERSTEIN_POINTS) / std) : OptionalDouble.empty();
        // A constant reference has no scale to normalise by: its bins (one) say whether the window left the constant.
        boolean drifted = wasserstein.isPresent() ? wasserstein.getAsDouble() > drift.wasserstein() : js > drift.jensenShannon();
        return new WindowReport.FeatureDrift(column, "numeric", "wasserstein", wasserstein.isPresent() ? wasserstein : OptionalDouble.of(js),
                OptionalDouble.empty(), OptionalDouble.empty(), drifted, OptionalDouble.of(Distances.populationStability(referenceHistogram,
                currentHistogram)), OptionalDouble.of(js), wasserstein, sorted.length, current.count(), missing, labels,
                fractions(referenceHistogram), fractions(currentHistogram), Optional.empty());
    }

    private static WindowReport.FeatureDrift categorical(String column, Map<String, Long> reference, Map<String, Long> current, long missing,
            boolean test, MonitorSpec.Drift drift) {
        TreeSet<String> all = new TreeSet<>();
        reference.forEach((k, v) -> {
            if (v > 0) {
                all.add(k);
            }
        });
        current.forEach((k, v) -> {
            if (v > 0) {
                all.add(k);
            }
        });
        long[] r = new long[all.size()];
        long[] c = new long[all.size()];
        int i = 0;
        for (String category : all) {
            r[i] = reference.getOrDefault(category, 0L);
            c[i] = current.getOrDefault(category, 0L);
            i++;
        }
        long referenceCount = java.util.Arrays.stream(r).sum();
        long currentCount = java.util.Arrays.stream(c).sum();
        if (currentCount == 0 || referenceCount == 0) {
            return skipped(column, "categorical", "the column has no values in the " + (currentCount == 0 ? "window" : "reference"));
        }
        double js = Distances.jensenShannon(r, c);
        OptionalDouble psi = OptionalDouble.of(Distances.populationStability(r, c));
        List<String> bins = List.copyOf(all);
        if (test) {
            TestResult chi2 = ChiSquaredTest.contingency(r, c);
            return new WindowReport.FeatureDrift(column, "categorical", "chi2", OptionalDouble.of(chi2.statistic()), OptionalDouble.of(chi2.pValue()),
                    OptionalDouble.empty(), false, psi, OptionalDouble.of(js), OptionalDouble.empty(), referenceCount, currentCount, missing, bins,
                    fractions(r), fractions(c), Optional.empty());
        }
        return new WindowReport.FeatureDrift(column, "categorical", "jensen-shannon", OptionalDouble.of(js), OptionalDouble.empty(),
                OptionalDouble.empty(), js > drift.jensenShannon(), psi, OptionalDouble.of(js), OptionalDouble.empty(), referenceCount, currentCount,
                missing, bins, fractions(r), fractions(c), Optional.empty());
    }

    /** The correction across the tested features; a feature drifted when its corrected p-value is below alpha. */
    private static List<WindowReport.FeatureDrift> correct(List<WindowReport.FeatureDrift> features, MonitorSpec.Drift drift) {
        double[] p = features.stream().filter(d -> d.pValue().isPresent()).mapToDouble(d -> d.pValue().getAsDouble()).toArray();
        double[] adjusted = drift.correction().adjust(p);
        List<WindowReport.FeatureDrift> corrected = new ArrayList<>();
        int next = 0;
        for (WindowReport.FeatureDrift d : features) {
            corrected.add(d.pValue().isPresent() ? withAdjusted(d, adjusted[next++], drift.alpha()) : d);
        }
        return corrected;
    }

    /** A comparison of its own (predictions, labels): tested at alpha uncorrected, or judged on its distance already. */
    private static WindowReport.FeatureDrift single(WindowReport.FeatureDrift d, MonitorSpec.Drift drift) {
        return d.pValue().isPresent() ? withAdjusted(d, d.pValue().getAsDouble(), drift.alpha()) : d;
    }

    private static WindowReport.FeatureDrift withAdjusted(WindowReport.FeatureDrift d, double adjusted, double alpha) {
        return new WindowReport.FeatureDrift(d.column(), d.kind(), d.method(), d.statistic(), d.pValue(), OptionalDouble.of(adjusted),
                adjusted < alpha, d.psi(), d.jensenShannon(), d.wasserstein(), d.referenceCount(), d.currentCount(), d.currentMissing(), d.bins(),
                d.reference(), d.current(), d.skipped());
    }

    private static WindowReport.FeatureDrift drifted(WindowReport.FeatureDrift d) {
        return new WindowReport.FeatureDrift(d.column(), d.kind(), d.method(), d.statistic(), d.pValue(), d.adjustedPValue(), true, d.psi(),
                d.jensenShannon(), d.wasserstein(), d.referenceCount(), d.currentCount(), d.currentMissing(), d.bins(), d.reference(), d.current(),
                d.skipped());
    }

    private static WindowReport.FeatureDrift skipped(String column, String kind, String reason) {
        return new WindowReport.FeatureDrift(column, kind, "none", OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), false,
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), 0, 0, 0, List.of(), new double[0], new double[0],
                Optional.of(reason));
    }

    private static Optional<WindowReport.MmdResult> mmd(Reference reference, MonitorSpec.Multivariate multivariate, WindowProfile profile) {
        if (!multivariate.enabled() || reference.encodedWidth() == 0) {
            return Optional.empty();
        }
        List<WindowProfile.SampledRow> sampled = profile.sampleRows();
        if (reference.mmdSample.length < MMD_MIN_ROWS || sampled.size() < MMD_MIN_ROWS) {
            return Optional.empty();
        }
        double[][] current = new double[sampled.size()][];
        for (int i = 0; i < current.length; i++) {
            current[i] = reference.encode(sampled.get(i).numbers(), sampled.get(i).texts());
        }
        // Stops early once the window cannot end below alpha (most windows): drift runs every permutation.
        MaximumMeanDiscrepancy.Result result = MaximumMeanDiscrepancy.test(reference.mmdSample, current, multivariate.permutations(),
                multivariate.seed(), multivariate.alpha());
        return Optional.of(new WindowReport.MmdResult(result.statistic(), result.pValue(), result.bandwidth(), reference.mmdSample.length,
                current.length, result.permutations(), result.pValue() < multivariate.alpha()));
    }

    private static Optional<WindowReport.FeatureDrift> predictions(Reference reference, WindowProfile profile, boolean test, MonitorSpec.Drift drift) {
        if (reference.classification) {
            Map<String, Long> current = profile.predictedLabels();
            if (current.isEmpty() || reference.predictedLabels.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(single(categorical("predictions", reference.predictedLabels, current, profile.unpredicted(), test, drift), drift));
        }
        if (reference.predictedValues.length == 0 || profile.predictedValues().count() == 0) {
            return Optional.empty();
        }
        ColumnSample sample = new ColumnSample("predictions", ColumnType.FLOAT);
        KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(Reference.REFERENCE_KLL_K);
        for (double v : reference.predictedValues) {
            sample.accept(v);
            sketch.update(v);
        }
        Current current;
        if (test) {
            ColumnSample exact = new ColumnSample("predictions", ColumnType.FLOAT);
            for (double v : profile.exactPredictions()) {
                exact.accept(v);
            }
            current = Current.exact(exact);
        } else {
            current = Current.sketched(profile.predictedValues().quantileSketch());
        }
        return Optional.of(single(numeric("predictions", sample, sketch, current, profile.unpredicted(), drift), drift));
    }

    private static WindowReport.PerformanceSummary performance(Reference reference, MonitorSpec spec, WindowProfile profile, LabelCounts labels) {
        OptionalDouble accuracy = OptionalDouble.empty();
        OptionalDouble mae = OptionalDouble.empty();
        OptionalDouble estimated = OptionalDouble.empty();
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (reference.classification) {
            if (labels.labelled() > 0) {
                accuracy = OptionalDouble.of((double) labels.correct() / labels.labelled());
                metrics.put("accuracy", accuracy.getAsDouble());
            }
            if (spec.performance().estimate() && profile.estimatedRows() > 0) {
                double[][] expected = profile.expectedConfusion();
                estimated = OptionalDouble.of(ConfidenceBasedEstimation.expectedAccuracy(expected));
                metrics.put("estimated_accuracy", estimated.getAsDouble());
                metrics.put("estimated_macro_f1", ConfidenceBasedEstimation.expectedMacroF1(expected));
            }
        } else if (labels.labelled() > 0) {
            mae = OptionalDouble.of(labels.absoluteErrorSum() / labels.labelled());
            metrics.put("mae", mae.getAsDouble());
        }
        OptionalDouble error = accuracy.isPresent() && estimated.isPresent()
                ? OptionalDouble.of(Math.abs(estimated.getAsDouble() - accuracy.getAsDouble())) : OptionalDouble.empty();
        error.ifPresent(e -> metrics.put("estimation_error", e));
        return new WindowReport.PerformanceSummary(reference.classification ? "classification" : "regression", labels.labelled(), accuracy, mae,
                estimated, error, metrics);
    }

    /** Each bin's share of the histogram (all zeros for an empty one). */
    private static double[] fractions(long[] counts) {
        long total = java.util.Arrays.stream(counts).sum();
        double[] shares = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            shares[i] = total == 0 ? 0 : (double) counts[i] / total;
        }
        return shares;
    }

    /** Quantile bins as ranges: {@code < e1}, {@code [e1, e2)}, ..., {@code >= ek}. */
    private static List<String> binLabels(double[] edges) {
        List<String> labels = new ArrayList<>();
        if (edges.length == 0) {
            labels.add("all");
            return labels;
        }
        labels.add("< " + format(edges[0]));
        for (int i = 1; i < edges.length; i++) {
            labels.add("[" + format(edges[i - 1]) + ", " + format(edges[i]) + ")");
        }
        labels.add(">= " + format(edges[edges.length - 1]));
        return labels;
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
