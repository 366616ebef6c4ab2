package dev.steward.core.stats;

import static java.util.Objects.requireNonNull;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.DoublesSortedView;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * Distances between two samples known only through their KLL quantile sketches (the mergeable
 * profiles of windows and references), each the sketch counterpart of an exact statistic of this
 * package: {@link #ksStatistic} of {@link KolmogorovSmirnov}'s statistic, {@link #wasserstein} of
 * {@link Distances#wassersteinSorted}, {@link #fractions} of {@link QuantileBins#histogram}.
 *
 * <p>A sketch answers every rank within its normalised rank error ε
 * ({@code getNormalizedRankError(false)}: 1.33% for k = 200, with 99% confidence; 1.65% for the
 * difference of two ranks, {@code getNormalizedRankError(true)}), so: the KS statistic is within
 * ε<sub>a</sub> + ε<sub>b</sub> of the exact one; each bin fraction within the sketch's two-rank
 * error; and the Wasserstein distance within B<sub>a</sub>(ε<sub>a</sub>) + B<sub>b</sub>(ε<sub>b</sub>),
 * where B(ε) = ∫ Q(u + ε) − Q(u − ε) du (ranks clipped to [0, 1]) is how far a quantile function Q
 * can move when its ranks move by ε — plus, for the version on {@code points} ranks, the
 * discretisation error of at most (range<sub>a</sub> + range<sub>b</sub>) / points. The tests
 * hold these bounds on samples of 10⁵ and 10⁶ values. Sketches hold no NaN (KLL ignores them).
 * Stateless; the sketches are only read.
 */
public final class SketchDistances {
    private SketchDistances() {
    }

    /**
     * ∫₀¹ |F⁻¹(u) − G⁻¹(u)| du, the first Wasserstein distance, approximated by the midpoint rule
     * on the ranks (i + ½) / points, i = 0 … points − 1, with the sketches' inclusive quantiles
     * (the smallest retained value whose rank reaches u, as the exact quantile function of a
     * sample). Cost O(points · log retained).
     */
    public static double wasserstein(KllDoublesSketch reference, KllDoublesSketch current, int points) {
        check(reference, "reference");
        check(current, "current");
        if (points < 1) {
            throw new IllegalArgumentException("points must be at least 1, not " + points);
        }
        double[] ranks = new double[points];
        for (int i = 0; i < points; i++) {
            ranks[i] = (i + 0.5) / points;
        }
        double[] f = reference.getQuantiles(ranks, QuantileSearchCriteria.INCLUSIVE);
        double[] g = current.getQuantiles(ranks, QuantileSearchCriteria.INCLUSIVE);
        double sum = 0;
        for (int i = 0; i < points; i++) {
            sum += Math.abs(f[i] - g[i]);
        }
        return sum / points;
    }

    /**
     * The first Wasserstein distance between the two sketches' own distributions (each retained
     * value with its weight), exactly: the area between their step CDFs. On sketches that retain
     * every value (fewer than about 2k updates) it equals {@link Distances#wasserstein} on the
     * samples. Cost O(retained).
     */
    public static double wasserstein(KllDoublesSketch reference, KllDoublesSketch current) {
        Walk walk = new Walk(check(reference, "reference"), check(current, "current"));
        double previous = Double.NaN;
        double gap = 0;
        double sum = 0;
        while (walk.next()) {
            if (!Double.isNaN(previous)) {
                sum += gap * (walk.value - previous);
            }
            previous = walk.value;
            gap = Math.abs(walk.cdfA() - walk.cdfB());
        }
        return sum;
    }

    /**
     * The largest difference between the two sketches' CDFs, sup<sub>x</sub> |F(x) − G(x)|, taken
     * over both sketches' retained values (where the step CDFs change): the two-sample
     * Kolmogorov–Smirnov statistic of the sketched distributions. Cost O(retained).
     */
    public static double ksStatistic(KllDoublesSketch a, KllDoublesSketch b) {
        Walk walk = new Walk(check(a, "a"), check(b, "b"));
        double max = 0;
        while (walk.next()) {
            max = Math.max(max, Math.abs(walk.cdfA() - walk.cdfB()));
        }
        return max;
    }

    /**
     * The fraction of the sketch's values in each bin of the interior {@code edges} (strictly
     * increasing, finite), binned as {@link QuantileBins} bins: bin i holds the values with exactly
     * i edges at or below them, i.e. (−∞, e₁), [e₁, e₂), …, [e<sub>B−1</sub>, ∞). So that
     * {@code fractions(sketch, bins.edges())} estimates {@code bins.histogram(values)} / n. The
     * fractions sum to 1.
     */
    public static double[] fractions(KllDoublesSketch sketch, double[] edges) {
        check(sketch, "sketch");
        checkEdges(edges);
        if (edges.length == 0) {
            return new double[] {1.0};
        }
        double[] cdf = sketch.getCDF(edges, QuantileSearchCriteria.EXCLUSIVE);
        double[] fractions = new double[edges.length + 1];
        double previous = 0;
        for (int i = 0; i < edges.length; i++) {
            double c = Math.max(previous, cdf[i]);
            fractions[i] = c - previous;
            previous = c;
        }
        fractions[edges.length] = Math.max(0, 1 - previous);
        return fractions;
    }

    /**
     * Estimated counts per bin, as {@link #fractions} times the sketch's n, rounded so that they
     * sum to n (largest remainders first): a histogram for {@link Distances#populationStability}
     * and {@link Distances#jensenShannon}.
     */
    public static long[] histogram(KllDoublesSketch sketch, double[] edges) {
        double[] fractions = fractions(sketch, edges);
        long n = sketch.getN();
        long[] counts = new long[fractions.length];
        double[] remainders = new double[fractions.length];
        long assigned = 0;
        for (int i = 0; i < fractions.length; i++) {
            double exact = fractions[i] * n;
            counts[i] = (long) Math.floor(exact);
            remainders[i] = exact - counts[i];
            assigned += counts[i];
        }
        for (long left = n - assigned; left > 0; left--) {
            int best = 0;
            for (int i = 1; i < remainders.length; i++) {
                if (remainders[i] > remainders[best]) {
                    best = i;
                }
            }
            counts[best]++;
            remainders[best] = -1;
        }
        return counts;
    }

    private static void checkEdges(double[] edges) {
        requireNonNull(edges, "edges is null");
        for (int i = 0; i < edges.length; i++) {
            if (!Double.isFinite(edges[i])) {
                throw new IllegalArgumentException("bin edges must be finite, not " + edges[i]);
            }
            if (i > 0 && !(edges[i] > edges[i - 1])) {
                throw new IllegalArgumentException("bin edges must be strictly increasing: " + edges[i - 1] + " then " + edges[i]);
            }
        }
    }

    private static DoublesSortedView check(KllDoublesSketch sketch, String name) {
        requireNonNull(sketch, name + " is null");
        if (sketch.isEmpty()) {
            throw new IllegalArgumentException("the " + name + " sketch is empty");
        }
        return sketch.getSortedView();
    }

    /**
     * Walks the distinct values retained by either sketch in increasing order, with each sketch's
     * CDF (the weight at or below the value over n) at that value.
     */
    private static final class Walk {
        private final double[] a;
        private final long[] weightsA;
        private final double na;
        private final double[] b;
        private final long[] weightsB;
        private final double nb;
        private int i;
        private int j;
        double value;

        Walk(DoublesSortedView first, DoublesSortedView second) {
            a = first.getQuantiles();
            weightsA = first.getCumulativeWeights();
            na = first.getN();
            b = second.getQuantiles();
            weightsB = second.getCumulativeWeights();
            nb = second.getN();
        }

        boolean next() {
            if (i >= a.length && j >= b.length) {
                return false;
            }
            value = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
            while (i < a.length && a[i] <= value) {
                i++;
            }
            while (j < b.length && b[j] <= value) {
                j++;
            }
            return true;
        }

        double cdfA() {
            return i == 0 ? 0 : weightsA[i - 1] / na;
        }

        double cdfB() {
            return j == 0 ? 0 : weightsB[j - 1] / nb;
        }
    }
}
