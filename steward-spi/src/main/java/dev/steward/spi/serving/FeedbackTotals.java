package dev.steward.spi.serving;

import static java.util.Objects.requireNonNull;

/**
 * The sums behind a deployment's live figures for one served version: labels (and how many were
 * right), true values (and the sums of absolute and squared errors), rewards (and the sums of
 * rewards and of their squares, for a Gaussian posterior).
 */
public record FeedbackTotals(String deployment, String model, int version, long labelled, long correct, long valued, double absoluteErrors,
        double squaredErrors, long rewarded, double rewards, double squaredRewards) {
    public FeedbackTotals {
        requireNonNull(deployment, "deployment is null");
        requireNonNull(model, "model is null");
    }
}
