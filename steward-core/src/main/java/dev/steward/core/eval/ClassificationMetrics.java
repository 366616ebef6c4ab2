package dev.steward.core.eval;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.StewardException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Classification metrics defined as scikit-learn 1.2 defines them, for classes encoded 0..k-1
 * (class 1 is the positive class of binary metrics). Undefined ratios count as 0 (scikit-learn's
 * {@code zero_division=0}); inputs for which scikit-learn raises an error raise an
 * {@code INVALID_PARAMETER_VALUE} with a message saying why. Stateless.
 */
public final class ClassificationMetrics {
    /** How per-class precision, recall and F1 are combined. */
    public enum Average {
        /** The positive class (1) of a binary problem. */
        BINARY,
        /** From the counts summed over classes. */
        MICRO,
        /** The unweighted mean over classes. */
        MACRO,
        /** The mean over classes weighted by their number of true instances. */
        WEIGHTED
    }

    private ClassificationMetrics() {
    }

    /** counts[true][predicted]. */
    public static long[][] confusionMatrix(int[] yTrue, int[] yPred, int classes) {
        checkLabels(yTrue, yPred, classes);
        long[][] matrix = new long[classes][classes];
        for (int i = 0; i < yTrue.length; i++) {
            matrix[yTrue[i]][yPred[i]]++;
        }
        return matrix;
    }

    public static double accuracy(int[] yTrue, int[] yPred) {
        checkSameLength(yTrue.length, yPred.length);
        long correct = IntStream.range(0, yTrue.length).filter(i -> yTrue[i] == yPred[i]).count();
        return (double) correct / yTrue.length;
    }

    /** The mean recall over the classes present in {@code yTrue}. */
    public static double balancedAccuracy(int[] yTrue, int[] yPred, int classes) {
        long[][] matrix = confusionMatrix(yTrue, yPred, classes);
        double sum = 0;
        int present = 0;
        for (int c = 0; c < classes; c++) {
            long support = Arrays.stream(matrix[c]).sum();
            if (support > 0) {
                sum += (double) matrix[c][c] / support;
                present++;
            }
        }
        return sum / present;
    }

    public static double precision(int[] yTrue, int[] yPred, int classes, Average average) {
        return score(yTrue, yPred, classes, average, Kind.PRECISION);
    }

    public static double recall(int[] yTrue, int[] yPred, int classes, Average average) {
        return score(yTrue, yPred, classes, average, Kind.RECALL);
    }

    public static double f1(int[] yTrue, int[] yPred, int classes, Average average) {
        return score(yTrue, yPred, classes, average, Kind.F1);
    }

    private enum Kind { PRECISION, RECALL, F1 }

    private static double score(int[] yTrue, int[] yPred, int classes, Average average, Kind kind) {
        requireNonNull(average, "average is null");
        long[][] matrix = confusionMatrix(yTrue, yPred, classes);
        long[] tp = new long[classes];
        long[] predicted = new long[classes];
        long[] actual = new long[classes];
        for (int t = 0; t < classes; t++) {
            for (int p = 0; p < classes; p++) {
                actual[t] += matrix[t][p];
                predicted[p] += matrix[t][p];
            }
            tp[t] = matrix[t][t];
        }
        switch (average) {
            case BINARY -> {
                if (classes != 2) {
                    throw StewardException.invalid("average", "average 'binary' needs two classes, not " + classes
                            + "; use micro, macro or weighted");
                }
                return kind(kind, tp[1], predicted[1], actual[1]);
            }
            case MICRO -> {
                return kind(kind, Arrays.stream(tp).sum(), Arrays.stream(predicted).sum(), Arrays.stream(actual).sum());
            }
            default -> {
                double sum = 0;
                double weights = 0;
                for (int c = 0; c < classes; c++) {
                    double weight = average == Average.MACRO ? 1.0 : actual[c];
                    sum += weight * kind(kind, tp[c], predicted[c], actual[c]);
                    weights += weight;
                }
                return weights == 0 ? 0.0 : sum / weights;
            }
        }
    }

    private static double kind(Kind kind, long tp, long predicted, long actual) {
        double precision = predicted == 0 ? 0.0 : (double) tp / predicted;
        double recall = actual == 0 ? 0.0 : (double) tp / actual;
        return switch (kind) {
            case PRECISION -> precision;
            case RECALL -> recall;
            case F1 -> precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall);
        };
    }

    /** Area under the ROC curve of a binary problem; {@code score} is the positive class's score. */
    public static double rocAuc(int[] yTrue, double[] score) {
        Curve curve = Curve.of(yTrue, score);
        if (curve.positives == 0 || curve.negatives == 0) {
            throw StewardException.invalid("y_true", "only one class is present in the true labels: ROC AUC is not defined in that case");
        }
        double area = 0;
        double previousFpr = 0;
        double previousTpr = 0;
        for (int i = 0; i < curve.size; i++) {
            double fpr = (double) curve.fps[i] / curve.negatives;
            double tpr = (double) curve.tps[i] / curve.positives;
            area += (fpr - previousFpr) * (tpr + previousTpr) / 2;
            previousFpr = fpr;
            previousTpr = tpr;
        }
        return area;
    }

    /**
     * One-vs-rest ROC AUC of a multiclass problem: each class against the rest on its column of
     * {@code proba}, averaged unweighted ({@link Average#MACRO}) or by prevalence ({@link Average#WEIGHTED}).
     */
    public static double rocAucOvr(int[] yTrue, double[][] proba, int classes, Average average) {
        checkProba(yTrue, proba, classes);
        if (average != Average.MACRO && average != Average.WEIGHTED) {
            throw StewardException.invalid("average", "one-vs-rest ROC AUC averages 'macro' or 'weighted'");
        }
        double sum = 0;
        double weights = 0;
        for (int c = 0; c < classes; c++) {
            int cls = c;
            int[] binary = Arrays.stream(yTrue).map(y -> y == cls ? 1 : 0).toArray();
            double[] column = Arrays.stream(proba).mapToDouble(row -> row[cls]).toArray();
            double weight = average == Average.MACRO ? 1.0 : Arrays.stream(binary).sum();
            sum += weight * rocAuc(binary, column);
            weights += weight;
        }
        return sum / weights;
    }

    /** Average precision: Σ (R_n − R_{n−1}) P_n over the thresholds, as scikit-learn. */
    public static double averagePrecision(int[] yTrue, double[] score) {
        Curve curve = Curve.of(yTrue, score);
        requirePositives(curve);
        double ap = 0;
        double previousRecall = 0;
        for (int i = 0; i < curve.size; i++) {
            double recall = (double) curve.tps[i] / curve.positives;
            double precision = (double) curve.tps[i] / (curve.tps[i] + curve.fps[i]);
            ap += (recall - previousRecall) * precision;
            previousRecall = recall;
            if (curve.tps[i] == curve.positives) {
                break;
            }
        }
        return ap;
    }

    /** Area under the precision–recall curve by the trapezoidal rule (scikit-learn's {@code auc(recall, precision)}). */
    public static double prAuc(int[] yTrue, double[] score) {
        Curve curve = Curve.of(yTrue, score);
        requirePositives(curve);
        double area = 0;
        double previousRecall = 0;
        double previousPrecision = 1;
        for (int i = 0; i < curve.size; i++) {
            double recall = (double) curve.tps[i] / curve.positives;
            double precision = (double) curve.tps[i] / (curve.tps[i] + curve.fps[i]);
            area += (recall - previousRecall) * (precision + previousPrecision) / 2;
            previousRecall = recall;
            previousPrecision = precision;
            if (curve.tps[i] == curve.positives) {
                break;
            }
        }
        return area;
    }

    /** Mean negative log-likelihood; probabilities are clipped to [ε, 1−ε] and each row renormalised. */
    public static double logLoss(int[] yTrue, double[][] proba, int classes) {
        checkProba(yTrue, proba, classes);
        double eps = Math.ulp(1.0);
        double sum = 0;
        for (int i = 0; i < yTrue.length; i++) {
            double rowSum = 0;
            for (double p : proba[i]) {
                rowSum += clip(p, eps);
            }
            sum += -Math.log(clip(proba[i][yTrue[i]], eps) / rowSum);
        }
        return sum / yTrue.length;
    }

    /** Mean squared difference between the positive class's probability and the 0/1 truth. */
    public static double brier(int[] yTrue, double[] score) {
        checkSameLength(yTrue.length, score.length);
        double sum = 0;
        for (int i = 0; i < yTrue.length; i++) {
            double diff = yTrue[i] - score[i];
            sum += diff * diff;
        }
        return sum / yTrue.length;
    }

    /**
     * Reliability diagram over {@code bins} equal-width bins of the positive class's probability:
     * per non-empty bin, the fraction of positives and the mean predicted probability.
     */
    public static Calibration calibration(int[] yTrue, double[] score, int bins) {
        checkSameLength(yTrue.length, score.length);
        double[] edges = new double[bins - 1];
        for (int i = 1; i < bins; i++) {
            edges[i - 1] = i * (1.0 / bins);
        }
        double[] sums = new double[bins];
        double[] trues = new double[bins];
        long[] totals = new long[bins];
        for (int i = 0; i < score.length; i++) {
            if (score[i] < 0 || score[i] > 1) {
                throw StewardException.invalid("proba", "probabilities must lie in [0, 1], not " + score[i]);
            }
            int bin = 0;
            while (bin < edges.length && edges[bin] < score[i]) {
                bin++;
            }
            sums[bin] += score[i];
            trues[bin] += yTrue[i];
            totals[bin]++;
        }
        int nonEmpty = (int) Arrays.stream(totals).filter(t -> t > 0).count();
        double[] fraction = new double[nonEmpty];
        double[] mean = new double[nonEmpty];
        int j = 0;
        for (int b = 0; b < bins; b++) {
            if (totals[b] > 0) {
                fraction[j] = trues[b] / totals[b];
                mean[j] = sums[b] / totals[b];
                j++;
            }
        }
        return new Calibration(fraction, mean);
    }

    /** Per non-empty bin: the fraction of positives and the mean predicted probability. */
    public record Calibration(double[] fractionPositive, double[] meanPredicted) {
    }

    private static double clip(double p, double eps) {
        return Math.max(eps, Math.min(1 - eps, p));
    }

    private static void requirePositives(Curve curve) {
        if (curve.positives == 0) {
            throw StewardException.invalid("y_true", "there are no positive labels: precision-recall metrics are not defined");
        }
    }

    private static void checkProba(int[] yTrue, double[][] proba, int classes) {
        checkSameLength(yTrue.length, proba.length);
        for (double[] row : proba) {
            if (row.length != classes) {
                throw StewardException.invalid("proba", "each row of probabilities needs " + classes + " columns, one per class");
            }
        }
        for (int y : yTrue) {
            if (y < 0 || y >= classes) {
                throw StewardException.invalid("y_true", "label " + y + " is not one of the " + classes + " classes 0.." + (classes - 1));
            }
        }
    }

    private static void checkLabels(int[] yTrue, int[] yPred, int classes) {
        checkSameLength(yTrue.length, yPred.length);
        if (classes < 1) {
            throw StewardException.invalid("classes", "there must be at least one class");
        }
        for (int i = 0; i < yTrue.length; i++) {
            if (yTrue[i] < 0 || yTrue[i] >= classes || yPred[i] < 0 || yPred[i] >= classes) {
                throw StewardException.invalid("y_true", "labels must be class numbers 0.." + (classes - 1) + "; row " + i + " has "
                        + yTrue[i] + " and " + yPred[i]);
            }
        }
    }

    static void checkSameLength(int a, int b) {
        if (a != b) {
            throw StewardException.invalid("y_pred", "there are " + a + " true values but " + b + " predictions");
        }
        if (a == 0) {
            throw StewardException.invalid("y_true", "there is nothing to evaluate: no rows");
        }
    }

    /** Cumulative true and false positives at each distinct score, highest score first. */
    private static final class Curve {
        final long[] tps;
        final long[] fps;
        final int size;
        final long positives;
        final long negatives;

        private Curve(long[] tps, long[] fps, int size, long positives, long negatives) {
            this.tps = tps;
            this.fps = fps;
            this.size = size;
            this.positives = positives;
            this.negatives = negatives;
        }

        static Curve of(int[] yTrue, double[] score) {
            checkSameLength(yTrue.length, score.length);
            int n = yTrue.length;
            Integer[] order = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble((Integer i) -> score[i]).reversed())
                    .toArray(Integer[]::new);
            long[] tps = new long[n];
            long[] fps = new long[n];
            int size = 0;
            long tp = 0;
            long fp = 0;
            for (int k = 0; k < n; k++) {
                int i = order[k];
                if (yTrue[i] != 0 && yTrue[i] != 1) {
                    throw StewardException.invalid("y_true", "binary labels must be 0 or 1, not " + yTrue[i]);
                }
                if (Double.isNaN(score[i])) {
                    throw StewardException.invalid("score", "scores cannot be NaN (row " + i + ")");
                }
                tp += yTrue[i];
                fp += 1 - yTrue[i];
                if (k == n - 1 || score[order[k + 1]] != score[i]) {
                    tps[size] = tp;
                    fps[size] = fp;
                    size++;
                }
            }
            return new Curve(tps, fps, size, tp, fp);
        }
    }
}
