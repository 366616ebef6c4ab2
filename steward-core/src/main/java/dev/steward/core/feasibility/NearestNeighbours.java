package dev.steward.core.feasibility;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Exact 1-nearest-neighbour search by brute force (Euclidean distance) for a fixed set of query
 * rows among reference rows handed over block by block ({@link #add}): after each block, every
 * query's neighbour is the nearest among all reference rows so far, as if searched from scratch.
 * Successive halving and the learning curve need exactly that, errors at growing training sizes
 * for the price of one scan, and no block has to be kept once scanned.
 *
 * <p>Rows are row-major in one {@code double[]}. A distance is abandoned as soon as its partial
 * sum reaches the best so far. Of reference rows at the same distance the first one wins, so the
 * answer does not depend on how the work is split: large blocks are scanned in parallel over the
 * query rows, each query writing only its own slots. Not thread-safe.
 */
final class NearestNeighbours {
    /** Below this many coordinate differences a block is scanned on the calling thread. */
    private static final long PARALLEL_WORK = 4_000_000;

    private final double[] queries;
    private final int queryRows;
    private final int dims;
    private final double[] best;
    private final int[] nearest;
    private int scanned;

    NearestNeighbours(double[] queries, int dims) {
        if (dims < 1 || queries.length % dims != 0) {
            throw new IllegalArgumentException("rows of " + dims + " values expected, got " + queries.length + " values");
        }
        this.queries = queries;
        this.queryRows = queries.length / dims;
        this.dims = dims;
        this.best = new double[queryRows];
        this.nearest = new int[queryRows];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        Arrays.fill(nearest, -1);
    }

    int queryRows() {
        return queryRows;
    }

    /** How many reference rows the neighbours were chosen among: the next block's first row is numbered so. */
    int scanned() {
        return scanned;
    }

    /** Scans the next reference rows, numbered from {@link #scanned()} on. */
    void add(double[] block) {
        if (block.length % dims != 0) {
            throw new IllegalArgumentException("rows of " + dims + " values expected, got " + block.length + " values");
        }
        int rows = block.length / dims;
        IntStream queryIndexes = IntStream.range(0, queryRows);
        if ((long) rows * queryRows * dims >= PARALLEL_WORK) {
            queryIndexes = queryIndexes.parallel();
        }
        int first = scanned;
        queryIndexes.forEach(q -> scan(q, block, rows, first));
        scanned += rows;
    }

    private void scan(int query, double[] block, int rows, int first) {
        int q = query * dims;
        double bestDistance = best[query];
        int bestRow = -1;
        for (int row = 0; row < rows; row++) {
            int r = row * dims;
            double distance = 0;
            for (int k = 0; k < dims && distance < bestDistance; k++) {
                double d = block[r + k] - queries[q + k];
                distance += d * d;
            }
            if (distance < bestDistance) {
                bestDistance = distance;
                bestRow = row;
            }
        }
        if (bestRow >= 0) {
            best[query] = bestDistance;
            nearest[query] = first + bestRow;
        }
    }

    /** The nearest reference row of every query among the rows scanned so far. */
    int[] nearest() {
        if (scanned == 0) {
            throw new IllegalStateException("no reference row scanned yet");
        }
        return nearest.clone();
    }

    /** How many queries the label of their nearest reference row misclassifies. */
    int errors(int[] referenceLabels, int[] queryLabels) {
        return errors(nearest(), referenceLabels, queryLabels);
    }

    static int errors(int[] nearest, int[] referenceLabels, int[] queryLabels) {
        int errors = 0;
        for (int q = 0; q < nearest.length; q++) {
            if (referenceLabels[nearest[q]] != queryLabels[q]) {
                errors++;
            }
        }
        return errors;
    }
}
