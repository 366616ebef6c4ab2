package dev.steward.core.stats;

import static java.util.Objects.requireNonNull;

import org.hipparchus.special.Gamma;

/**
 * Pearson's chi-squared test of independence on a 2×k contingency table (the category counts of
 * two samples), as SciPy's {@code scipy.stats.chi2_contingency(table)} computes it: expected
 * counts from the margins, Yates' continuity correction when there is one degree of freedom, and
 * a statistic of 0 with p-value 1 when the table has no degrees of freedom. Stateless.
 */
public final class ChiSquaredTest {
    private ChiSquaredTest() {
    }

    /**
     * @param first the counts of each category in the first sample
     * @param second the counts of the same categories in the second sample; categories empty in
     *     both must be left out
     */
    public static TestResult contingency(long[] first, long[] second) {
        requireNonNull(first, "first is null");
        requireNonNull(second, "second is null");
        int k = first.length;
        if (second.length != k || k == 0) {
            throw new IllegalArgumentException("both samples need counts for the same, non-empty list of categories");
        }
        double firstTotal = 0;
        double secondTotal = 0;
        for (int i = 0; i < k; i++) {
            if (first[i] < 0 || second[i] < 0) {
                throw new IllegalArgumentException("counts cannot be negative");
            }
            if (first[i] + second[i] == 0) {
                throw new IllegalArgumentException("category " + i + " is empty in both samples; leave it out");
            }
            firstTotal += first[i];
            secondTotal += second[i];
        }
        if (firstTotal == 0 || secondTotal == 0) {
            throw new IllegalArgumentException("the chi-squared test needs two non-empty samples");
        }
        int dof = k - 1;
        if (dof == 0) {
            return new TestResult(0.0, 1.0);
        }
        double total = firstTotal + secondTotal;
        double statistic = 0;
        for (int i = 0; i < k; i++) {
            double column = (double) first[i] + second[i];
            statistic += term(first[i], firstTotal * column / total, dof == 1);
            statistic += term(second[i], secondTotal * column / total, dof == 1);
        }
        return new TestResult(statistic, Gamma.regularizedGammaQ(dof / 2.0, statistic / 2.0));
    }

    private static double term(double observed, double expected, boolean yates) {
        if (yates) {
            double diff = expected - observed;
            observed += Math.signum(diff) * Math.min(0.5, Math.abs(diff));
        }
        double deviation = observed - expected;
        return deviation * deviation / expected;
    }
}
