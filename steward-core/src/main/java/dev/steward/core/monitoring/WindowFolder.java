package dev.steward.core.monitoring;

import static java.util.Objects.requireNonNull;

import dev.steward.core.eval.ProbabilityCalibration;
import dev.steward.core.serving.LoggedRequest;
import dev.steward.core.stats.Mahalanobis;
import dev.steward.spi.serving.Tensor;
import java.util.Map;
import java.util.Optional;

/**
 * Folds logged entries into a {@link WindowProfile} and scores their rows as outliers: the one code
 * path of live windows (on the log's writer thread) and of windows rebuilt from the log's segments,
 * so both hold the same counts. An entry counts when it was answered (no error) by a served
 * version and is not a shadow's copy. Immutable; safe to share between threads (the profile being
 * folded is the caller's to guard).
 */
final class WindowFolder {
    /** The highest outlier score among an entry's rows: the score written to the log as {@code "scores":{"outlier":...}}. */
    static final String OUTLIER = "outlier";
    /** How many of the entry's rows score above the threshold. */
    static final String OUTLIER_ROWS = "outlier_rows";
    /** The sum of the entry's rows' scores. */
    static final String OUTLIER_SUM = "outlier_sum";
    /** Categories of the entry's rows that the reference never had. */
    static final String UNSEEN = "unseen";
    private static final String SHADOW = "shadow";

    private final Reference reference;
    private final MonitorSpec spec;
    private final boolean outliers;
    private final double threshold;
    private final Mahalanobis mahalanobis;
    private final int[] numericFeatures;
    private final int[] categoricalFeatures;
    private final ProbabilityCalibration calibration;
    private final long seed;
    private final int sampleSize;
    private final boolean[] numeric;

    WindowFolder(Reference reference, MonitorSpec spec) {
        this.reference = requireNonNull(reference, "reference is null");
        this.spec = requireNonNull(spec, "spec is null");
        this.outliers = spec.outliers().enabled();
        this.threshold = spec.outliers().threshold().orElse(reference.outlierQuantile);
        this.mahalanobis = reference.mahalanobis.orElse(null);
        this.numericFeatures = reference.numericFeatures();
        this.categoricalFeatures = java.util.stream.IntStream.range(0, reference.features.size()).filter(f -> !reference.features.get(f).numeric())
                .toArray();
        this.calibration = spec.performance().estimate() && reference.classification ? reference.calibration.orElse(null) : null;
        this.seed = spec.multivariate().seed();
        this.sampleSize = spec.multivariate().enabled() ? spec.multivariate().sample() : 0;
        this.numeric = new boolean[reference.features.size()];
        for (int f = 0; f < numeric.length; f++) {
            numeric[f] = reference.features.get(f).numeric();
        }
    }

    Reference reference() {
        return reference;
    }

    MonitorSpec spec() {
        return spec;
    }

    /** The threshold above which a row is an outlier: {@code outliers.threshold}, or the reference's quantile. */
    double threshold() {
        return threshold;
    }

    boolean scoresOutliers() {
        return outliers;
    }

    WindowProfile empty() {
        return new WindowProfile(reference.featureNames(), numeric, spec.drift().largeWindow(), sampleSize,
                reference.classification ? reference.classes.size() : 0);
    }

    /** Whether an entry is one a window counts: answered, by a served version, not a shadow's copy, with rows. */
    static boolean counts(LoggedRequest entry) {
        return entry.error().isEmpty() && !SHADOW.equals(entry.arm()) && entry.rows() > 0 && !entry.model().isEmpty();
    }

    /** What the outlier scoring found in one entry. */
    record EntryScore(int rows, double max, long above, double sum, long unseen) {
        Map<String, Double> asScores() {
            return Map.of(OUTLIER, max, OUTLIER_ROWS, (double) above, OUTLIER_SUM, sum, UNSEEN, (double) unseen);
        }

        /** The score an entry carries in the log, when it was scored as it was logged. */
        static Optional<EntryScore> of(LoggedRequest entry) {
            Map<String, Double> scores = entry.scores();
            Double above = scores.get(OUTLIER_ROWS);
            Double sum = scores.get(OUTLIER_SUM);
            Double unseen = scores.get(UNSEEN);
            Double max = scores.get(OUTLIER);
            if (above == null || sum == null || unseen == null || max == null) {
                return Optional.empty();
            }
            return Optional.of(new EntryScore(entry.rows(), max, Math.round(above), sum, Math.round(unseen)));
        }
    }

    /**
     * Each row's outlier score: its Mahalanobis distance from the reference's numbers (a missing
     * number counts as the reference's mean) plus 1 per category the reference never had.
     */
    EntryScore score(LoggedRequest entry, VersionLayout layout) {
        Tensor[] tensors = layout.tensors(entry.inputs(), entry.rows(), numeric);
        int d = numericFeatures.length;
        Tensor[] numbers = new Tensor[d];
        for (int i = 0; i < d; i++) {
            numbers[i] = tensors[numericFeatures[i]];
        }
        Tensor[] texts = new Tensor[categoricalFeatures.length];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = tensors[categoricalFeatures[i]];
        }
        double[] x = new double[d];
        double max = 0;
        double sum = 0;
        long above = 0;
        long unseen = 0;
        int rows = entry.rows();
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < d; i++) {
                x[i] = numbers[i] == null ? Double.NaN : layout.number(numbers[i], numericFeatures[i], r);
            }
            double score = mahalanobis == null || d == 0 ? 0 : mahalanobis.distance(x);
            int rowUnseen = 0;
            for (int i = 0; i < texts.length; i++) {
                if (texts[i] != null && reference.unseen(categoricalFeatures[i], layout.text(texts[i], categoricalFeatures[i], r))) {
                    rowUnseen++;
                }
            }
            score += rowUnseen;
            unseen += rowUnseen;
            sum += score;
            max = Math.max(max, score);
            if (score > threshold) {
                above++;
            }
        }
        return new EntryScore(rows, max, above, sum, unseen);
    }

    /** Folds one counted entry (see {@link #counts}) of a version laid out by {@code layout} into {@code window}. */
    void fold(WindowProfile window, LoggedRequest entry, VersionLayout layout) {
        int rows = entry.rows();
        window.entry(layout.key(), rows, entry.receivedAtMillis());
        int n = reference.features.size();
        Tensor[] tensors = layout.tensors(entry.inputs(), rows, numeric);
        long base = hash(entry.requestId()) ^ seed;
        for (int r = 0; r < rows; r++) {
            long key = mix(base + r * 0x9E3779B97F4A7C15L);
            boolean sampled = window.samples(key);
            double[] numbers = sampled ? new double[n] : null;
            String[] texts = sampled ? new String[n] : null;
            for (int f = 0; f < n; f++) {
                Tensor t = tensors[f];
                if (window.numeric(f)) {
                    double v = t == null ? Double.NaN : layout.number(t, f, r);
                    window.number(f, v);
                    if (sampled) {
                        numbers[f] = v;
                        texts[f] = "";
                    }
                } else {
                    String v = t == null ? "" : layout.text(t, f, r);
                    window.text(f, v);
                    if (sampled) {
                        numbers[f] = Double.NaN;
                        texts[f] = v;
                    }
                }
            }
            if (sampled) {
                window.sample(new WindowProfile.SampledRow(key, numbers, texts));
            }
        }
        predictions(window, entry, layout, rows);
        if (outliers) {
            EntryScore score = EntryScore.of(entry).filter(s -> s.rows() == rows).orElseGet(() -> score(entry, layout));
            window.scores(rows, score.above(), score.sum(), score.unseen());
        }
        window.checkSize();
    }

    private void predictions(WindowProfile window, LoggedRequest entry, VersionLayout layout, int rows) {
        Map<String, Tensor> outputs = entry.outputs();
        if (reference.classification) {
            Tensor probabilities = layout.probabilities(outputs);
            int c = layout.classCount();
            if (probabilities != null && probabilities.size() == rows * c && c > 0) {
                boolean estimate = calibration != null && layout.sameClasses();
                double[] row = new double[c];
                for (int r = 0; r < rows; r++) {
                    int best = 0;
                    boolean finite = true;
                    for (int k = 0; k < c; k++) {
                        double p = probabilities.number(r * c + k);
                        finite &= Double.isFinite(p);
                        // A float graph's probabilities may stray from [0, 1] by a rounding error.
                        row[k] = Math.max(0, Math.min(1, p));
                        if (row[k] > row[best]) {
                            best = k;
                        }
                    }
                    window.predictedLabel(layout.className(best));
                    if (estimate && finite) {
                        window.estimate(best, calibration.calibrate(row));
                    }
                }
                return;
            }
            Tensor labels = layout.labels(outputs);
            if (labels != null && labels.size() == rows) {
                for (int r = 0; r < rows; r++) {
                    window.predictedLabel(layout.label(labels, r));
                }
                return;
            }
        } else {
            Tensor values = layout.predictions(outputs);
            if (values != null && values.size() == rows) {
                for (int r = 0; r < rows; r++) {
                    window.predictedValue(values.number(r));
                }
                return;
            }
        }
        window.unpredicted(rows);
    }

    /** A 64-bit hash of a request id (FNV-1a, then a finaliser that spreads its bits). */
    static long hash(String text) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** SplitMix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
