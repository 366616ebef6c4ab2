package dev.steward.core.feasibility;

/**
 * Bounds on the Bayes error rate (BER: the error of the best possible classifier) from the error
 * of a 1-nearest-neighbour classifier, and how uniform label noise moves the BER.
 *
 * <p>Cover and Hart (1967): asymptotically the 1-NN error {@code R} satisfies
 * {@code BER ≤ R ≤ BER (2 - C/(C-1) BER)} for {@code C} classes; solving the right-hand side for
 * the BER gives the lower bound of {@link #lowerBound}, and {@code R} itself is the upper bound.
 * Renggli et al., "Evaluating Bayes Error Estimators on Real-World Datasets with FeeBee" (NeurIPS
 * 2021, datasets track), Lemma: when each label is replaced, with probability {@code ρ}, by one
 * drawn uniformly from all {@code C} classes, the BER becomes {@link #withLabelNoise}. Stateless.
 */
public final class BayesError {
    private BayesError() {}

    /** The error of guessing: {@code (C-1)/C}, the BER of a task whose labels say nothing. */
    public static double chance(int classes) {
        requireClasses(classes);
        return (classes - 1) / (double) classes;
    }

    /** Cover and Hart's lower bound {@code ((C-1)/C)(1 - sqrt(max(0, 1 - C/(C-1) R)))} from a 1-NN error {@code R}. */
    public static double lowerBound(double knnError, int classes) {
        if (!(knnError >= 0 && knnError <= 1)) {
            throw new IllegalArgumentException("a 1-NN error is a fraction in [0, 1]: " + knnError);
        }
        double chance = chance(classes);
        return chance * (1 - Math.sqrt(Math.max(0, 1 - knnError / chance)));
    }

    /** The BER after uniform label noise {@code ρ}: {@code BER + ρ((C-1)/C - BER)}. */
    public static double withLabelNoise(double ber, double rho, int classes) {
        if (!(rho >= 0 && rho <= 1)) {
            throw new IllegalArgumentException("a noise level is a fraction in [0, 1]: " + rho);
        }
        return ber + rho * (chance(classes) - ber);
    }

    /**
     * Wilson's score interval for a proportion {@code p} observed in {@code n} trials, at {@code z}
     * standard deviations: unlike the normal approximation, it stays inside [0, 1] and is not empty
     * when nothing was observed.
     */
    static double[] wilson(double p, long n, double z) {
        if (n < 1 || !(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("need a proportion in [0, 1] of n >= 1 trials: " + p + " of " + n);
        }
        double z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        // At 0 (or n) of n the bound is exactly 0 (or 1); the formula leaves a rounding error there.
        return new double[] {p == 0 ? 0 : Math.max(0, centre - half), p == 1 ? 1 : Math.min(1, centre + half)};
    }

    private static void requireClasses(int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("a classification task has at least two classes: " + classes);
        }
    }
}
