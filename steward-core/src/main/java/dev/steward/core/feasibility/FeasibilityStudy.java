package dev.steward.core.feasibility;

import dev.steward.core.feasibility.FeasibilityReport.Evaluation;
import dev.steward.core.feasibility.FeasibilityReport.Interval;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * A feasibility study of a classification task on labelled rows in memory, after ease.ml/snoopy
 * (Renggli et al., "Ease.ml/snoopy: towards automatic feasibility study for machine learning
 * applications") and FeeBee (Renggli et al., NeurIPS 2021 datasets track):
 *
 * <ol>
 *   <li>a seeded, stratified split holds out {@value #TEST_SHARE} of the rows, at most {@value #MAX_TEST_ROWS};
 *   <li>the features are encoded ({@link FeatureEncoding}) and transformed by every candidate:
 *       the standardised features themselves, PCA at {@link #PCA_COMPONENTS} components and
 *       Gaussian random projections at {@link #PROJECTION_COMPONENTS} (those narrower than the
 *       encoding);
 *   <li>successive halving over growing training sizes keeps the candidate with the lowest 1-NN
 *       error on the held-out rows; its error {@code R} on all training rows is the upper estimate
 *       of the Bayes error, Cover and Hart's bound of {@code R} the lower one;
 *   <li>FeeBee's self-check: labels of all rows noised uniformly at {@link #NOISE_LEVELS}
 *       ({@value #NOISE_DRAWS} draws each, averaged), the 1-NN error measured again (the
 *       neighbours do not change, only their labels), and the lower estimate checked against the
 *       band the theory draws from the estimates at {@code ρ = 0}. Only the lower one: in the limit
 *       it moves exactly along the band's lower edge, whereas the 1-NN error moves to
 *       {@code (C-1)/C - (1-ρ)²((C-1)/C - R)}, above the upper edge, for any data;
 *   <li>the learning curve: the winner's 1-NN error at the growing sizes, fitted by
 *       {@link LearningCurve}.
 * </ol>
 *
 * Everything random comes from the seed, and the search is exact, so a study of the same rows
 * with the same seed gives the same report. Cost: about {@code (h + 1) · n_train · n_test · d}
 * coordinate differences for {@code h} halvings of {@code d}-dimensional candidates. Stateless.
 */
final class FeasibilityStudy {
    static final double TEST_SHARE = 0.2;
    /**
     * At most this many rows are held out: the 1-NN error over them then has a standard deviation
     * of at most 0.005, and the cost of a scan, which grows with held-out times training rows, stays
     * linear in the sample beyond 50,000 rows.
     */
    static final int MAX_TEST_ROWS = 10_000;
    static final List<Integer> PCA_COMPONENTS = List.of(2, 5, 10, 20, 50);
    static final List<Integer> PROJECTION_COMPONENTS = List.of(5, 20, 50);
    static final List<Double> NOISE_LEVELS = List.of(0.2, 0.4, 0.6, 0.8);
    static final int NOISE_DRAWS = 5;
    /** Sizes of the learning curve: the full training set and halves of it, down to {@value #MIN_TRAIN_ROWS} rows. */
    static final int CURVE_POINTS = 6;
    static final int MIN_TRAIN_ROWS = 10;
    /**
     * How far, in standard deviations of the 1-NN error over the held-out rows, an estimate under
     * noise may lie outside FeeBee's band and still count as in it. The lower estimate sits on the
     * band's lower edge in the limit (see the docs), so half of its draws fall below: at 3 standard
     * deviations a sound estimator fails at one noise level in about 700.
     */
    static final double BAND_Z = 3;
    /** z of the reported 95% intervals. */
    static final double INTERVAL_Z = 1.959964;
    /** Training rows encoded and transformed at once: bounds the memory of a scan, whatever the training size. */
    private static final int BLOCK_ROWS = 8_192;

    private FeasibilityStudy() {}

    /**
     * Studies how well {@code features} can predict {@code labels} (class numbers {@code 0..classes-1},
     * one per row of every column).
     */
    static FeasibilityReport run(List<FeatureColumn> features, int[] labels, int classes, long seed) {
        if (features.isEmpty() || classes < 2) {
            throw new IllegalArgumentException("a study needs features and at least two classes");
        }
        for (FeatureColumn column : features) {
            if (column.rows() != labels.length) {
                throw new IllegalArgumentException("column " + column.name() + " has " + column.rows() + " rows, the labels " + labels.length);
            }
        }
        Split split = Split.stratified(labels, classes, Math.min(TEST_SHARE, MAX_TEST_ROWS / (double) labels.length), random(seed, 0));
        int[] train = split.train();
        int[] test = split.test();
        if (test.length == 0 || train.length == 0) {
            throw new IllegalArgumentException("too few rows to hold some out: " + labels.length);
        }
        int[] trainLabels = select(labels, train);
        int[] testLabels = select(labels, test);
        FeatureEncoding encoding = FeatureEncoding.fit(features, train);
        int dims = encoding.dimensions();
        List<Transform> transforms = transforms(encoding, train, seed);
        double[] testRows = encoding.encode(test);
        List<Candidate> candidates = transforms.stream().map(t -> new Candidate(t, encoding, train, t.apply(testRows), trainLabels, testLabels))
                .toList();

        int[] sizes = sizes(train.length, SuccessiveHalving.halvingsFor(candidates.size()));
        SuccessiveHalving.Outcome outcome = SuccessiveHalving.run(candidates, sizes, SuccessiveHalving.halvingsFor(candidates.size()));
        int m = test.length;
        List<FeasibilityReport.Candidate> tried = new ArrayList<>();
        for (int c = 0; c < candidates.size(); c++) {
            Transform t = transforms.get(c);
            tried.add(new FeasibilityReport.Candidate(t.name(), t.kind(), t.dimensions(), evaluations(outcome.evaluations().get(c), m, classes),
                    c == outcome.winner(), outcome.droppedAfter()[c]));
        }
        Candidate winner = candidates.get(outcome.winner());
        int[] nearest = winner.search.nearest();
        double knnError = NearestNeighbours.errors(nearest, trainLabels, testLabels) / (double) m;
        double berLower = BayesError.lowerBound(knnError, classes);
        double[] interval = BayesError.wilson(knnError, m, INTERVAL_Z);
        FeasibilityReport.Estimate estimate = new FeasibilityReport.Estimate(winner.transform.name(), knnError, berLower, knnError,
                new Interval(BayesError.lowerBound(interval[0], classes), BayesError.lowerBound(interval[1], classes)),
                new Interval(interval[0], interval[1]));
        FeasibilityReport.NoiseCheck noise = noiseCheck(nearest, trainLabels, testLabels, classes, estimate, seed);
        List<Evaluation> points = evaluations(outcome.evaluations().get(outcome.winner()), m, classes);
        LearningCurve fit = LearningCurve.fit(points.stream().mapToInt(Evaluation::trainRows).toArray(),
                points.stream().mapToDouble(Evaluation::knnError).toArray());
        double at10x = Math.min(1, fit.predict(10.0 * train.length));
        FeasibilityReport.Curve curve = new FeasibilityReport.Curve(points, fit, Math.min(1, fit.predict(2.0 * train.length)), at10x,
                BayesError.lowerBound(at10x, classes));
        return new FeasibilityReport(classes, train.length, m, dims, estimate, tried, noise, curve);
    }

    /** The standardised encoding, and PCA and random projections at every width below it. */
    private static List<Transform> transforms(FeatureEncoding encoding, int[] train, long seed) {
        int dims = encoding.dimensions();
        List<Transform> transforms = new ArrayList<>();
        transforms.add(Transform.identity(dims));
        List<Integer> pca = PCA_COMPONENTS.stream().filter(k -> k < dims).toList();
        if (!pca.isEmpty() && train.length >= 2) {
            double[] fitRows = encoding.encode(Arrays.copyOf(train, Math.min(train.length, Pca.FIT_ROWS)));
            pca.forEach(k -> transforms.add(Pca.fit(fitRows, dims, k)));
        }
        PROJECTION_COMPONENTS.stream().filter(k -> k < dims).forEach(k -> transforms.add(RandomProjection.of(dims, k, random(seed, k)
                .nextLong())));
        return transforms;
    }

    /**
     * The training sizes of halving and curve: the full size and its halves, as many as the
     * halvings and the curve need, none below {@value #MIN_TRAIN_ROWS} rows (but the full size).
     */
    static int[] sizes(int trainRows, int halvings) {
        TreeSet<Integer> sizes = new TreeSet<>();
        sizes.add(trainRows);
        for (int k = 1; k <= Math.max(halvings, CURVE_POINTS - 1); k++) {
            int size = (int) Math.round(trainRows / Math.pow(2, k));
            if (size >= MIN_TRAIN_ROWS) {
                sizes.add(size);
            }
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    private static FeasibilityReport.NoiseCheck noiseCheck(int[] nearest, int[] trainLabels, int[] testLabels, int classes,
            FeasibilityReport.Estimate clean, long seed) {
        int m = testLabels.length;
        List<FeasibilityReport.NoiseLevel> levels = new ArrayList<>();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int points = 0;
        for (int l = -1; l < NOISE_LEVELS.size(); l++) {
            double rho = l < 0 ? 0 : NOISE_LEVELS.get(l);
            double berLower = clean.berLower();
            if (l >= 0) {
                Random random = random(seed, 1_000 + l);
                long errors = 0;
                for (int draw = 0; draw < NOISE_DRAWS; draw++) {
                    errors += NearestNeighbours.errors(nearest, LabelNoise.uniform(trainLabels, classes, rho, random),
                            LabelNoise.uniform(testLabels, classes, rho, random));
                }
                double knnError = errors / (double) (NOISE_DRAWS * m);
                berLower = BayesError.lowerBound(knnError, classes);
                double bandLower = BayesError.withLabelNoise(clean.berLower(), rho, classes);
                double bandUpper = BayesError.withLabelNoise(clean.berUpper(), rho, classes);
                double[] interval = BayesError.wilson(knnError, m, BAND_Z);
                boolean within = BayesError.lowerBound(interval[1], classes) >= bandLower && BayesError.lowerBound(interval[0], classes)
                        <= bandUpper;
                levels.add(new FeasibilityReport.NoiseLevel(rho, knnError, berLower, bandLower, bandUpper, within));
            }
            sx += rho;
            sy += berLower;
            sxx += rho * rho;
            sxy += rho * berLower;
            points++;
        }
        double slope = (points * sxy - sx * sy) / (points * sxx - sx * sx);
        return new FeasibilityReport.NoiseCheck(levels, slope, BayesError.chance(classes) - clean.berLower(),
                levels.stream().allMatch(FeasibilityReport.NoiseLevel::withinBand));
    }

    private static List<Evaluation> evaluations(List<SuccessiveHalving.Evaluation> evaluations, int testRows, int classes) {
        return evaluations.stream().map(e -> {
            double error = e.errors() / (double) testRows;
            return new Evaluation(e.trainRows(), error, BayesError.lowerBound(error, classes));
        }).toList();
    }

    private static int[] select(int[] values, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = values[rows[i]];
        }
        return out;
    }

    /** An independent stream of the seed: the split, each projection and each noise level draw from their own. */
    private static Random random(long seed, long stream) {
        return new Random(seed * 0x9E3779B97F4A7C15L + stream);
    }

    /** One transformation's search: training rows encoded, transformed and scanned block by block as halving asks for more. */
    private static final class Candidate implements SuccessiveHalving.Arm {
        private final Transform transform;
        private final FeatureEncoding encoding;
        private final int[] train;
        private final int[] trainLabels;
        private final int[] testLabels;
        private final NearestNeighbours search;

        Candidate(Transform transform, FeatureEncoding encoding, int[] train, double[] testRows, int[] trainLabels, int[] testLabels) {
            this.transform = transform;
            this.encoding = encoding;
            this.train = train;
            this.trainLabels = trainLabels;
            this.testLabels = testLabels;
            this.search = new NearestNeighbours(testRows, transform.dimensions());
        }

        @Override
        public long errorsAt(int trainRows) {
            for (int from = search.scanned(); from < trainRows; from += BLOCK_ROWS) {
                int to = Math.min(trainRows, from + BLOCK_ROWS);
                search.add(transform.apply(encoding.encode(Arrays.copyOfRange(train, from, to))));
            }
            return search.errors(trainLabels, testLabels);
        }
    }
}
