package dev.steward.core.feasibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningCurveTest {
    private static final int[] SIZES = {100, 200, 400, 800, 1600, 3200};

    @Test
    void errorsOnAStraightLineInLnNAreFittedExactly() {
        double[] errors = new double[SIZES.length];
        for (int i = 0; i < SIZES.length; i++) {
            errors[i] = 0.5 - 0.04 * Math.log(SIZES[i]);
        }
        LearningCurve curve = LearningCurve.fit(SIZES, errors);

        assertThat(curve.intercept()).isEqualTo(0.5, within(1e-12));
        assertThat(curve.slope()).isEqualTo(-0.04, within(1e-12));
        assertThat(curve.slopeError()).isEqualTo(0, within(1e-12));
        assertThat(curve.perDoubling()).isEqualTo(-0.04 * Math.log(2), within(1e-12));
        assertThat(curve.predict(6400)).isEqualTo(0.5 - 0.04 * Math.log(6400), within(1e-12));
        assertThat(curve.verdict()).isEqualTo(LearningCurve.Verdict.MORE_DATA_HELPS);
        // Clamped at 0 far out.
        assertThat(curve.predict(1e12)).isZero();
    }

    @Test
    void aFitMatchesOrdinaryLeastSquaresOnScatteredPoints() {
        // numpy.polyfit(np.log(sizes), errors, 1) = [-0.01772454, 0.33067214]
        double[] errors = {0.25, 0.24, 0.22, 0.21, 0.20, 0.19};
        LearningCurve curve = LearningCurve.fit(SIZES, errors);

        assertThat(curve.slope()).isEqualTo(-0.01772454, within(1e-8));
        assertThat(curve.intercept()).isEqualTo(0.33067214, within(1e-8));
    }

    @Test
    void extrapolationsStartFromTheLargestSizeAndARisingCurveCountsAsFlat() {
        // Rising points (a 1-NN error can, by chance): the fit says so, the extrapolation stays at the last error.
        LearningCurve rising = LearningCurve.fit(SIZES, new double[] {0.14, 0.20, 0.17, 0.30, 0.26, 0.27});

        assertThat(rising.slope()).isPositive();
        assertThat(rising.predict(32_000)).isEqualTo(0.27);
        assertThat(rising.verdict()).isEqualTo(LearningCurve.Verdict.FLAT);
        // A falling one: from the last point along the slope.
        LearningCurve falling = LearningCurve.fit(SIZES, new double[] {0.30, 0.28, 0.25, 0.24, 0.21, 0.20});
        assertThat(falling.predict(6_400)).isEqualTo(0.20 + falling.slope() * Math.log(2), within(1e-15));
    }

    @Test
    void aFlatCurveSaysMoreDataWillNotHelpAndANoisyOneThatItCannotTell() {
        assertThat(LearningCurve.fit(SIZES, new double[] {0.1, 0.1, 0.1, 0.1, 0.1, 0.1}).verdict()).isEqualTo(LearningCurve.Verdict.FLAT);
        assertThat(LearningCurve.fit(SIZES, new double[] {0.1, 0.102, 0.099, 0.1, 0.101, 0.1}).verdict()).isEqualTo(LearningCurve.Verdict.FLAT);
        assertThat(LearningCurve.fit(SIZES, new double[] {0.30, 0.10, 0.32, 0.05, 0.28, 0.12}).verdict())
                .isEqualTo(LearningCurve.Verdict.UNCLEAR);
        assertThat(LearningCurve.fit(new int[] {100}, new double[] {0.2}).verdict()).isEqualTo(LearningCurve.Verdict.UNCLEAR);
        assertThat(LearningCurve.fit(new int[] {100}, new double[] {0.2}).predict(1000)).isEqualTo(0.2);
        // An error already at 0 stays there.
        assertThat(LearningCurve.fit(SIZES, new double[6]).verdict()).isEqualTo(LearningCurve.Verdict.FLAT);
    }
}
