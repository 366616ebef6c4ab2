package dev.steward.core.feasibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PcaTest {
    /**
     * Rows (2, 1), (-2, -1), (1, 2), (-1, -2): mean 0, covariance [[10, 8], [8, 10]] / 3, whose
     * eigenvalues are 6 (direction (1, 1)/√2) and 2/3 (direction (1, -1)/√2). The scores are the
     * rows' dot products with the directions: ±3/√2 on the first, ±1/√2 on the second.
     */
    private static final double[] ROWS = {2, 1, -2, -1, 1, 2, -1, -2};

    @Test
    void componentsAreTheEigenvectorsOfTheCovarianceInOrderOfVariance() {
        Pca pca = Pca.fit(ROWS, 2, 2);
        double h = 1 / Math.sqrt(2);

        assertThat(pca.variance(0)).isEqualTo(6, within(1e-12));
        assertThat(pca.variance(1)).isEqualTo(2.0 / 3, within(1e-12));
        assertThat(pca.direction(0)).containsExactly(new double[] {h, h}, within(1e-12));
        // Signs: the largest coordinate (the first, of equal ones) is positive.
        assertThat(pca.direction(1)).containsExactly(new double[] {h, -h}, within(1e-12));
        assertThat(pca.apply(ROWS)).containsExactly(new double[] {3 * h, h, -3 * h, -h, 3 * h, -h, -3 * h, h}, within(1e-12));
        assertThat(pca.explainedVariance()).isEqualTo(1, within(1e-12));
    }

    @Test
    void oneComponentKeepsTheShareOfVarianceOfItsEigenvalue() {
        Pca pca = Pca.fit(ROWS, 2, 1);

        assertThat(pca.name()).isEqualTo("pca-1");
        assertThat(pca.dimensions()).isEqualTo(1);
        assertThat(pca.explainedVariance()).isEqualTo(6 / (20.0 / 3), within(1e-12));
        assertThat(pca.apply(new double[] {1, 1, 0, 0})).containsExactly(new double[] {Math.sqrt(2), 0}, within(1e-12));
    }

    @Test
    void rowsAreCentredOnTheFittedMean() {
        double[] shifted = ROWS.clone();
        for (int i = 0; i < shifted.length; i += 2) {
            shifted[i] += 10;
            shifted[i + 1] -= 4;
        }
        Pca pca = Pca.fit(shifted, 2, 2);

        assertThat(pca.apply(shifted)).containsExactly(Pca.fit(ROWS, 2, 2).apply(ROWS), within(1e-9));
    }

    @Test
    void aRandomProjectionIsTheSameForASeedAndKeepsDistancesRoughly() {
        Random random = new Random(3);
        int dims = 300;
        double[] rows = new double[2 * dims];
        Arrays.setAll(rows, i -> random.nextGaussian());
        RandomProjection projection = RandomProjection.of(dims, 200, 42);

        double[] projected = projection.apply(rows);
        assertThat(projected).containsExactly(RandomProjection.of(dims, 200, 42).apply(rows));
        assertThat(projected).isNotEqualTo(RandomProjection.of(dims, 200, 43).apply(rows));
        assertThat(projection.name()).isEqualTo("random-projection-200");
        // Johnson-Lindenstrauss: a squared distance kept within a few times sqrt(8/k) (= 0.2) of itself.
        double before = squaredDistance(rows, dims);
        double after = squaredDistance(projected, 200);
        assertThat(after / before).isBetween(0.6, 1.4);
    }

    private static double squaredDistance(double[] twoRows, int dims) {
        double sum = 0;
        for (int k = 0; k < dims; k++) {
            sum += Math.pow(twoRows[k] - twoRows[dims + k], 2);
        }
        return sum;
    }
}
