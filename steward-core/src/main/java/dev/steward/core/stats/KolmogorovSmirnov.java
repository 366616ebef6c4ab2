package dev.steward.core.stats;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * The two-sided two-sample Kolmogorov–Smirnov test, with the statistic and p-value of SciPy's
 * {@code scipy.stats.ks_2samp(a, b)} (method {@code auto}): the exact distribution of
 * D<sub>m,n</sub> (lattice paths, Hodges 1958) when neither sample has more than 10,000 values,
 * otherwise the one-sample Kolmogorov distribution at the effective size round(mn/(m+n)).
 * Stateless.
 */
public final class KolmogorovSmirnov {
    /** Above this many values in either sample the p-value is asymptotic, as in SciPy. */
    public static final int MAX_EXACT = 10_000;

    private KolmogorovSmirnov() {
    }

    /** Tests two samples; neither may be empty or hold NaN. The arrays are not changed. */
    public static TestResult twoSample(double[] a, double[] b) {
        requireNonNull(a, "a is null");
        requireNonNull(b, "b is null");
        double[] x = a.clone();
        double[] y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);
        return twoSampleSorted(x, y);
    }

    /** As {@link #twoSample} for samples already sorted ascending (no copies are made). */
    public static TestResult twoSampleSorted(double[] x, double[] y) {
        int n1 = x.length;
        int n2 = y.length;
        if (n1 == 0 || n2 == 0) {
            throw new IllegalArgumentException("the Kolmogorov-Smirnov test needs two non-empty samples");
        }
        if (Double.isNaN(x[n1 - 1]) || Double.isNaN(y[n2 - 1])) {
            throw new IllegalArgumentException("the Kolmogorov-Smirnov test cannot take NaN values");
        }
        double maxDiff = Double.NEGATIVE_INFINITY;
        double minDiff = Double.POSITIVE_INFINITY;
        int i = 0;
        int j = 0;
        while (i < n1 || j < n2) {
            double value = j >= n2 || (i < n1 && x[i] <= y[j]) ? x[i] : y[j];
            while (i < n1 && x[i] <= value) {
                i++;
            }
            while (j < n2 && y[j] <= value) {
                j++;
            }
            double diff = (double) i / n1 - (double) j / n2;
            maxDiff = Math.max(maxDiff, diff);
            minDiff = Math.min(minDiff, diff);
        }
        double minS = Math.max(0, Math.min(1, -minDiff));
        double d = minS > maxDiff ? minS : maxDiff;
        if (Math.max(n1, n2) <= MAX_EXACT) {
            long g = gcd(n1, n2);
            long lcm = (n1 / g) * n2;
            long h = (long) Math.rint(d * lcm);
            double exactD = (double) h / lcm;
            if (h == 0) {
                return new TestResult(exactD, 1.0);
            }
            double p = n1 == n2 ? outsideSquare(n1, h) : outsideLattice(n1, n2, g, h);
            return new TestResult(exactD, Math.max(0, Math.min(1, p)));
        }
        double m = Math.max(n1, n2);
        double n = Math.min(n1, n2);
        long effective = (long) Math.rint(m * n / (m + n));
        return new TestResult(d, KolmogorovDistribution.sf(effective, d));
    }

    /**
     * P(D_{n,n} >= h/n) = 2 Σ_k (-1)^(k+1) C(2n, n-kh) / C(2n, n), each ratio a product of h
     * factors, summed by a Horner scheme so that the alternating terms do not cancel.
     */
    private static double outsideSquare(long n, long h) {
        double p = 0.0;
        for (long k = n / h; k >= 0; k--) {
            double ratio = 1.0;
            for (long j = 0; j < h; j++) {
                ratio = (n - k * h - j) * ratio / (n + k * h + j + 1);
            }
            p = ratio * (1.0 - p);
        }
        return 2 * p;
    }

    /**
     * The share of monotone lattice paths from (0,0) to (n1,n2) that leave the band
     * |i n2 - j n1| < h g at some point: the complement of the probability of staying inside,
     * propagated row by row as a probability so that nothing overflows.
     */
    private static double outsideLattice(int n1, int n2, long g, long h) {
        long bound = h * g;
        double[] inside = new double[n2 + 1];
        inside[0] = 1.0;
        for (int j = 1; j <= n2; j++) {
            inside[j] = Math.abs((long) j * n1) < bound ? inside[j - 1] : 0.0;
        }
        for (int i = 1; i <= n1; i++) {
            long rowOffset = (long) i * n2;
            inside[0] = Math.abs(rowOffset) < bound ? inside[0] : 0.0;
            for (int j = 1; j <= n2; j++) {
                if (Math.abs(rowOffset - (long) j * n1) < bound) {
                    double total = i + j;
                    inside[j] = (i / total) * inside[j] + (j / total) * inside[j - 1];
                } else {
                    inside[j] = 0.0;
                }
            }
        }
        return 1.0 - inside[n2];
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
