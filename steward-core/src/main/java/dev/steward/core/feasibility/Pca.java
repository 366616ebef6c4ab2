package dev.steward.core.feasibility;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.EigenDecompositionSymmetric;

/**
 * Principal component analysis: the rows centred on their mean and projected on the eigenvectors
 * of their covariance matrix with the largest eigenvalues (Hipparchus' symmetric eigensolver).
 * Fitted on at most {@value #FIT_ROWS} rows (the first ones: a study's training rows are already
 * in random order), which bounds the cost at {@code FIT_ROWS · d²} for {@code d} inputs. Each
 * direction's sign is chosen so that its largest coordinate (the first of equal ones) is positive, which makes the
 * projection deterministic. Immutable.
 */
final class Pca implements Transform {
    static final int FIT_ROWS = 5_000;

    private final double[] mean;
    private final double[][] directions;
    private final double[] variances;
    private final double totalVariance;

    private Pca(double[] mean, double[][] directions, double[] variances, double totalVariance) {
        this.mean = mean;
        this.directions = directions;
        this.variances = variances;
        this.totalVariance = totalVariance;
    }

    static Pca fit(double[] rows, int dims, int components) {
        int n = Math.min(rows.length / dims, FIT_ROWS);
        if (components < 1 || components > dims || n < 2) {
            throw new IllegalArgumentException("PCA of " + components + " components needs at least as many inputs (" + dims
                    + ") and two rows (" + n + ")");
        }
        double[] mean = new double[dims];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dims; j++) {
                mean[j] += rows[i * dims + j];
            }
        }
        for (int j = 0; j < dims; j++) {
            mean[j] /= n;
        }
        double[][] covariance = new double[dims][dims];
        double[] x = new double[dims];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dims; j++) {
                x[j] = rows[i * dims + j] - mean[j];
            }
            for (int a = 0; a < dims; a++) {
                double xa = x[a];
                if (xa != 0) {
                    double[] line = covariance[a];
                    for (int b = a; b < dims; b++) {
                        line[b] += xa * x[b];
                    }
                }
            }
        }
        double total = 0;
        for (int a = 0; a < dims; a++) {
            for (int b = a; b < dims; b++) {
                covariance[a][b] /= n - 1;
                covariance[b][a] = covariance[a][b];
            }
            total += covariance[a][a];
        }
        EigenDecompositionSymmetric eigen = new EigenDecompositionSymmetric(new Array2DRowRealMatrix(covariance, false));
        double[] values = eigen.getEigenvalues();
        Integer[] order = IntStream.range(0, dims).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -values[i]).thenComparingInt(i -> i));
        double[][] directions = new double[components][];
        double[] variances = new double[components];
        for (int k = 0; k < components; k++) {
            double[] v = eigen.getEigenvector(order[k]).toArray();
            double max = Arrays.stream(v).map(Math::abs).max().orElse(0);
            // Coordinates equal but for rounding count as equal, the first of them deciding the sign.
            int largest = IntStream.range(0, dims).filter(j -> Math.abs(v[j]) >= max * (1 - 1e-9)).findFirst().orElse(0);
            if (v[largest] < 0) {
                for (int j = 0; j < dims; j++) {
                    v[j] = -v[j];
                }
            }
            directions[k] = v;
            variances[k] = Math.max(0, values[order[k]]);
        }
        return new Pca(mean, directions, variances, total);
    }

    @Override
    public String name() {
        return "pca-" + directions.length;
    }

    @Override
    public String kind() {
        return "pca";
    }

    @Override
    public int inputs() {
        return mean.length;
    }

    @Override
    public int dimensions() {
        return directions.length;
    }

    /** The k-th principal direction (unit length). */
    double[] direction(int k) {
        return directions[k].clone();
    }

    /** The variance of the fitted rows along the k-th direction: the k-th largest eigenvalue of their covariance. */
    double variance(int k) {
        return variances[k];
    }

    /** The share of the fitted rows' total variance that the components keep. */
    double explainedVariance() {
        return totalVariance == 0 ? 1 : Math.min(1, Arrays.stream(variances).sum() / totalVariance);
    }

    @Override
    public double[] apply(double[] rows) {
        return LinearMap.apply(rows, mean, directions);
    }
}
