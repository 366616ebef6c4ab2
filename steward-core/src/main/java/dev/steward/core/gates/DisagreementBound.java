package dev.steward.core.gates;

/**
 * An upper confidence bound on the disagreement {@code d} of two models, from their predictions on
 * unlabelled rows (see {@link SampleSizes#fromUnlabelled}).
 *
 * @param observed the disagreement rate observed on the unlabelled rows
 * @param unlabelledRows how many rows it was observed on
 * @param delta the probability that the true disagreement exceeds {@code upper}
 * @param upper the bound: {@code observed} plus Hoeffding's one-sided deviation, at most 1
 */
public record DisagreementBound(double observed, long unlabelledRows, double delta, double upper) {
    public DisagreementBound {
        if (!(observed >= 0 && observed <= upper && upper <= 1)) {
            throw new IllegalArgumentException("need 0 <= observed <= upper <= 1: " + observed + ", " + upper);
        }
        if (unlabelledRows < 1 || !(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("need at least one row and a delta in (0, 1): " + unlabelledRows + ", " + delta);
        }
    }
}
