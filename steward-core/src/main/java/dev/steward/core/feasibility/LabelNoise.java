package dev.steward.core.feasibility;

import java.util.Random;

/**
 * FeeBee's uniform label noise: each label is, with probability {@code ρ}, replaced by a class
 * drawn uniformly from all {@code C} classes (its own included, so that a label actually changes
 * with probability {@code ρ (C-1)/C}). Under that noise the Bayes error moves exactly to
 * {@link BayesError#withLabelNoise}.
 */
final class LabelNoise {
    private LabelNoise() {}

    static int[] uniform(int[] labels, int classes, double rho, Random random) {
        if (!(rho >= 0 && rho <= 1) || classes < 2) {
            throw new IllegalArgumentException("noise " + rho + " over " + classes + " classes");
        }
        int[] noisy = labels.clone();
        for (int i = 0; i < noisy.length; i++) {
            if (random.nextDouble() < rho) {
                noisy[i] = random.nextInt(classes);
            }
        }
        return noisy;
    }
}
