package dev.steward.core.stats;

/** Sample moments. Stateless. */
public final class Moments {
    private Moments() {
    }

    /** The population standard deviation (divisor n, NumPy's {@code std} default), two-pass. */
    public static double populationStd(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("the standard deviation of an empty sample is undefined");
        }
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        double mean = sum / values.length;
        double squares = 0;
        for (double value : values) {
            double deviation = value - mean;
            squares += deviation * deviation;
        }
        return Math.sqrt(squares / values.length);
    }
}
