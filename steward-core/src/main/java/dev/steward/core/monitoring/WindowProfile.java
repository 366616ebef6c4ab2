package dev.steward.core.monitoring;

import dev.steward.core.data.compare.ColumnSample;
import dev.steward.core.data.profile.ColumnProfile;
import dev.steward.core.data.profile.DatasetProfile;
import dev.steward.spi.data.ColumnType;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * The mergeable profile of one window (or of one replica's part of it), as the engine folds logged
 * rows into it and evaluation reads it; format {@value #FORMAT}. Per feature: the
 * {@link DatasetProfile} of the datasets code (KLL quantiles, frequent items, HLL, moments), the
 * exact finite numbers while the window has fewer than {@code drift.large-window} rows (then they
 * are dropped and the sketches answer), and the exact count of every category (at most
 * {@link ColumnSample#MAX_CATEGORIES}; beyond that the feature is marked as having too many). A
 * bottom-k row sample for MMD: each row's key is a seeded hash of its request id and row number,
 * and the sample keeps the k rows of smallest key, so that it is a uniform sample, the same
 * whatever order the rows came in, and the sample of a union is the k smallest of both parts'.
 * The predictions (label counts, or a value profile with exact values under the same limit), the
 * sums of the confidence-based estimate (the expected confusion matrix), the outlier counts, and
 * rows per served version.
 *
 * <p>{@link #merge} of two parts equals the profile of the union exactly for every count, the exact
 * values, the sample and the estimate's sums, and within the sketches' bounds for the sketches.
 * Not thread-safe: the engine holds its monitor's lock while it folds.
 */
final class WindowProfile {
    static final byte FORMAT = 1;
    static final String PREDICTION = "prediction";

    /** One sampled row: its key and its values (numbers for numeric features, text for the others). */
    record SampledRow(long key, double[] numbers, String[] texts) {
    }

    private static final Comparator<SampledRow> LARGEST_KEY_FIRST = Comparator.comparingLong(SampledRow::key).reversed();

    private final List<String> names;
    private final boolean[] numeric;
    private final long largeWindow;
    private final int sampleSize;
    private final int classes;

    private long rows;
    private long entries;
    private long firstReceived = Long.MAX_VALUE;
    private long lastReceived = Long.MIN_VALUE;
    private final ColumnProfile[] profiles;
    private final long[] missing;
    private double[][] exact;
    private int[] exactSize;
    private final List<Map<String, long[]>> categories = new ArrayList<>();
    private final boolean[] tooManyCategories;
    private final PriorityQueue<SampledRow> sample;
    // Predictions.
    private final Map<String, long[]> predictedLabels = new HashMap<>();
    private ColumnProfile predictedValues = new ColumnProfile(PREDICTION, ColumnType.FLOAT);
    private double[] exactPredictions = new double[16];
    private int exactPredictionCount;
    private long unpredicted;
    // The estimate: expected[p][t] = Σ over rows predicted p of the calibrated probability of t.
    private final double[][] expected;
    private long estimatedRows;
    // Outliers.
    private long scoredRows;
    private long outliers;
    private double scoreSum;
    private long unseen;
    private final Map<String, long[]> versions = new TreeMap<>();

    /**
     * An empty window.
     *
     * @param sampleSize rows kept for MMD (0: none)
     * @param classes the reference's classes (0 for a regression)
     */
    WindowProfile(List<String> names, boolean[] numeric, long largeWindow, int sampleSize, int classes) {
        this.names = List.copyOf(names);
        this.numeric = numeric.clone();
        this.largeWindow = largeWindow;
        this.sampleSize = sampleSize;
        this.classes = classes;
        int n = names.size();
        this.profiles = new ColumnProfile[n];
        this.missing = new long[n];
        this.exact = new double[n][];
        this.exactSize = new int[n];
        this.tooManyCategories = new boolean[n];
        for (int f = 0; f < n; f++) {
            profiles[f] = new ColumnProfile(names.get(f), numeric[f] ? ColumnType.FLOAT : ColumnType.STRING);
            exact[f] = numeric[f] ? new double[16] : null;
            categories.add(numeric[f] ? Map.of() : new HashMap<>());
        }
        this.sample = new PriorityQueue<>(Math.max(1, sampleSize + 1), LARGEST_KEY_FIRST);
        this.expected = new double[classes][classes];
    }

    // ---- folding -----------------------------------------------------------------------------

    /** Counts an entry of {@code rows} rows from a served version, received at {@code receivedAt}. */
    void entry(String version, int entryRows, long receivedAt) {
        rows += entryRows;
        entries++;
        firstReceived = Math.min(firstReceived, receivedAt);
        lastReceived = Math.max(lastReceived, receivedAt);
        versions.computeIfAbsent(version, v -> new long[1])[0] += entryRows;
    }

    /** Drops the exact values once the window is large: from then on the sketches answer. Called after each entry. */
    void checkSize() {
        if (exact != null && rows >= largeWindow) {
            exact = null;
            exactSize = null;
            exactPredictions = null;
        }
    }

    void number(int f, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            // ColumnProfile counts NaN as missing; an infinite number is missing to the tests too, as in ColumnSample.
            missing[f]++;
            profiles[f].update(Double.isNaN(value) ? null : value);
            return;
        }
        profiles[f].update(value);
        if (exact != null) {
            double[] values = exact[f];
            if (exactSize[f] == values.length) {
                exact[f] = values = Arrays.copyOf(values, values.length * 2);
            }
            values[exactSize[f]++] = value;
        }
    }

    void text(int f, String value) {
        if (value.isEmpty()) {
            missing[f]++;
            profiles[f].update(null);
            return;
        }
        profiles[f].update(value);
        Map<String, long[]> counts = categories.get(f);
        long[] count = counts.get(value);
        if (count != null) {
            count[0]++;
        } else if (counts.size() < ColumnSample.MAX_CATEGORIES) {
            counts.put(value, new long[] {1});
        } else {
            tooManyCategories[f] = true;
        }
    }

    /** Whether a row of this key would enter the MMD sample (so that its values need be gathered). */
    boolean samples(long key) {
        return sampleSize > 0 && (sample.size() < sampleSize || key < sample.peek().key());
    }

    void sample(SampledRow row) {
        sample.add(row);
        if (sample.size() > sampleSize) {
            sample.poll();
        }
    }

    void predictedLabel(String label) {
        predictedLabels.computeIfAbsent(label, l -> new long[1])[0]++;
    }

    void predictedValue(double value) {
        predictedValues.update(value);
        if (exactPredictions != null && Double.isFinite(value)) {
            if (exactPredictionCount == exactPredictions.length) {
                exactPredictions = Arrays.copyOf(exactPredictions, exactPredictions.length * 2);
            }
            exactPredictions[exactPredictionCount++] = value;
        }
    }

    /** Rows whose entry holds no prediction the monitor reads (an OIP request that asked for other outputs). */
    void unpredicted(int count) {
        unpredicted += count;
    }

    /** Adds a row's calibrated probabilities under the class it was predicted as. */
    void estimate(int predicted, double[] calibrated) {
        double[] row = expected[predicted];
        for (int t = 0; t < classes; t++) {
            row[t] += calibrated[t];
        }
        estimatedRows++;
    }

    void scores(int scored, long above, double sum, long unseenCategories) {
        scoredRows += scored;
        outliers += above;
        scoreSum += sum;
        unseen += unseenCategories;
    }

    // ---- reading -----------------------------------------------------------------------------

    List<String> names() {
        return names;
    }

    boolean numeric(int f) {
        return numeric[f];
    }

    long rows() {
        return rows;
    }

    long entries() {
        return entries;
    }

    /** The earliest receipt time of the window's entries (Long.MAX_VALUE when empty). */
    long firstReceived() {
        return firstReceived;
    }

    long lastReceived() {
        return lastReceived;
    }

    boolean hasExactValues() {
        return exact != null;
    }

    ColumnProfile profile(int f) {
        return profiles[f];
    }

    long missing(int f) {
        return missing[f];
    }

    /** The exact sample of a feature (its finite numbers, or its category counts), for the tests; only while {@link #hasExactValues}. */
    ColumnSample exactSample(int f) {
        ColumnSample s = new ColumnSample(names.get(f), numeric[f] ? ColumnType.FLOAT : ColumnType.STRING);
        if (numeric[f]) {
            for (int i = 0; i < exactSize[f]; i++) {
                s.accept(exact[f][i]);
            }
        } else {
            categories.get(f).forEach((category, count) -> {
                for (long i = 0; i < count[0]; i++) {
                    s.accept(category);
                }
            });
        }
        for (long i = 0; i < missing[f]; i++) {
            s.accept(null);
        }
        return s;
    }

    /** Category → rows, by category. */
    Map<String, Long> categories(int f) {
        Map<String, Long> counts = new TreeMap<>();
        categories.get(f).forEach((k, v) -> counts.put(k, v[0]));
        return counts;
    }

    boolean tooManyCategories(int f) {
        return tooManyCategories[f];
    }

    /** The MMD sample, by key. */
    List<SampledRow> sampleRows() {
        List<SampledRow> rowsByKey = new ArrayList<>(sample);
        rowsByKey.sort(Comparator.comparingLong(SampledRow::key));
        return rowsByKey;
    }

    Map<String, Long> predictedLabels() {
        Map<String, Long> counts = new TreeMap<>();
        predictedLabels.forEach((k, v) -> counts.put(k, v[0]));
        return counts;
    }

    ColumnProfile predictedValues() {
        return predictedValues;
    }

    /** The exact predicted values (only while {@link #hasExactValues}). */
    double[] exactPredictions() {
        return Arrays.copyOf(exactPredictions, exactPredictionCount);
    }

    long unpredicted() {
        return unpredicted;
    }

    double[][] expectedConfusion() {
        double[][] copy = new double[classes][];
        for (int p = 0; p < classes; p++) {
            copy[p] = expected[p].clone();
        }
        return copy;
    }

    long estimatedRows() {
        return estimatedRows;
    }

    long scoredRows() {
        return scoredRows;
    }

    long outliers() {
        return outliers;
    }

    double scoreSum() {
        return scoreSum;
    }

    long unseen() {
        return unseen;
    }

    Map<String, Long> versions() {
        Map<String, Long> counts = new TreeMap<>();
        versions.forEach((k, v) -> counts.put(k, v[0]));
        return counts;
    }

    // ---- merging -----------------------------------------------------------------------------

    /** The profile of both parts; neither changes. They must be of the same monitor (features, limits). */
    WindowProfile merge(WindowProfile other) {
        if (!names.equals(other.names) || !Arrays.equals(numeric, other.numeric) || largeWindow != other.largeWindow
                || sampleSize != other.sampleSize || classes != other.classes) {
            throw dev.steward.spi.StewardException.invalid("profile", "the two window profiles are not of the same monitor: features " + names
                    + " and " + other.names);
        }
        WindowProfile m = new WindowProfile(names, numeric, largeWindow, sampleSize, classes);
        m.rows = rows + other.rows;
        m.entries = entries + other.entries;
        m.firstReceived = Math.min(firstReceived, other.firstReceived);
        m.lastReceived = Math.max(lastReceived, other.lastReceived);
        boolean exactKept = exact != null && other.exact != null && m.rows < largeWindow;
        if (!exactKept) {
            m.exact = null;
            m.exactSize = null;
            m.exactPredictions = null;
        }
        for (int f = 0; f < names.size(); f++) {
            m.profiles[f] = profiles[f].merge(other.profiles[f]);
            m.missing[f] = missing[f] + other.missing[f];
            m.tooManyCategories[f] = tooManyCategories[f] || other.tooManyCategories[f];
            if (numeric[f] && exactKept) {
                m.exact[f] = new double[exactSize[f] + other.exactSize[f]];
                System.arraycopy(exact[f], 0, m.exact[f], 0, exactSize[f]);
                System.arraycopy(other.exact[f], 0, m.exact[f], exactSize[f], other.exactSize[f]);
                m.exactSize[f] = m.exact[f].length;
            }
            if (!numeric[f]) {
                Map<String, long[]> counts = m.categories.get(f);
                for (Map<String, long[]> part : List.of(categories.get(f), other.categories.get(f))) {
                    for (Map.Entry<String, long[]> e : part.entrySet()) {
                        long[] c = counts.get(e.getKey());
                        if (c != null) {
                            c[0] += e.getValue()[0];
                        } else if (counts.size() < ColumnSample.MAX_CATEGORIES) {
                            counts.put(e.getKey(), new long[] {e.getValue()[0]});
                        } else {
                            m.tooManyCategories[f] = true;
                        }
                    }
                }
            }
        }
        sample.forEach(m::sample);
        other.sample.forEach(m::sample);
        predictedLabels.forEach((k, v) -> m.predictedLabels.computeIfAbsent(k, x -> new long[1])[0] += v[0]);
        other.predictedLabels.forEach((k, v) -> m.predictedLabels.computeIfAbsent(k, x -> new long[1])[0] += v[0]);
        m.predictedValues = predictedValues.merge(other.predictedValues);
        if (exactKept) {
            m.exactPredictions = new double[exactPredictionCount + other.exactPredictionCount];
            System.arraycopy(exactPredictions, 0, m.exactPredictions, 0, exactPredictionCount);
            System.arraycopy(other.exactPredictions, 0, m.exactPredictions, exactPredictionCount, other.exactPredictionCount);
            m.exactPredictionCount = m.exactPredictions.length;
        }
        m.unpredicted = unpredicted + other.unpredicted;
        for (int p = 0; p < classes; p++) {
            for (int t = 0; t < classes; t++) {
                m.expected[p][t] = expected[p][t] + other.expected[p][t];
            }
        }
        m.estimatedRows = estimatedRows + other.estimatedRows;
        m.scoredRows = scoredRows + other.scoredRows;
        m.outliers = outliers + other.outliers;
        m.scoreSum = scoreSum + other.scoreSum;
        m.unseen = unseen + other.unseen;
        versions.forEach((k, v) -> m.versions.computeIfAbsent(k, x -> new long[1])[0] += v[0]);
        other.versions.forEach((k, v) -> m.versions.computeIfAbsent(k, x -> new long[1])[0] += v[0]);
        return m;
    }

    // ---- bytes -------------------------------------------------------------------------------

    byte[] toBytes() {
        return Codec.write(out -> {
            out.writeByte(FORMAT);
            out.writeInt(names.size());
            for (int f = 0; f < names.size(); f++) {
                Codec.string(out, names.get(f));
                out.writeBoolean(numeric[f]);
            }
            out.writeLong(largeWindow);
            out.writeInt(sampleSize);
            out.writeInt(classes);
            out.writeLong(rows);
            out.writeLong(entries);
            out.writeLong(firstReceived);
            out.writeLong(lastReceived);
            Codec.bytes(out, DatasetProfile.of(rows, List.of(profiles)).toBytes());
            out.writeBoolean(exact != null);
            for (int f = 0; f < names.size(); f++) {
                out.writeLong(missing[f]);
                out.writeBoolean(tooManyCategories[f]);
                if (numeric[f]) {
                    if (exact != null) {
                        Codec.doubles(out, exact[f], exactSize[f]);
                    }
                } else {
                    Codec.counts(out, categories(f));
                }
            }
            out.writeInt(sample.size());
            for (SampledRow row : sampleRows()) {
                out.writeLong(row.key());
                Codec.doubles(out, row.numbers());
                out.writeInt(row.texts().length);
                for (String text : row.texts()) {
                    Codec.string(out, text);
                }
            }
            Codec.counts(out, predictedLabels());
            Codec.bytes(out, DatasetProfile.of(predictedValues.count() + predictedValues.nulls(), List.of(predictedValues)).toBytes());
            if (exactPredictions != null) {
                Codec.doubles(out, exactPredictions, exactPredictionCount);
            }
            out.writeLong(unpredicted);
            for (double[] row : expected) {
                for (double v : row) {
                    out.writeDouble(v);
                }
            }
            out.writeLong(estimatedRows);
            out.writeLong(scoredRows);
            out.writeLong(outliers);
            out.writeDouble(scoreSum);
            out.writeLong(unseen);
            Codec.counts(out, versions());
        });
    }

    static WindowProfile fromBytes(byte[] bytes) {
        return Codec.read(bytes, FORMAT, "a window profile", WindowProfile::read);
    }

    private static WindowProfile read(DataInputStream in) throws IOException {
        int n = Codec.length(in, "the features");
        List<String> names = new ArrayList<>();
        boolean[] numeric = new boolean[n];
        for (int f = 0; f < n; f++) {
            names.add(Codec.string(in));
            numeric[f] = in.readBoolean();
        }
        long largeWindow = in.readLong();
        int sampleSize = Codec.length(in, "the sample size");
        int classes = Codec.length(in, "the classes");
        if (classes > 100_000) {
            throw new IOException(classes + " classes");
        }
        WindowProfile w = new WindowProfile(names, numeric, largeWindow, sampleSize, classes);
        w.rows = in.readLong();
        w.entries = in.readLong();
        w.firstReceived = in.readLong();
        w.lastReceived = in.readLong();
        List<ColumnProfile> profiles = DatasetProfile.fromBytes(Codec.bytes(in)).columns();
        if (profiles.size() != n) {
            throw new IOException("the profile has " + profiles.size() + " columns for " + n + " features");
        }
        for (int f = 0; f < n; f++) {
            w.profiles[f] = profiles.get(f);
        }
        boolean exact = in.readBoolean();
        if (!exact) {
            w.exact = null;
            w.exactSize = null;
            w.exactPredictions = null;
        }
        for (int f = 0; f < n; f++) {
            w.missing[f] = in.readLong();
            w.tooManyCategories[f] = in.readBoolean();
            if (numeric[f]) {
                if (exact) {
                    w.exact[f] = Codec.doubles(in);
                    w.exactSize[f] = w.exact[f].length;
                }
            } else {
                Map<String, long[]> counts = w.categories.get(f);
                Codec.counts(in).forEach((k, v) -> counts.put(k, new long[] {v}));
            }
        }
        int sampled = Codec.length(in, "the sample");
        if (sampled > sampleSize) {
            throw new IOException("a sample of " + sampled + " rows where the window keeps " + sampleSize);
        }
        for (int i = 0; i < sampled; i++) {
            long key = in.readLong();
            double[] numbers = Codec.doubles(in);
            String[] texts = new String[Codec.length(in, "a sampled row")];
            for (int k = 0; k < texts.length; k++) {
                texts[k] = Codec.string(in);
            }
            if (numbers.length != n || texts.length != n) {
                throw new IOException("a sampled row has " + numbers.length + " values for " + n + " features");
            }
            w.sample.add(new SampledRow(key, numbers, texts));
        }
        Codec.counts(in).forEach((k, v) -> w.predictedLabels.put(k, new long[] {v}));
        w.predictedValues = DatasetProfile.fromBytes(Codec.bytes(in)).columns().get(0);
        if (exact) {
            w.exactPredictions = Codec.doubles(in);
            w.exactPredictionCount = w.exactPredictions.length;
        }
        w.unpredicted = in.readLong();
        for (int p = 0; p < classes; p++) {
            for (int t = 0; t < classes; t++) {
                w.expected[p][t] = in.readDouble();
            }
        }
        w.estimatedRows = in.readLong();
        w.scoredRows = in.readLong();
        w.outliers = in.readLong();
        w.scoreSum = in.readDouble();
        w.unseen = in.readLong();
        Codec.counts(in).forEach((k, v) -> w.versions.put(k, new long[] {v}));
        return w;
    }
}
