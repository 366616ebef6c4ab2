package dev.steward.core.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.steward.spi.serving.FeedbackTotals;
import org.junit.jupiter.api.Test;

class FeedbackFiguresTest {
    @Test
    void accuracyErrorsAndRewardsAreTheMeansOfTheSums() {
        FeedbackFigures f = FeedbackFigures.of(new FeedbackTotals("d", "m", 1, 8, 6, 4, 2.0, 1.5, 5, 3.0, 3.0));

        assertThat(f.accuracy()).hasValue(0.75);
        assertThat(f.meanAbsoluteError()).hasValue(0.5);
        assertThat(f.rootMeanSquaredError().getAsDouble()).isCloseTo(Math.sqrt(1.5 / 4), within(1e-12));
        assertThat(f.meanReward()).hasValue(0.6);
        // Rewards 1, 1, 1, 0, 0: sample variance 0.3 (numpy.var(ddof=1)).
        assertThat(f.rewardVariance().getAsDouble()).isCloseTo(0.3, within(1e-12));
    }

    @Test
    void thereAreNoFiguresBeforeTheFirstFeedbackAndFiguresOfPartsAddUp() {
        assertThat(FeedbackFigures.NONE.accuracy()).isEmpty();
        assertThat(FeedbackFigures.NONE.meanAbsoluteError()).isEmpty();
        assertThat(FeedbackFigures.NONE.meanReward()).isEmpty();
        FeedbackFigures one = FeedbackFigures.of(new FeedbackTotals("d", "m", 1, 2, 1, 0, 0, 0, 1, 1.0, 1.0));
        assertThat(one.rewardVariance()).as("one reward has no spread yet").isEmpty();

        FeedbackFigures both = one.plus(FeedbackFigures.of(new FeedbackTotals("d", "m", 2, 2, 2, 0, 0, 0, 1, 0.0, 0.0)));

        assertThat(both.accuracy()).hasValue(0.75);
        assertThat(both.meanReward()).hasValue(0.5);
        assertThat(both.rewardVariance().getAsDouble()).isCloseTo(0.5, within(1e-12));
    }
}
