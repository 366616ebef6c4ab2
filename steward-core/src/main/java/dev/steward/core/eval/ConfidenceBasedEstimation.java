package dev.steward.core.eval;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.StewardException;

/**
 * A classifier's performance estimated without labels, from its calibrated probabilities
 * (confidence-based performance estimation, the idea of NannyML's CBPE): when the probabilities
 * are calibrated, a row predicted p is of true class t with probability P(t | row), so the
 * expected confusion matrix is E[p][t] = Σ over rows predicted p of their calibrated probability
 * of t, and the expected metrics follow from it. It holds under covariate shift (the inputs move,
 * P(label | input) does not) and fails under concept drift, which only labels reveal.
 *
 * <p>The matrix is a sum over rows, so windows build it incrementally ({@link #add}) and parts
 * merge by adding matrices. Classes are numbered 0 … k − 1 (as {@link ProbabilityCalibration#classes()}).
 * Stateless.
 */
public final class ConfidenceBasedEstimation {
    private ConfidenceBasedEstimation() {
    }

    /** A k × k matrix of zeros to {@link #add} rows to. */
    public static double[][] emptyConfusion(int classes) {
        if (classes < 2) {
            throw StewardException.invalid("classes", "a confusion matrix needs at least two classes, not " + classes);
        }
        return new double[classes][classes];
    }

    /**
     * Adds one row to {@code expectedConfusion}: the model predicted class {@code predicted},
     * and {@code calibrated} are its calibrated probabilities (one per class).
     */
    public static void add(double[][] expectedConfusion, int predicted, double[] calibrated) {
        requireNonNull(expectedConfusion, "expectedConfusion is null");
        requireNonNull(calibrated, "calibrated is null");
        int k = expectedConfusion.length;
        if (predicted < 0 || predicted >= k) {
            throw StewardException.invalid("predicted", "predicted class " + predicted + " is not one of the " + k + " classes 0.." + (k - 1));
        }
        if (calibrated.length != k) {
            throw StewardException.invalid("probabilities", "a row needs " + k + " probabilities, one per class, not " + calibrated.length);
        }
        double[] row = expectedConfusion[predicted];
        for (int t = 0; t < k; t++) {
            double p = calibrated[t];
            if (!(p >= -ProbabilityCalibration.TOLERANCE && p <= 1 + ProbabilityCalibration.TOLERANCE)) {
                throw StewardException.invalid("probabilities", "probabilities lie in [0, 1], not " + p);
            }
            row[t] += Math.min(1.0, Math.max(0.0, p));
        }
    }

    /** The expected confusion matrix E[predicted][true] of rows already calibrated. */
    public static double[][] expectedConfusion(int[] predicted, double[][] calibrated) {
        requireNonNull(predicted, "predicted is null");
        requireNonNull(calibrated, "calibrated is null");
        if (predicted.length != calibrated.length || predicted.length == 0) {
            throw StewardException.invalid("probabilities", "one row of probabilities per prediction is needed: " + predicted.length
                    + " predictions, " + calibrated.length + " rows");
        }
        double[][] matrix = emptyConfusion(calibrated[0].length);
        for (int i = 0; i < predicted.length; i++) {
            add(matrix, predicted[i], calibrated[i]);
        }
        return matrix;
    }

    /**
     * The expected confusion matrix of rows with the model's raw probabilities: each row is
     * calibrated with {@code calibration} first.
     */
    public static double[][] expectedConfusion(ProbabilityCalibration calibration, int[] predicted, double[][] probabilities) {
        requireNonNull(calibration, "calibration is null");
        requireNonNull(probabilities, "probabilities is null");
        double[][] calibrated = new double[probabilities.length][];
        for (int i = 0; i < probabilities.length; i++) {
            calibrated[i] = calibration.calibrate(probabilities[i]);
        }
        return expectedConfusion(predicted, calibrated);
    }

    /** Σ<sub>c</sub> E[c][c] / Σ E: the expected share of correct predictions. */
    public static double expectedAccuracy(double[][] expectedConfusion) {
        double total = total(expectedConfusion);
        double correct = 0;
        for (int c = 0; c < expectedConfusion.length; c++) {
            correct += expectedConfusion[c][c];
        }
        return correct / total;
    }

    /**
     * The unweighted mean over classes of 2·TP / (2·TP + FP + FN), with TP = E[c][c], FP the rest
     * of row c (predicted c, truly another) and FN the rest of column c; a class with no expected
     * mass in its row or column (never predicted and never likely) is left out of the mean, so
     * the estimate compares with scikit-learn's macro F1 over the labels present.
     */
    public static double expectedMacroF1(double[][] expectedConfusion) {
        total(expectedConfusion);
        int k = expectedConfusion.length;
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < k; c++) {
            double tp = expectedConfusion[c][c];
            double fp = 0;
            double fn = 0;
            for (int o = 0; o < k; o++) {
                if (o != c) {
                    fp += expectedConfusion[c][o];
                    fn += expectedConfusion[o][c];
                }
            }
            double denominator = 2 * tp + fp + fn;
            if (denominator > 0) {
                sum += 2 * tp / denominator;
                counted++;
            }
        }
        return sum / counted;
    }

    private static double total(double[][] matrix) {
        requireNonNull(matrix, "expectedConfusion is null");
        int k = matrix.length;
        if (k < 2) {
            throw StewardException.invalid("expected_confusion", "a confusion matrix needs at least two classes, not " + k);
        }
        double total = 0;
        for (double[] row : matrix) {
            if (row == null || row.length != k) {
                throw StewardException.invalid("expected_confusion", "a confusion matrix is square: " + k + " rows of " + k + " values");
            }
            for (double v : row) {
                if (!(v >= 0) || Double.isInfinite(v)) {
                    throw StewardException.invalid("expected_confusion", "expected counts are finite and non-negative, not " + v);
                }
                total += v;
            }
        }
        if (total == 0) {
            throw StewardException.invalid("expected_confusion", "the expected confusion matrix is empty: no rows were added");
        }
        return total;
    }
}
