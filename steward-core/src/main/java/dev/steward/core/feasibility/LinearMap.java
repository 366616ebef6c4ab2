package dev.steward.core.feasibility;

/** {@code y = (x - centre) W}: a centring and a {@code inputs × outputs} matrix, applied to row-major rows. */
final class LinearMap {
    private LinearMap() {}

    /** {@code weights[k]} is the k-th output direction, of {@code centre.length} values. */
    static double[] apply(double[] rows, double[] centre, double[][] weights) {
        int inputs = centre.length;
        int outputs = weights.length;
        int n = rows.length / inputs;
        double[] out = new double[n * outputs];
        double[] x = new double[inputs];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < inputs; j++) {
                x[j] = rows[i * inputs + j] - centre[j];
            }
            for (int k = 0; k < outputs; k++) {
                double[] w = weights[k];
                double sum = 0;
                for (int j = 0; j < inputs; j++) {
                    sum += x[j] * w[j];
                }
                out[i * outputs + k] = sum;
            }
        }
        return out;
    }
}
