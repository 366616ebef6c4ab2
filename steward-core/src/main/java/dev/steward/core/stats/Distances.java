package dev.steward.core.stats;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * Distances between two distributions, each defined to match a reference implementation:
 * Wasserstein-1 as SciPy's {@code wasserstein_distance}, Jensen–Shannon distance as SciPy's
 * {@code jensenshannon(p, q, base=2)}, and the population stability index over shared bins.
 * Stateless.
 */
public final class Distances {
    /** Replaces an empty bin's share in the PSI so that its logarithm is defined (as Evidently does). */
    public static final double PSI_EMPTY_BIN = 1e-4;

    private Distances() {
    }

    /**
     * The first Wasserstein (earth mover's) distance between two samples: the area between their
     * empirical distribution functions.
     */
    public static double wasserstein(double[] a, double[] b) {
        double[] x = a.clone();
        double[] y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);
        return wassersteinSorted(x, y);
    }

    /** As {@link #wasserstein} for samples already sorted ascending. */
    public static double wassersteinSorted(double[] x, double[] y) {
        int n1 = x.length;
        int n2 = y.length;
        if (n1 == 0 || n2 == 0) {
            throw new IllegalArgumentException("the Wasserstein distance needs two non-empty samples");
        }
        int i = 0;
        int j = 0;
        double previous = Math.min(x[0], y[0]);
        double sum = 0;
        double compensation = 0;
        while (i < n1 || j < n2) {
            double value = j >= n2 || (i < n1 && x[i] <= y[j]) ? x[i] : y[j];
            double area = Math.abs((double) i / n1 - (double) j / n2) * (value - previous);
            double t = area - compensation;
            double s = sum + t;
            compensation = (s - sum) - t;
            sum = s;
            previous = value;
            while (i < n1 && x[i] <= value) {
                i++;
            }
            while (j < n2 && y[j] <= value) {
                j++;
            }
        }
        return sum;
    }

    /**
     * The Jensen–Shannon distance in bits (0 for equal distributions, 1 for disjoint ones) between
     * two histograms over the same bins.
     */
    public static double jensenShannon(long[] first, long[] second) {
        double[] p = shares(first, second.length);
        double[] q = shares(second, first.length);
        double left = 0;
        double right = 0;
        for (int i = 0; i < p.length; i++) {
            double m = (p[i] + q[i]) / 2.0;
            left += relativeEntropy(p[i], m);
            right += relativeEntropy(q[i], m);
        }
        double js = (left + right) / 2.0;
        return Math.sqrt(js / Math.log(2));
    }

    /**
     * The population stability index Σ (q - p) ln(q / p) of the second histogram against the
     * first, empty bins counted as a share of {@link #PSI_EMPTY_BIN}.
     */
    public static double populationStability(long[] reference, long[] current) {
        double[] p = shares(reference, current.length);
        double[] q = shares(current, reference.length);
        double psi = 0;
        for (int i = 0; i < p.length; i++) {
            double pi = p[i] == 0 ? PSI_EMPTY_BIN : p[i];
            double qi = q[i] == 0 ? PSI_EMPTY_BIN : q[i];
            psi += (qi - pi) * Math.log(qi / pi);
        }
        return psi;
    }

    private static double relativeEntropy(double x, double y) {
        if (x == 0 && y >= 0) {
            return 0;
        }
        return x * Math.log(x / y);
    }

    private static double[] shares(long[] counts, int expectedLength) {
        requireNonNull(counts, "counts is null");
        if (counts.length != expectedLength || counts.length == 0) {
            throw new IllegalArgumentException("both histograms need the same, non-empty list of bins");
        }
        double total = 0;
        for (long count : counts) {
            if (count < 0) {
                throw new IllegalArgumentException("bin counts cannot be negative");
            }
            total += count;
        }
        if (total == 0) {
            throw new IllegalArgumentException("a histogram is empty");
        }
        double[] shares = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            shares[i] = counts[i] / total;
        }
        return shares;
    }
}
