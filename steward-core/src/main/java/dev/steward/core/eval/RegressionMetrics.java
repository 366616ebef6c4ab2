package dev.steward.core.eval;

/**
 * Regression metrics defined as scikit-learn 1.2 defines them, including its conventions for a
 * constant truth (R² and explained variance are 1 for a perfect prediction, else 0) and for a
 * single row (R² is NaN). Stateless.
 */
public final class RegressionMetrics {
    private static final double EPS = Math.ulp(1.0);

    private RegressionMetrics() {
    }

    public static double mse(double[] yTrue, double[] yPred) {
        ClassificationMetrics.checkSameLength(yTrue.length, yPred.length);
        double sum = 0;
        for (int i = 0; i < yTrue.length; i++) {
            double diff = yTrue[i] - yPred[i];
            sum += diff * diff;
        }
        return sum / yTrue.length;
    }

    public static double rmse(double[] yTrue, double[] yPred) {
        return Math.sqrt(mse(yTrue, yPred));
    }

    public static double mae(double[] yTrue, double[] yPred) {
        ClassificationMetrics.checkSameLength(yTrue.length, yPred.length);
        double sum = 0;
        for (int i = 0; i < yTrue.length; i++) {
            sum += Math.abs(yTrue[i] - yPred[i]);
        }
        return sum / yTrue.length;
    }

    /** Mean of |ŷ − y| / max(|y|, ε): a fraction, not a percentage; huge when the truth is 0. */
    public static double mape(double[] yTrue, double[] yPred) {
        ClassificationMetrics.checkSameLength(yTrue.length, yPred.length);
        double sum = 0;
        for (int i = 0; i < yTrue.length; i++) {
            sum += Math.abs(yPred[i] - yTrue[i]) / Math.max(Math.abs(yTrue[i]), EPS);
        }
        return sum / yTrue.length;
    }

    public static double r2(double[] yTrue, double[] yPred) {
        ClassificationMetrics.checkSameLength(yTrue.length, yPred.length);
        if (yTrue.length < 2) {
            return Double.NaN;
        }
        double mean = mean(yTrue);
        double numerator = 0;
        double denominator = 0;
        for (int i = 0; i < yTrue.length; i++) {
            numerator += (yTrue[i] - yPred[i]) * (yTrue[i] - yPred[i]);
            denominator += (yTrue[i] - mean) * (yTrue[i] - mean);
        }
        return assemble(numerator, denominator);
    }

    public static double explainedVariance(double[] yTrue, double[] yPred) {
        ClassificationMetrics.checkSameLength(yTrue.length, yPred.length);
        int n = yTrue.length;
        double[] diff = new double[n];
        for (int i = 0; i < n; i++) {
            diff[i] = yTrue[i] - yPred[i];
        }
        double diffMean = mean(diff);
        double trueMean = mean(yTrue);
        double numerator = 0;
        double denominator = 0;
        for (int i = 0; i < n; i++) {
            numerator += (diff[i] - diffMean) * (diff[i] - diffMean);
            denominator += (yTrue[i] - trueMean) * (yTrue[i] - trueMean);
        }
        return assemble(numerator / n, denominator / n);
    }

    private static double assemble(double numerator, double denominator) {
        if (denominator == 0) {
            return numerator == 0 ? 1.0 : 0.0;
        }
        return 1 - numerator / denominator;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
