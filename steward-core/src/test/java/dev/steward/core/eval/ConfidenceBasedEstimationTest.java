package dev.steward.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.steward.spi.StewardException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Confidence-based performance estimation: its metrics on known matrices, and a seeded simulation
 * of covariate shift in which the estimate, without labels, tracks the realised accuracy.
 */
class ConfidenceBasedEstimationTest {
    @Test
    void withCertainProbabilitiesTheEstimatesAreTheRealisedMetrics() {
        int[] truth = {0, 0, 1, 2, 2, 2, 1, 0, 2, 1, 1, 0};
        int[] predicted = {0, 1, 1, 2, 0, 2, 1, 0, 2, 2, 1, 0};
        double[][] certain = new double[truth.length][3];
        for (int i = 0; i < truth.length; i++) {
            certain[i][truth[i]] = 1.0;
        }
        double[][] expected = ConfidenceBasedEstimation.expectedConfusion(predicted, certain);
        assertThat(expected[1][0]).as("predicted 1, truly 0").isEqualTo(1.0);
        assertThat(ConfidenceBasedEstimation.expectedAccuracy(expected)).isEqualTo(ClassificationMetrics.accuracy(truth, predicted));
        assertThat(ConfidenceBasedEstimation.expectedMacroF1(expected))
                .isCloseTo(ClassificationMetrics.f1(truth, predicted, 3, ClassificationMetrics.Average.MACRO), within(1e-15));
    }

    @Test
    void theMatrixAddsUpRowByRowAndByParts() {
        double[][] whole = ConfidenceBasedEstimation.emptyConfusion(2);
        double[][] first = ConfidenceBasedEstimation.emptyConfusion(2);
        double[][] second = ConfidenceBasedEstimation.emptyConfusion(2);
        double[][] rows = {{0.9, 0.1}, {0.3, 0.7}, {0.6, 0.4}, {0.2, 0.8}};
        int[] predicted = {0, 1, 0, 1};
        for (int i = 0; i < rows.length; i++) {
            ConfidenceBasedEstimation.add(whole, predicted[i], rows[i]);
            ConfidenceBasedEstimation.add(i < 2 ? first : second, predicted[i], rows[i]);
        }
        assertThat(whole).isDeepEqualTo(ConfidenceBasedEstimation.expectedConfusion(predicted, rows));
        for (int p = 0; p < 2; p++) {
            for (int t = 0; t < 2; t++) {
                assertThat(first[p][t] + second[p][t]).isCloseTo(whole[p][t], within(1e-15));
            }
        }
        // (0.9 + 0.6 + 0.7 + 0.8) / 4
        assertThat(ConfidenceBasedEstimation.expectedAccuracy(whole)).isCloseTo(0.75, within(1e-15));
        // class 0: TP 1.5, FP 0.5, FN 0.5; class 1: TP 1.5, FP 0.5, FN 0.5
        assertThat(ConfidenceBasedEstimation.expectedMacroF1(whole)).isCloseTo(0.75, within(1e-15));
    }

    /**
     * Two features x ~ N(μ, I); the true P(y = 1 | x) = σ(2x₁ − x₂); the model says σ(1.8 s + 0.3)
     * with s = 2x₁ − x₂ (over-confident and biased, so calibration matters) and predicts the class
     * its probability favours. The reference (μ = (1, 0), 20,000 rows) calibrates the model; then
     * 60 windows of 2,000 rows first move μ away from the decision boundary, then towards and past
     * it (x₁ from 2 to −0.25, x₂ wandering) while the spread shrinks from 1 to 0.5, so accuracy
     * falls from above 0.9 to below 0.7. P(y | x) never changes (covariate shift), so the calibrated
     * estimate stays unbiased; the raw probabilities' estimate does not.
     */
    @Test
    void underCovariateShiftTheEstimatedAccuracyTracksTheRealisedOne() {
        SplittableRandom random = new SplittableRandom(20260512);
        List<String> classes = List.of("0", "1");
        int referenceRows = 20_000;
        double[][] referenceProbabilities = new double[referenceRows][];
        String[] referenceTruth = new String[referenceRows];
        for (int i = 0; i < referenceRows; i++) {
            double[] x = {1 + random.nextGaussian(), random.nextGaussian()};
            referenceProbabilities[i] = model(x);
            referenceTruth[i] = random.nextDouble() < truth(x) ? "1" : "0";
        }
        ProbabilityCalibration calibration = ProbabilityCalibration.fit(classes, referenceProbabilities, referenceTruth);

        int windows = 60;
        int rows = 2_000;
        double calibratedError = 0;
        double rawError = 0;
        double lowest = 1;
        double highest = 0;
        for (int w = 0; w < windows; w++) {
            double progress = (double) w / (windows - 1);
            double[] mean = {2 - 2.25 * progress, 0.5 * Math.sin(w / 5.0)};
            double spread = 1 - 0.5 * progress;
            double[][] calibratedConfusion = ConfidenceBasedEstimation.emptyConfusion(2);
            double[][] rawConfusion = ConfidenceBasedEstimation.emptyConfusion(2);
            int correct = 0;
            for (int i = 0; i < rows; i++) {
                double[] x = {mean[0] + spread * random.nextGaussian(), mean[1] + spread * random.nextGaussian()};
                double[] p = model(x);
                int predicted = p[1] >= 0.5 ? 1 : 0;
                int label = random.nextDouble() < truth(x) ? 1 : 0;
                if (label == predicted) {
                    correct++;
                }
                ConfidenceBasedEstimation.add(calibratedConfusion, predicted, calibration.calibrate(p));
                ConfidenceBasedEstimation.add(rawConfusion, predicted, p);
            }
            double realised = (double) correct / rows;
            lowest = Math.min(lowest, realised);
            highest = Math.max(highest, realised);
            calibratedError += Math.abs(ConfidenceBasedEstimation.expectedAccuracy(calibratedConfusion) - realised);
            rawError += Math.abs(ConfidenceBasedEstimation.expectedAccuracy(rawConfusion) - realised);
        }
        double mae = calibratedError / windows;
        double rawMae = rawError / windows;
        String figures = String.format("over %d windows of %d rows, realised accuracy %.3f to %.3f: mean absolute error %.4f calibrated, %.4f raw",
                windows, rows, lowest, highest, mae, rawMae);
        assertThat(highest - lowest).as(figures + " (the shift must move accuracy)").isGreaterThan(0.1);
        assertThat(mae).as(figures).isLessThan(0.02);
        assertThat(rawMae).as(figures).isGreaterThan(2 * mae);
    }

    @Test
    void badInputNamesTheArgument() {
        double[][] matrix = ConfidenceBasedEstimation.emptyConfusion(2);
        assertThatThrownBy(() -> ConfidenceBasedEstimation.expectedAccuracy(matrix)).isInstanceOf(StewardException.class)
                .satisfies(ProbabilityCalibrationTest.field("expected_confusion")).hasMessageContaining("no rows");
        assertThatThrownBy(() -> ConfidenceBasedEstimation.add(matrix, 2, new double[] {0.5, 0.5})).isInstanceOf(StewardException.class)
                .satisfies(ProbabilityCalibrationTest.field("predicted"));
        assertThatThrownBy(() -> ConfidenceBasedEstimation.add(matrix, 0, new double[] {0.5})).isInstanceOf(StewardException.class)
                .satisfies(ProbabilityCalibrationTest.field("probabilities"));
        assertThatThrownBy(() -> ConfidenceBasedEstimation.add(matrix, 0, new double[] {-0.5, 1})).isInstanceOf(StewardException.class)
                .hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> ConfidenceBasedEstimation.expectedMacroF1(new double[][] {{1, 2}, {3}})).isInstanceOf(StewardException.class)
                .hasMessageContaining("square");
        assertThatThrownBy(() -> ConfidenceBasedEstimation.emptyConfusion(1)).isInstanceOf(StewardException.class);
        assertThatThrownBy(() -> ConfidenceBasedEstimation.expectedConfusion(new int[] {0}, new double[0][])).isInstanceOf(StewardException.class);
    }

    private static double truth(double[] x) {
        return sigmoid(2 * x[0] - x[1]);
    }

    private static double[] model(double[] x) {
        double p = sigmoid(1.8 * (2 * x[0] - x[1]) + 0.3);
        return new double[] {1 - p, p};
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
