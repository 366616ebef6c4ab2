package dev.steward.core.feasibility;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NearestNeighboursTest {
    @Test
    void blockByBlockSearchFindsWhatABruteForceSearchFromScratchFinds() {
        Random random = new Random(7);
        int dims = 3;
        double[] reference = gaussian(random, 500 * dims);
        double[] queries = gaussian(random, 40 * dims);
        NearestNeighbours search = new NearestNeighbours(queries, dims);

        int[] ends = {1, 17, 64, 300, 500};
        int from = 0;
        for (int end : ends) {
            search.add(Arrays.copyOfRange(reference, from * dims, end * dims));
            from = end;
            assertThat(search.scanned()).isEqualTo(end);
            assertThat(search.nearest()).as("after %d rows", end).containsExactly(naive(reference, end, queries, dims));
        }
    }

    @Test
    void ofRowsAtTheSameDistanceTheFirstWinsAlsoAcrossBlocks() {
        // Query 0 is as far from rows 1 and 2; query 5 equals rows 0 and 3, which come in different blocks.
        NearestNeighbours search = new NearestNeighbours(new double[] {0, 5}, 1);
        search.add(new double[] {5, 1, -1});
        search.add(new double[] {5});

        assertThat(search.nearest()).containsExactly(1, 0);
    }

    @Test
    void aParallelScanGivesTheSameNeighboursAsASequentialOne() {
        Random random = new Random(11);
        int dims = 2;
        // Coordinates on a coarse grid, so that many distances tie.
        double[] reference = new double[20_000 * dims];
        double[] queries = new double[300 * dims];
        Arrays.setAll(reference, i -> random.nextInt(8));
        Arrays.setAll(queries, i -> random.nextInt(8));
        NearestNeighbours big = new NearestNeighbours(queries, dims);
        big.add(reference);

        assertThat(big.nearest()).containsExactly(naive(reference, 20_000, queries, dims));
    }

    @Test
    void errorsCountTheQueriesWhoseNeighbourHasAnotherLabel() {
        NearestNeighbours search = new NearestNeighbours(new double[] {0.1, 0.9, 2.2}, 1);
        search.add(new double[] {0, 1, 2});

        assertThat(search.errors(new int[] {0, 1, 1}, new int[] {0, 0, 1})).isEqualTo(1);
    }

    private static int[] naive(double[] reference, int rows, double[] queries, int dims) {
        int[] nearest = new int[queries.length / dims];
        for (int q = 0; q < nearest.length; q++) {
            double best = Double.POSITIVE_INFINITY;
            for (int r = 0; r < rows; r++) {
                double d = 0;
                for (int k = 0; k < dims; k++) {
                    d += Math.pow(reference[r * dims + k] - queries[q * dims + k], 2);
                }
                if (d < best) {
                    best = d;
                    nearest[q] = r;
                }
            }
        }
        return nearest;
    }

    private static double[] gaussian(Random random, int n) {
        double[] values = new double[n];
        Arrays.setAll(values, i -> random.nextGaussian());
        return values;
    }
}
