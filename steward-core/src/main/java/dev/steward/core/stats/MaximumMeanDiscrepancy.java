package dev.steward.core.stats;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The maximum mean discrepancy between two multivariate samples with the Gaussian (RBF) kernel
 * k(x, y) = exp(−‖x − y‖² / (2σ²)), and its permutation test (Gretton et al., "A kernel two-sample
 * test", JMLR 2012). The statistic is the unbiased estimate MMD²<sub>u</sub> (the U-statistic, eq. 3
 * of the paper): the mean kernel value over distinct pairs within x, plus the same within y, minus
 * twice the mean over cross pairs. It can be slightly negative when the samples agree.
 *
 * <p>Rows are compared as given: callers standardise the columns first (by the reference's
 * moments) so that no feature dominates the distance by its unit. Values must be finite.
 *
 * <p>Cost of {@link #test}: with N = n + m pooled rows of d columns, the kernel matrix takes
 * O(N²·d) time once (its rows are computed in parallel), then each of the P permutations reindexes
 * it in O(N²), so O(N²·d + P·N²) in all; permutations are evaluated eight at a time per pass over
 * the matrix, and those passes in parallel. Memory: the strict upper triangle of the kernel matrix
 * held as {@code float}s, 2·N·(N − 1) bytes (2 MB for 500 rows a side, 32 MB for 2,000, 200 MB
 * for {@value #MAX_POOLED_ROWS} pooled rows, the most it accepts), plus O(N) per thread. The
 * reported statistic is computed in double precision; the permutation comparison uses the
 * observed statistic recomputed from the same {@code float} matrix as the permuted ones, so the
 * test stays exact. Stateless; every method is deterministic (the same inputs and seed give the
 * same result whatever the number of threads).
 */
public final class MaximumMeanDiscrepancy {
    /** The most pooled rows {@link #test} takes: its kernel matrix then holds 200 MB. */
    public static final int MAX_POOLED_ROWS = 10_000;
    /** The most permutations {@link #test} runs. */
    public static final int MAX_PERMUTATIONS = 100_000;
    /**
     * Up to this many pooled pairs the median heuristic takes the exact median; above, the median
     * of this many pairs drawn uniformly (with replacement) with the seed {@value #MEDIAN_SEED}.
     */
    public static final int MEDIAN_PAIRS = 1 << 20;
    /** The seed of the pairs the median heuristic samples on large pools. */
    public static final long MEDIAN_SEED = 0x5EED_3D3DL;
    private static final int BATCH = 8;
    /** Batches of permutations done before an early stop is considered: 32 permutations. */
    private static final int ROUND = 4;

    /**
     * The outcome of a permutation test.
     *
     * @param statistic the unbiased MMD² estimate of the samples as given
     * @param pValue (1 + #{permutations whose statistic ≥ the observed one}) / (1 + permutations)
     * @param bandwidth the kernel's σ
     * @param permutations how many random relabellings were drawn
     */
    public record Result(double statistic, double pValue, double bandwidth, int permutations) {
    }

    private MaximumMeanDiscrepancy() {
    }

    /**
     * The median heuristic: σ = sqrt(median / 2) over the squared Euclidean distances of the pooled
     * rows' pairs (i &lt; j), so that 2σ² is the median squared distance. The median is NumPy's
     * (the mean of the two middle values of an even count). On pools of more than
     * {@link #MEDIAN_PAIRS} pairs it is the median of {@link #MEDIAN_PAIRS} pairs of distinct rows
     * drawn uniformly with a fixed seed (the standard deviation of its rank is then
     * 0.5/√{@value #MEDIAN_PAIRS}, 0.05%), 8 MB of scratch. A zero median (more than half the pairs are duplicates) falls back to
     * the median of the non-zero squared distances, and when every row is the same to σ = 1.
     */
    public static double medianHeuristic(double[][] x, double[][] y) {
        int d = check(x, y);
        double[][] pooled = pool(x, y);
        int rows = pooled.length;
        long pairs = (long) rows * (rows - 1) / 2;
        double[] distances;
        if (pairs <= MEDIAN_PAIRS) {
            distances = new double[(int) pairs];
            int k = 0;
            for (int i = 0; i < rows; i++) {
                for (int j = i + 1; j < rows; j++) {
                    distances[k++] = squaredDistance(pooled[i], pooled[j], d);
                }
            }
        } else {
            distances = new double[MEDIAN_PAIRS];
            SplittableRandom random = new SplittableRandom(MEDIAN_SEED);
            for (int k = 0; k < MEDIAN_PAIRS; k++) {
                int i = random.nextInt(rows);
                int j = random.nextInt(rows - 1);
                if (j >= i) {
                    j++;
                }
                distances[k] = squaredDistance(pooled[i], pooled[j], d);
            }
        }
        Arrays.sort(distances);
        double median = median(distances, 0);
        if (median == 0) {
            int firstPositive = 0;
            while (firstPositive < distances.length && distances[firstPositive] == 0) {
                firstPositive++;
            }
            if (firstPositive == distances.length) {
                return 1.0;
            }
            median = median(distances, firstPositive);
        }
        return Math.sqrt(median / 2);
    }

    /** The unbiased MMD² estimate of x against y with the RBF kernel of width {@code bandwidth} (σ). */
    public static double mmd2(double[][] x, double[][] y, double bandwidth) {
        int d = check(x, y);
        checkBandwidth(bandwidth);
        double[][] pooled = pool(x, y);
        return statistic(kernel(pooled, x.length, d, bandwidth, null), x.length, y.length);
    }

    /**
     * The permutation test of "x and y come from the same distribution" with the median-heuristic
     * bandwidth: {@code permutations} random relabellings of the pooled rows into groups of the
     * original sizes, drawn with a {@link SplittableRandom} seeded with {@code seed}.
     *
     * @throws IllegalArgumentException when either sample has fewer than two rows, the rows' lengths
     *     differ, a value is not finite, more than {@link #MAX_POOLED_ROWS} rows are pooled, or
     *     {@code permutations} is not in [1, {@link #MAX_PERMUTATIONS}]
     */
    public static Result test(double[][] x, double[][] y, int permutations, long seed) {
        check(x, y);
        checkPermutations(permutations, x.length + y.length);
        return test(x, y, medianHeuristic(x, y), permutations, seed);
    }

    /**
     * As {@link #test(double[][], double[][], int, long)} with a given bandwidth, e.g. one fixed
     * from the reference alone so that every window is measured with the same kernel.
     */
    public static Result test(double[][] x, double[][] y, double bandwidth, int permutations, long seed) {
        return test(x, y, bandwidth, permutations, seed, Double.NaN);
    }

    /**
     * As {@link #test(double[][], double[][], int, long)}, stopping early once the test cannot end
     * below {@code alpha}: after each round of permutations, when {@code 1 + (permutations at least
     * as large as the observed statistic)} already reaches {@code alpha · (1 + permutations)}, every
     * remaining permutation could only raise the p-value, so the decision "not below alpha" is the
     * one the full test would take. The p-value is then Besag and Clifford's sequential estimate
     * {@code (1 + at least) / (1 + done)} and {@link Result#permutations()} says how many were done.
     * Windows without drift (the common case) so cost a fraction of the permutations; a window that
     * drifts runs them all, and its p-value is the full test's. Deterministic for a seed.
     */
    public static Result test(double[][] x, double[][] y, int permutations, long seed, double alpha) {
        check(x, y);
        checkPermutations(permutations, x.length + y.length);
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must lie strictly between 0 and 1, not " + alpha);
        }
        return test(x, y, medianHeuristic(x, y), permutations, seed, alpha);
    }

    private static Result test(double[][] x, double[][] y, double bandwidth, int permutations, long seed, double alpha) {
        int d = check(x, y);
        checkBandwidth(bandwidth);
        checkPermutations(permutations, x.length + y.length);
        int n = x.length;
        int m = y.length;
        int rows = n + m;
        double[][] pooled = pool(x, y);
        float[] matrix = new float[rows * (rows - 1) / 2];
        RowSums sums = kernel(pooled, n, d, bandwidth, matrix);
        double statistic = statistic(sums, n, m);

        // Totals from the stored (float) values: the observed and permuted statistics below all use them.
        double[] rowTotals = new double[rows];
        float[] original = new float[rows];
        Arrays.fill(original, 0, n, 1f);
        double[] observedDots = new double[rows];
        IntStream.range(0, rows).parallel().forEach(i -> {
            int offset = offset(i, rows);
            double total = 0;
            double dot = 0;
            for (int j = i + 1; j < rows; j++) {
                float k = matrix[offset + j - i - 1];
                total += k;
                dot += k * original[j];
            }
            rowTotals[i] = total;
            observedDots[i] = dot;
        });
        double grandTotal = 0;
        for (double t : rowTotals) {
            grandTotal += t;
        }
        double observed = labelled(observedDots, original, rowTotals, grandTotal, n, m);

        SplittableRandom random = new SplittableRandom(seed);
        long[] seeds = new long[permutations];
        for (int p = 0; p < permutations; p++) {
            seeds[p] = random.nextLong();
        }
        int batches = (permutations + BATCH - 1) / BATCH;
        double total = grandTotal;
        int[] exceed = new int[batches];
        // Rounds of ROUND batches in parallel; without an alpha, one round of every batch.
        int round = Double.isNaN(alpha) ? batches : ROUND;
        double enough = Double.isNaN(alpha) ? Double.POSITIVE_INFINITY : alpha * (1.0 + permutations);
        int atLeast = 0;
        int done = 0;
        for (int start = 0; start < batches; start += round) {
            int end = Math.min(batches, start + round);
            IntStream.range(start, end).parallel().forEach(b -> {
                int first = b * BATCH;
                int count = Math.min(BATCH, permutations - first);
                exceed[b] = batch(matrix, rows, n, m, rowTotals, total, seeds, first, count, observed);
            });
            for (int b = start; b < end; b++) {
                atLeast += exceed[b];
            }
            done = Math.min(permutations, end * BATCH);
            if (done < permutations && 1.0 + atLeast >= enough) {
                return new Result(statistic, (1.0 + atLeast) / (1.0 + done), bandwidth, done);
            }
        }
        return new Result(statistic, (1.0 + atLeast) / (1.0 + permutations), bandwidth, permutations);
    }

    /** How many of the permutations first..first+count-1 give a statistic at least {@code observed}. */
    private static int batch(float[] matrix, int rows, int n, int m, double[] rowTotals, double total, long[] seeds, int first, int count,
            double observed) {
        // labels[j * BATCH + p]: 1 when pooled row j falls in x under permutation p.
        float[] labels = new float[rows * BATCH];
        int[] index = new int[rows];
        for (int p = 0; p < count; p++) {
            SplittableRandom random = new SplittableRandom(seeds[first + p]);
            for (int i = 0; i < rows; i++) {
                index[i] = i;
            }
            for (int i = rows - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = index[i];
                index[i] = index[j];
                index[j] = t;
            }
            for (int k = 0; k < n; k++) {
                labels[index[k] * BATCH + p] = 1f;
            }
        }
        double[] within = new double[BATCH];
        double[] withinY = new double[BATCH];
        double[] dots = new double[BATCH];
        for (int i = 0; i < rows; i++) {
            int offset = offset(i, rows) - i - 1;
            double a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
            for (int j = i + 1; j < rows; j++) {
                double k = matrix[offset + j];
                int l = j * BATCH;
                a0 += k * labels[l];
                a1 += k * labels[l + 1];
                a2 += k * labels[l + 2];
                a3 += k * labels[l + 3];
                a4 += k * labels[l + 4];
                a5 += k * labels[l + 5];
                a6 += k * labels[l + 6];
                a7 += k * labels[l + 7];
            }
            dots[0] = a0;
            dots[1] = a1;
            dots[2] = a2;
            dots[3] = a3;
            dots[4] = a4;
            dots[5] = a5;
            dots[6] = a6;
            dots[7] = a7;
            int l = i * BATCH;
            for (int p = 0; p < count; p++) {
                if (labels[l + p] == 1f) {
                    within[p] += dots[p];
                } else {
                    withinY[p] += rowTotals[i] - dots[p];
                }
            }
        }
        int atLeast = 0;
        for (int p = 0; p < count; p++) {
            if (value(within[p], withinY[p], total, n, m) >= observed) {
                atLeast++;
            }
        }
        return atLeast;
    }

    /** The statistic of one labelling from its per-row dot products with the labels. */
    private static double labelled(double[] dots, float[] labels, double[] rowTotals, double total, int n, int m) {
        double within = 0;
        double withinY = 0;
        for (int i = 0; i < dots.length; i++) {
            if (labels[i] == 1f) {
                within += dots[i];
            } else {
                withinY += rowTotals[i] - dots[i];
            }
        }
        return value(within, withinY, total, n, m);
    }

    /** MMD²_u from the kernel sums over unordered pairs within x, within y, and all pairs. */
    private static double value(double withinX, double withinY, double total, int n, int m) {
        double cross = total - withinX - withinY;
        return 2 * withinX / ((double) n * (n - 1)) + 2 * withinY / ((double) m * (m - 1)) - 2 * cross / ((double) n * m);
    }

    private static double statistic(RowSums sums, int n, int m) {
        double xx = 0;
        double yy = 0;
        double xy = 0;
        for (int i = 0; i < sums.xx.length; i++) {
            xx += sums.xx[i];
            yy += sums.yy[i];
            xy += sums.xy[i];
        }
        return 2 * xx / ((double) n * (n - 1)) + 2 * yy / ((double) m * (m - 1)) - 2 * xy / ((double) n * m);
    }

    /** Per pooled row i, the kernel sums over j &gt; i split by block (x–x, y–y, x–y). */
    private record RowSums(double[] xx, double[] yy, double[] xy) {
    }

    /**
     * Computes the kernel over the pooled pairs i &lt; j, rows in parallel; sums them per row and,
     * when {@code store} is given, keeps each value there (row i's values from {@link #offset}).
     */
    private static RowSums kernel(double[][] pooled, int n, int d, double bandwidth, float[] store) {
        int rows = pooled.length;
        double scale = -1.0 / (2 * bandwidth * bandwidth);
        RowSums sums = new RowSums(new double[rows], new double[rows], new double[rows]);
        IntStream.range(0, rows).parallel().forEach(i -> {
            double[] a = pooled[i];
            int offset = offset(i, rows) - i - 1;
            double same = 0;
            double cross = 0;
            for (int j = i + 1; j < rows; j++) {
                double k = Math.exp(squaredDistance(a, pooled[j], d) * scale);
                if (store != null) {
                    store[offset + j] = (float) k;
                }
                if (i < n && j >= n) {
                    cross += k;
                } else {
                    same += k;
                }
            }
            if (i < n) {
                sums.xx[i] = same;
                sums.xy[i] = cross;
            } else {
                sums.yy[i] = same;
            }
        });
        return sums;
    }

    /** Where row i's values (j = i+1 … rows-1) start in the strict upper triangle. */
    private static int offset(int i, int rows) {
        return (int) ((long) i * (2L * rows - i - 1) / 2);
    }

    private static double squaredDistance(double[] a, double[] b, int d) {
        double sum = 0;
        for (int k = 0; k < d; k++) {
            double diff = a[k] - b[k];
            sum += diff * diff;
        }
        return sum;
    }

    /** The median of sorted[from..]. */
    private static double median(double[] sorted, int from) {
        int count = sorted.length - from;
        int mid = from + count / 2;
        return count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static double[][] pool(double[][] x, double[][] y) {
        double[][] pooled = new double[x.length + y.length][];
        System.arraycopy(x, 0, pooled, 0, x.length);
        System.arraycopy(y, 0, pooled, x.length, y.length);
        return pooled;
    }

    private static void checkPermutations(int permutations, int rows) {
        if (permutations < 1 || permutations > MAX_PERMUTATIONS) {
            throw new IllegalArgumentException("permutations must be between 1 and " + MAX_PERMUTATIONS + ", not " + permutations);
        }
        if (rows > MAX_POOLED_ROWS) {
            throw new IllegalArgumentException("the MMD test takes at most " + MAX_POOLED_ROWS + " pooled rows, not " + rows);
        }
    }

    private static void checkBandwidth(double bandwidth) {
        if (!(bandwidth > 0) || Double.isInfinite(bandwidth)) {
            throw new IllegalArgumentException("the kernel bandwidth must be a positive finite number, not " + bandwidth);
        }
    }

    /** Checks both samples and returns their number of columns. */
    private static int check(double[][] x, double[][] y) {
        requireNonNull(x, "x is null");
        requireNonNull(y, "y is null");
        if (x.length < 2 || y.length < 2) {
            throw new IllegalArgumentException("the MMD needs at least two rows in each sample, not " + x.length + " and " + y.length);
        }
        if (x[0] == null || x[0].length == 0) {
            throw new IllegalArgumentException("the MMD needs rows of at least one value");
        }
        int d = x[0].length;
        checkRows(x, d, "x");
        checkRows(y, d, "y");
        return d;
    }

    private static void checkRows(double[][] rows, int d, String name) {
        for (int i = 0; i < rows.length; i++) {
            double[] row = rows[i];
            if (row == null || row.length != d) {
                throw new IllegalArgumentException(name + "[" + i + "] has " + (row == null ? "no" : row.length) + " values where the rows have " + d);
            }
            for (double v : row) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(name + "[" + i + "] holds " + v + ": the MMD takes finite values only");
                }
            }
        }
    }
}
