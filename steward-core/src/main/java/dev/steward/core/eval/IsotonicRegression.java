package dev.steward.core.eval;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.StewardException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Increasing isotonic regression of y on x, defined as scikit-learn 1.2's
 * {@code IsotonicRegression(increasing=True, out_of_bounds="clip")}: points of zero weight are
 * dropped; points are ordered by x (then y); values of x closer than 10⁻¹⁵ (NumPy's float64
 * resolution) to the first x of their group are pooled into one point with the weighted mean of
 * their y and the sum of their weights; the weighted least-squares non-decreasing fit of those
 * points is found by pool-adjacent-violators (adjacent blocks whose means are out of order, or
 * equal, are merged into their weighted mean); of each run of equal fitted values only the first
 * and last points are kept. A prediction interpolates linearly between the kept points, after
 * clipping x to the range seen in fitting; a fit on a single distinct x predicts its value
 * everywhere. Immutable.
 */
public final class IsotonicRegression {
    /** NumPy's {@code finfo(float64).resolution}: scikit-learn pools x values closer than this. */
    public static final double RESOLUTION = 1e-15;

    private final double[] x;
    private final double[] y;

    IsotonicRegression(double[] x, double[] y) {
        this.x = x;
        this.y = y;
    }

    /**
     * Fits y on x with the given weights ({@code null}: all 1). Values must be finite, weights
     * non-negative, and at least one weight positive.
     */
    public static IsotonicRegression fit(double[] x, double[] y, double[] weights) {
        requireNonNull(x, "x is null");
        requireNonNull(y, "y is null");
        if (x.length != y.length || (weights != null && weights.length != x.length)) {
            throw StewardException.invalid("y", "isotonic regression needs as many targets (and weights) as inputs: " + x.length + " inputs, "
                    + y.length + " targets" + (weights == null ? "" : ", " + weights.length + " weights"));
        }
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                throw StewardException.invalid(Double.isFinite(x[i]) ? "y" : "x", "isotonic regression takes finite values only (point " + i + ")");
            }
            if (weights != null && !(weights[i] >= 0 && Double.isFinite(weights[i]))) {
                throw StewardException.invalid("weights", "weights must be finite and non-negative, not " + weights[i] + " (point " + i + ")");
            }
        }
        int[] order = IntStream.range(0, x.length).filter(i -> weights == null || weights[i] > 0).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> x[i]).thenComparingDouble(i -> y[i]))
                .mapToInt(Integer::intValue).toArray();
        if (order.length == 0) {
            throw StewardException.invalid("x", "isotonic regression needs at least one point of positive weight");
        }
        // Pool (near-)equal x: weighted mean of y, summed weights.
        double[] px = new double[order.length];
        double[] py = new double[order.length];
        double[] pw = new double[order.length];
        int points = 0;
        double currentX = x[order[0]];
        double weightedY = 0;
        double weight = 0;
        for (int i : order) {
            double w = weights == null ? 1.0 : weights[i];
            if (x[i] - currentX >= RESOLUTION) {
                px[points] = currentX;
                py[points] = weightedY / weight;
                pw[points] = weight;
                points++;
                currentX = x[i];
                weightedY = y[i] * w;
                weight = w;
            } else {
                weightedY += y[i] * w;
                weight += w;
            }
        }
        px[points] = currentX;
        py[points] = weightedY / weight;
        pw[points] = weight;
        points++;

        double[] fitted = poolAdjacentViolators(Arrays.copyOf(py, points), Arrays.copyOf(pw, points));

        // Keep the ends of every run of equal fitted values.
        double[] keptX = new double[points];
        double[] keptY = new double[points];
        int kept = 0;
        for (int i = 0; i < points; i++) {
            boolean end = i == 0 || i == points - 1 || fitted[i] != fitted[i - 1] || fitted[i] != fitted[i + 1];
            if (end) {
                keptX[kept] = px[i];
                keptY[kept] = fitted[i];
                kept++;
            }
        }
        return new IsotonicRegression(Arrays.copyOf(keptX, kept), Arrays.copyOf(keptY, kept));
    }

    /**
     * The weighted least-squares non-decreasing fit of {@code values}: a stack of blocks (start,
     * weight, mean); each new point becomes a block and merges with the block before it while that
     * block's mean is at least its own.
     */
    private static double[] poolAdjacentViolators(double[] values, double[] weights) {
        int n = values.length;
        int[] start = new int[n];
        double[] blockWeight = new double[n];
        double[] blockSum = new double[n];
        int blocks = 0;
        for (int i = 0; i < n; i++) {
            start[blocks] = i;
            blockWeight[blocks] = weights[i];
            blockSum[blocks] = weights[i] * values[i];
            blocks++;
            while (blocks > 1 && blockSum[blocks - 2] / blockWeight[blocks - 2] >= blockSum[blocks - 1] / blockWeight[blocks - 1]) {
                blockWeight[blocks - 2] += blockWeight[blocks - 1];
                blockSum[blocks - 2] += blockSum[blocks - 1];
                blocks--;
            }
        }
        double[] fitted = new double[n];
        for (int b = 0; b < blocks; b++) {
            int end = b + 1 < blocks ? start[b + 1] : n;
            Arrays.fill(fitted, start[b], end, blockSum[b] / blockWeight[b]);
        }
        return fitted;
    }

    /** The fitted function at {@code value} (NaN stays NaN). */
    public double predict(double value) {
        if (x.length == 1) {
            return y[0];
        }
        double t = Math.min(Math.max(value, x[0]), x[x.length - 1]);
        if (Double.isNaN(t)) {
            return Double.NaN;
        }
        // The first kept x at or above t (NumPy's searchsorted, side 'left'), clipped to 1 … n-1.
        int low = 0;
        int high = x.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (x[mid] < t) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        int hi = Math.min(Math.max(low, 1), x.length - 1);
        int lo = hi - 1;
        double slope = (y[hi] - y[lo]) / (x[hi] - x[lo]);
        return slope * (t - x[lo]) + y[lo];
    }

    /** The x of the points kept after fitting, increasing (a copy). */
    public double[] thresholds() {
        return x.clone();
    }

    /** The fitted values at {@link #thresholds()}, non-decreasing (a copy). */
    public double[] values() {
        return y.clone();
    }
}
