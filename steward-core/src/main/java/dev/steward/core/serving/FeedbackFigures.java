package dev.steward.core.serving;

import dev.steward.spi.serving.FeedbackRecord;
import dev.steward.spi.serving.FeedbackTotals;
import java.util.OptionalDouble;

/**
 * What the feedback on a deployment (or on one of its versions) says so far: how many rows got a
 * true label and how many of those the model got right, how many got a true value and the sums of
 * the errors, how many got a reward and the sums of the rewards and their squares. Immutable; the
 * figures are sums, so figures of parts add up.
 */
public record FeedbackFigures(long labelled, long correct, long valued, double absoluteErrors, double squaredErrors, long rewarded,
        double rewards, double squaredRewards) {
    public static final FeedbackFigures NONE = new FeedbackFigures(0, 0, 0, 0, 0, 0, 0, 0);

    static FeedbackFigures of(FeedbackTotals t) {
        return new FeedbackFigures(t.labelled(), t.correct(), t.valued(), t.absoluteErrors(), t.squaredErrors(), t.rewarded(), t.rewards(),
                t.squaredRewards());
    }

    static FeedbackFigures of(FeedbackRecord r) {
        boolean labelled = r.label().isPresent();
        boolean valued = r.value().isPresent();
        double error = r.absoluteError().orElse(0);
        double reward = r.reward().orElse(0);
        return new FeedbackFigures(labelled ? 1 : 0, r.correct().orElse(false) ? 1 : 0, valued ? 1 : 0, error, error * error,
                r.reward().isPresent() ? 1 : 0, reward, reward * reward);
    }

    public FeedbackFigures plus(FeedbackFigures o) {
        return new FeedbackFigures(labelled + o.labelled, correct + o.correct, valued + o.valued, absoluteErrors + o.absoluteErrors,
                squaredErrors + o.squaredErrors, rewarded + o.rewarded, rewards + o.rewards, squaredRewards + o.squaredRewards);
    }

    /** The share of labelled rows the model predicted right; empty before the first label. */
    public OptionalDouble accuracy() {
        return labelled == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) correct / labelled);
    }

    /** The mean absolute error of a regression; empty before the first true value. */
    public OptionalDouble meanAbsoluteError() {
        return valued == 0 ? OptionalDouble.empty() : OptionalDouble.of(absoluteErrors / valued);
    }

    public OptionalDouble rootMeanSquaredError() {
        return valued == 0 ? OptionalDouble.empty() : OptionalDouble.of(Math.sqrt(squaredErrors / valued));
    }

    /** The mean reward; empty before the first reward. */
    public OptionalDouble meanReward() {
        return rewarded == 0 ? OptionalDouble.empty() : OptionalDouble.of(rewards / rewarded);
    }

    /** The sample variance of the rewards (a Gaussian bandit's spread); empty below two rewards. */
    public OptionalDouble rewardVariance() {
        if (rewarded < 2) {
            return OptionalDouble.empty();
        }
        double mean = rewards / rewarded;
        return OptionalDouble.of(Math.max(0, (squaredRewards - rewarded * mean * mean) / (rewarded - 1)));
    }
}
