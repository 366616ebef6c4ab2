package dev.steward.core.monitoring;

import static java.util.Objects.requireNonNull;

import dev.steward.core.data.compare.ColumnSample;
import dev.steward.core.eval.ProbabilityCalibration;
import dev.steward.core.stats.Mahalanobis;
import dev.steward.spi.data.ColumnType;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * What a monitor compares live traffic with, built once by {@link ReferenceBuilder} from a dataset
 * version and kept as the bytes of {@link MonitorEngine.PreparedReference} (format {@value #FORMAT}):
 * per feature the exact values of a bounded, seeded uniform sample of the version's rows (sorted
 * numbers, or category counts), the outlier model (Mahalanobis on the numeric features, the known
 * categories), a bounded encoded sample for MMD, and the reference scored through the deployment's
 * primary version: its predicted labels or values, its true labels, and the calibration of its
 * probabilities. Immutable once read; what evaluation needs more than once (sorted samples as
 * {@link ColumnSample}s, sketches of the numbers) is derived on read. The quantile bins of
 * {@code drift.bins} are not stored: they are the exact sample's quantiles, taken as a window is
 * evaluated, so a monitor revision that changes only the bins needs no new reference.
 *
 * <p>The sample is drawn with {@code multivariate.seed} (so preparing twice gives the same bytes);
 * the Mahalanobis model is fitted on the raw numbers, which is the same as on numbers standardised
 * by the reference (the distance does not change under a change of scale).
 */
final class Reference {
    static final byte FORMAT = 1;
    /** A reference holds at most this many rows of its version: a seeded uniform sample of a larger one. */
    static final int MAX_ROWS = 100_000;
    /** The quantile of the reference's own outlier scores that is the default threshold. */
    static final double OUTLIER_QUANTILE = 0.999;
    /** A categorical feature with more categories than this takes no part in MMD (its one-hot columns would swamp the rest). */
    static final int MAX_ONE_HOT = 50;
    /** The KLL accuracy parameter of the reference's sketch of each number, for distances against windows' sketches. */
    static final int REFERENCE_KLL_K = 1_000;

    /**
     * One watched column.
     *
     * @param numeric read as numbers by the model (else as text: categories)
     * @param sorted the finite values of the sample, ascending (numbers)
     * @param categories category → rows of the sample, by category (categories)
     * @param missing rows of the sample without a value
     */
    record Feature(String name, boolean numeric, ColumnType type, double[] sorted, double mean, double std, Map<String, Long> categories,
            long missing) {
        Feature {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
            sorted = sorted.clone();
            // Sorted, so that one-hot columns come in the same order in every process.
            categories = java.util.Collections.unmodifiableMap(new TreeMap<>(categories));
        }
    }

    final String dataset;
    final int version;
    /** Rows of the dataset version; the sample holds min(rows, {@link #MAX_ROWS}). */
    final long rows;
    final int sampleRows;
    /** The version that scored the reference, {@code model/version}. */
    final String scoredBy;
    final boolean classification;
    final List<String> classes;
    final List<Feature> features;
    /** The outlier model of the numeric features (in feature order), when there is one. */
    final Optional<Mahalanobis> mahalanobis;
    /** The default outlier threshold: the {@value #OUTLIER_QUANTILE} quantile of the sample's own scores. */
    final double outlierQuantile;
    /** The MMD sample, encoded by {@link #encode}. */
    final double[][] mmdSample;
    /** Predicted class → rows (classification). */
    final Map<String, Long> predictedLabels;
    /** Predicted values, ascending (regression). */
    final double[] predictedValues;
    /** True class → rows, for rows of the sample with a known class (classification with the target column). */
    final Map<String, Long> truth;
    final Optional<ProbabilityCalibration> calibration;

    // Derived on read.
    private final List<ColumnSample> samples = new ArrayList<>();
    private final List<KllDoublesSketch> sketches = new ArrayList<>();
    private final List<java.util.Set<String>> known = new ArrayList<>();
    private final int[] numericFeatures;
    private final int encodedWidth;

    Reference(String dataset, int version, long rows, int sampleRows, String scoredBy, boolean classification, List<String> classes,
            List<Feature> features, Optional<Mahalanobis> mahalanobis, double outlierQuantile, double[][] mmdSample,
            Map<String, Long> predictedLabels, double[] predictedValues, Map<String, Long> truth, Optional<ProbabilityCalibration> calibration) {
        this.dataset = requireNonNull(dataset, "dataset is null");
        this.version = version;
        this.rows = rows;
        this.sampleRows = sampleRows;
        this.scoredBy = requireNonNull(scoredBy, "scoredBy is null");
        this.classification = classification;
        this.classes = List.copyOf(classes);
        this.features = List.copyOf(features);
        this.mahalanobis = requireNonNull(mahalanobis, "mahalanobis is null");
        this.outlierQuantile = outlierQuantile;
        this.mmdSample = mmdSample;
        this.predictedLabels = sorted(predictedLabels);
        this.predictedValues = predictedValues.clone();
        this.truth = sorted(truth);
        this.calibration = requireNonNull(calibration, "calibration is null");
        this.numericFeatures = java.util.stream.IntStream.range(0, this.features.size()).filter(i -> this.features.get(i).numeric()).toArray();
        int width = 0;
        for (Feature feature : this.features) {
            ColumnSample sample = new ColumnSample(feature.name(), feature.numeric() ? ColumnType.FLOAT : ColumnType.STRING);
            if (feature.numeric()) {
                KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(REFERENCE_KLL_K);
                for (double v : feature.sorted()) {
                    sample.accept(v);
                    sketch.update(v);
                }
                sample.sortedNumbers();
                sketches.add(sketch);
                known.add(java.util.Set.of());
                width++;
            } else {
                feature.categories().forEach((category, count) -> {
                    for (long i = 0; i < count; i++) {
                        sample.accept(category);
                    }
                });
                sketches.add(null);
                known.add(java.util.Set.copyOf(feature.categories().keySet()));
                width += oneHot(feature) ? feature.categories().size() : 0;
            }
            for (long i = 0; i < feature.missing(); i++) {
                sample.accept(null);
            }
            samples.add(sample);
        }
        this.encodedWidth = width;
    }

    private static Map<String, Long> sorted(Map<String, Long> counts) {
        return java.util.Collections.unmodifiableMap(new TreeMap<>(counts));
    }

    /** The exact sample of feature {@code i}, as the drift tests take it (read-only). */
    ColumnSample sample(int i) {
        return samples.get(i);
    }

    /** A KLL sketch of feature {@code i}'s sample (numbers only); do not update it. */
    KllDoublesSketch sketch(int i) {
        return sketches.get(i);
    }

    /** The indexes of the numeric features, in feature order (the columns of the Mahalanobis model). */
    int[] numericFeatures() {
        return numericFeatures.clone();
    }

    /** Whether a category (not missing) of feature {@code i} was never seen in the reference. */
    boolean unseen(int i, String category) {
        return !category.isEmpty() && !known.get(i).contains(category);
    }

    private static boolean oneHot(Feature feature) {
        return feature.categories().size() <= MAX_ONE_HOT;
    }

    /** Columns of an {@link #encode encoded} row. */
    int encodedWidth() {
        return encodedWidth;
    }

    /**
     * A row as MMD compares it: each number standardised by the reference's mean and standard
     * deviation (missing: 0, the mean), each category one-hot over the reference's categories
     * (missing or unseen: all zeros); categorical features with more than {@value #MAX_ONE_HOT}
     * categories are left out.
     *
     * @param numbers the row's value of each feature (used for numeric ones)
     * @param texts the row's value of each feature (used for categorical ones; "" for missing)
     */
    double[] encode(double[] numbers, String[] texts) {
        double[] row = new double[encodedWidth];
        int at = 0;
        for (int i = 0; i < features.size(); i++) {
            Feature feature = features.get(i);
            if (feature.numeric()) {
                double v = numbers[i];
                row[at++] = Double.isFinite(v) ? (v - feature.mean()) / (feature.std() > 0 ? feature.std() : 1) : 0;
            } else if (oneHot(feature)) {
                int k = 0;
                for (String category : feature.categories().keySet()) {
                    row[at + k] = category.equals(texts[i]) ? 1 : 0;
                    k++;
                }
                at += feature.categories().size();
            }
        }
        return row;
    }

    byte[] toBytes() {
        return Codec.write(out -> {
            out.writeByte(FORMAT);
            Codec.string(out, dataset);
            out.writeInt(version);
            out.writeLong(rows);
            out.writeInt(sampleRows);
            Codec.string(out, scoredBy);
            out.writeBoolean(classification);
            out.writeInt(classes.size());
            for (String c : classes) {
                Codec.string(out, c);
            }
            out.writeInt(features.size());
            for (Feature f : features) {
                Codec.string(out, f.name());
                out.writeBoolean(f.numeric());
                Codec.string(out, f.type().name());
                Codec.doubles(out, f.sorted());
                out.writeDouble(f.mean());
                out.writeDouble(f.std());
                Codec.counts(out, new TreeMap<>(f.categories()));
                out.writeLong(f.missing());
            }
            out.writeBoolean(mahalanobis.isPresent());
            if (mahalanobis.isPresent()) {
                Codec.bytes(out, mahalanobis.get().toBytes());
            }
            out.writeDouble(outlierQuantile);
            out.writeInt(mmdSample.length);
            out.writeInt(encodedWidth);
            for (double[] row : mmdSample) {
                for (double v : row) {
                    out.writeDouble(v);
                }
            }
            Codec.counts(out, predictedLabels);
            Codec.doubles(out, predictedValues);
            Codec.counts(out, truth);
            out.writeBoolean(calibration.isPresent());
            if (calibration.isPresent()) {
                Codec.bytes(out, calibration.get().toBytes());
            }
        });
    }

    static Reference fromBytes(byte[] bytes) {
        return Codec.read(bytes, FORMAT, "the monitor's reference", Reference::read);
    }

    private static Reference read(DataInputStream in) throws IOException {
        String dataset = Codec.string(in);
        int version = in.readInt();
        long rows = in.readLong();
        int sampleRows = in.readInt();
        String scoredBy = Codec.string(in);
        boolean classification = in.readBoolean();
        int classCount = Codec.length(in, "the classes");
        List<String> classes = new ArrayList<>();
        for (int i = 0; i < classCount; i++) {
            classes.add(Codec.string(in));
        }
        int featureCount = Codec.length(in, "the features");
        List<Feature> features = new ArrayList<>();
        for (int i = 0; i < featureCount; i++) {
            String name = Codec.string(in);
            boolean numeric = in.readBoolean();
            ColumnType type = ColumnType.valueOf(Codec.string(in));
            double[] sorted = Codec.doubles(in);
            double mean = in.readDouble();
            double std = in.readDouble();
            Map<String, Long> categories = Codec.counts(in);
            features.add(new Feature(name, numeric, type, sorted, mean, std, categories, in.readLong()));
        }
        Optional<Mahalanobis> mahalanobis = in.readBoolean() ? Optional.of(Mahalanobis.fromBytes(Codec.bytes(in))) : Optional.empty();
        double quantile = in.readDouble();
        int mmdRows = Codec.length(in, "the MMD sample");
        int width = Codec.length(in, "the MMD sample's rows");
        if ((long) mmdRows * width > Codec.MAX_LENGTH) {
            throw new IOException("an MMD sample of " + mmdRows + " rows of " + width + " values is impossible");
        }
        double[][] mmd = new double[mmdRows][width];
        for (double[] row : mmd) {
            for (int k = 0; k < width; k++) {
                row[k] = in.readDouble();
            }
        }
        Map<String, Long> predicted = Codec.counts(in);
        double[] values = Codec.doubles(in);
        Map<String, Long> truth = Codec.counts(in);
        Optional<ProbabilityCalibration> calibration = in.readBoolean() ? Optional.of(ProbabilityCalibration.fromBytes(Codec.bytes(in)))
                : Optional.empty();
        Reference reference = new Reference(dataset, version, rows, sampleRows, scoredBy, classification, classes, features, mahalanobis, quantile,
                mmd, predicted, values, truth, calibration);
        if (reference.encodedWidth() != width) {
            throw new IOException("the MMD sample's rows have " + width + " values where the features encode to " + reference.encodedWidth());
        }
        return reference;
    }

    /** Feature name → index. */
    Map<String, Integer> featureIndex() {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < features.size(); i++) {
            index.put(features.get(i).name(), i);
        }
        return index;
    }

    /** Feature names, in order. */
    List<String> featureNames() {
        return features.stream().map(Feature::name).toList();
    }

    @Override
    public String toString() {
        return "reference " + dataset + " version " + version + " (" + sampleRows + " of " + rows + " rows, features " + featureNames()
                + ", scored by " + scoredBy + ", classes " + Arrays.toString(classes.toArray()) + ")";
    }
}
