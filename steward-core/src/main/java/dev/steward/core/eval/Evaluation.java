package dev.steward.core.eval;

import dev.steward.core.eval.ClassificationMetrics.Average;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The standard metric set of a task, by the names runs log them under: what training logs for its
 * validation rows and what {@code steward evaluate} reports. Stateless.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /**
     * Metrics of class probabilities ({@code proba[row][class]}); the predicted class is the most
     * probable one (the first on ties). With two classes, class 1 is the positive one.
     */
    /** The name of every metric the standard set may hold (which ones a model gets depends on its task and classes). */
    public static final java.util.Set<String> METRICS = java.util.Set.of("accuracy", "balanced_accuracy", "precision_macro", "recall_macro",
            "f1_macro", "f1_weighted", "log_loss", "precision", "recall", "f1", "roc_auc", "average_precision", "brier", "rmse", "mse", "mae",
            "r2", "mape", "explained_variance");

    public static Map<String, Double> classification(int[] yTrue, double[][] proba, int classes) {
        int[] yPred = argmax(proba);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", ClassificationMetrics.accuracy(yTrue, yPred));
        m.put("balanced_accuracy", ClassificationMetrics.balancedAccuracy(yTrue, yPred, classes));
        m.put("precision_macro", ClassificationMetrics.precision(yTrue, yPred, classes, Average.MACRO));
        m.put("recall_macro", ClassificationMetrics.recall(yTrue, yPred, classes, Average.MACRO));
        m.put("f1_macro", ClassificationMetrics.f1(yTrue, yPred, classes, Average.MACRO));
        m.put("f1_weighted", ClassificationMetrics.f1(yTrue, yPred, classes, Average.WEIGHTED));
        m.put("log_loss", safely(() -> ClassificationMetrics.logLoss(yTrue, proba, classes)));
        if (classes == 2) {
            double[] positive = new double[proba.length];
            for (int i = 0; i < proba.length; i++) {
                positive[i] = proba[i][1];
            }
            m.put("precision", ClassificationMetrics.precision(yTrue, yPred, classes, Average.BINARY));
            m.put("recall", ClassificationMetrics.recall(yTrue, yPred, classes, Average.BINARY));
            m.put("f1", ClassificationMetrics.f1(yTrue, yPred, classes, Average.BINARY));
            m.put("roc_auc", safely(() -> ClassificationMetrics.rocAuc(yTrue, positive)));
            m.put("average_precision", safely(() -> ClassificationMetrics.averagePrecision(yTrue, positive)));
            m.put("brier", ClassificationMetrics.brier(yTrue, positive));
        } else {
            m.put("roc_auc", safely(() -> ClassificationMetrics.rocAucOvr(yTrue, proba, classes, Average.MACRO)));
        }
        return m;
    }

    public static Map<String, Double> regression(double[] yTrue, double[] yPred) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("rmse", RegressionMetrics.rmse(yTrue, yPred));
        m.put("mse", RegressionMetrics.mse(yTrue, yPred));
        m.put("mae", RegressionMetrics.mae(yTrue, yPred));
        m.put("r2", RegressionMetrics.r2(yTrue, yPred));
        m.put("mape", RegressionMetrics.mape(yTrue, yPred));
        m.put("explained_variance", RegressionMetrics.explainedVariance(yTrue, yPred));
        return m;
    }

    /** The loss a trainer's iterations are judged by: log loss, or mean squared error. */
    public static double loss(boolean classification, double[] yTrue, double[][] scores, int classes) {
        if (!classification) {
            double[] pred = new double[scores.length];
            for (int i = 0; i < scores.length; i++) {
                pred[i] = scores[i][0];
            }
            return RegressionMetrics.mse(yTrue, pred);
        }
        int[] labels = new int[yTrue.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (int) yTrue[i];
        }
        for (double[] row : scores) {
            for (double p : row) {
                if (!Double.isFinite(p)) {
                    return Double.NaN;
                }
            }
        }
        return ClassificationMetrics.logLoss(labels, scores, classes);
    }

    public static int[] argmax(double[][] proba) {
        int[] pred = new int[proba.length];
        for (int i = 0; i < proba.length; i++) {
            int best = 0;
            for (int k = 1; k < proba[i].length; k++) {
                if (proba[i][k] > proba[i][best]) {
                    best = k;
                }
            }
            pred[i] = best;
        }
        return pred;
    }

    /** AUC is undefined when the rows hold one class only: NaN then, as a logged metric. */
    private static double safely(java.util.function.DoubleSupplier metric) {
        try {
            return metric.getAsDouble();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
