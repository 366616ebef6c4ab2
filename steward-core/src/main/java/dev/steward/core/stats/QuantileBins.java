package dev.steward.core.stats;

import java.util.Arrays;

/**
 * Bins for comparing numeric samples: edges at the reference sample's quantiles i/B (NumPy's
 * default linear interpolation, computed as NumPy computes it), duplicates dropped; a value falls
 * in the bin numbered by how many edges are at or below it. Immutable.
 */
public final class QuantileBins {
    private final double[] edges;

    private QuantileBins(double[] edges) {
        this.edges = edges;
    }

    /** Edges at the quantiles 1/B … (B-1)/B of {@code sortedReference} (sorted ascending, no NaN). */
    public static QuantileBins fromSorted(double[] sortedReference, int bins) {
        if (sortedReference.length == 0) {
            throw new IllegalArgumentException("quantile bins need a non-empty reference sample");
        }
        if (bins < 2) {
            throw new IllegalArgumentException("at least two bins are needed");
        }
        double[] edges = new double[bins - 1];
        for (int i = 1; i < bins; i++) {
            edges[i - 1] = quantile(sortedReference, (double) i / bins);
        }
        return new QuantileBins(Arrays.stream(edges).distinct().sorted().toArray());
    }

    /**
     * NumPy's {@code quantile(a, q)} with method {@code linear}: virtual index (n - 1) q, then {@code a + (b - a) t}, or {@code b - (b - a)(1 - t)} when t ≥ 0.5.
     */
    public static double quantile(double[] sorted, double q) {
        int n = sorted.length;
        double virtual = (n - 1) * q;
        double previous = Math.floor(virtual);
        double gamma = virtual - previous;
        int lower = (int) Math.max(0, Math.min(n - 1, previous));
        int upper = (int) Math.max(0, Math.min(n - 1, previous + 1));
        double a = sorted[lower];
        double b = sorted[upper];
        double diff = b - a;
        return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
    }

    public int size() {
        return edges.length + 1;
    }

    /** The number of edges at or below {@code value}. */
    public int bin(double value) {
        int low = 0;
        int high = edges.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (edges[mid] <= value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    public long[] histogram(double[] values) {
        long[] counts = new long[size()];
        for (double value : values) {
            counts[bin(value)]++;
        }
        return counts;
    }

    public double[] edges() {
        return edges.clone();
    }
}
