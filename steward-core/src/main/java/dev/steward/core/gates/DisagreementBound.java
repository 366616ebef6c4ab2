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
}
