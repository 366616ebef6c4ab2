package dev.steward.core.stats;

import static java.util.Objects.requireNonNull;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import org.hipparchus.exception.MathIllegalArgumentException;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.RealMatrix;

/**
 * The Mahalanobis distance of a row from a reference sample: sqrt((x − μ)ᵀ Σ⁻¹ (x − μ)) with the
 * reference's mean μ and sample covariance Σ (divisor n − 1, NumPy's {@code cov}), as SciPy's
 * {@code scipy.spatial.distance.mahalanobis(x, μ, VI)} with VI = Σ⁻¹. So that a singular
 * covariance (a constant column, collinear columns) still inverts, the diagonal gets a ridge:
 * Σ<sub>ii</sub> + {@value #RIDGE}·Σ<sub>ii</sub>, or + {@value #RIDGE} for a column with no
 * variance — a row that leaves such a column's value then lies far away, as it should.
 *
 * <p>A NaN (a missing value) counts as the mean: while fitting it adds nothing to the column's
 * deviations (the mean is taken over the column's other values), and in a distance it contributes
 * nothing. Fitting Cholesky-factors Σ = LLᵀ (Hipparchus) and keeps W = L⁻¹, so that the distance
 * is ‖W(x − μ)‖, computed in d(d + 1)/2 multiply-adds without allocating anything: instances are
 * immutable and safe to share between threads.
 */
public final class Mahalanobis {
    /** The relative ridge added to the covariance's diagonal (and the absolute one for a constant column). */
    public static final double RIDGE = 1e-6;
    private static final byte FORMAT = 1;

    private final double[] mean;
    /** W = L⁻¹, lower triangular, row by row: row i holds W[i][0..i] from i(i + 1)/2. */
    private final double[] whitening;
    private final long rows;

    private Mahalanobis(double[] mean, double[] whitening, long rows) {
        this.mean = mean;
        this.whitening = whitening;
        this.rows = rows;
    }

    /**
     * Fits the reference: at least two rows of the same, non-zero length; a column with no value
     * but NaN is refused.
     */
    public static Mahalanobis fit(double[][] rows) {
        requireNonNull(rows, "rows is null");
        if (rows.length < 2) {
            throw new IllegalArgumentException("a Mahalanobis reference needs at least two rows, not " + rows.length);
        }
        if (rows[0] == null || rows[0].length == 0) {
            throw new IllegalArgumentException("a Mahalanobis reference needs rows of at least one value");
        }
        int d = rows[0].length;
        double[] sum = new double[d];
        long[] present = new long[d];
        for (int r = 0; r < rows.length; r++) {
            double[] row = rows[r];
            if (row == null || row.length != d) {
                throw new IllegalArgumentException("rows[" + r + "] has " + (row == null ? "no" : row.length) + " values where the rows have " + d);
            }
            for (int k = 0; k < d; k++) {
                double v = row[k];
                if (Double.isInfinite(v)) {
                    throw new IllegalArgumentException("rows[" + r + "] holds an infinite value");
                }
                if (!Double.isNaN(v)) {
                    sum[k] += v;
                    present[k]++;
                }
            }
        }
        double[] mean = new double[d];
        for (int k = 0; k < d; k++) {
            if (present[k] == 0) {
                throw new IllegalArgumentException("column " + k + " of a Mahalanobis reference holds no number");
            }
            mean[k] = sum[k] / present[k];
        }
        double[][] covariance = new double[d][d];
        double[] deviation = new double[d];
        for (double[] row : rows) {
            for (int k = 0; k < d; k++) {
                deviation[k] = Double.isNaN(row[k]) ? 0 : row[k] - mean[k];
            }
            for (int a = 0; a < d; a++) {
                double da = deviation[a];
                for (int b = 0; b <= a; b++) {
                    covariance[a][b] += da * deviation[b];
                }
            }
        }
        double divisor = rows.length - 1;
        for (int a = 0; a < d; a++) {
            for (int b = 0; b <= a; b++) {
                covariance[a][b] /= divisor;
                covariance[b][a] = covariance[a][b];
            }
        }
        for (int k = 0; k < d; k++) {
            double variance = covariance[k][k];
            covariance[k][k] = variance + RIDGE * (variance > 0 ? variance : 1);
        }
        RealMatrix lower;
        try {
            lower = new CholeskyDecomposition(new Array2DRowRealMatrix(covariance, false), 1e-12, 0).getL();
        } catch (MathIllegalArgumentException e) {
            throw new IllegalArgumentException("the reference's covariance does not factor even with its ridge: " + e.getMessage(), e);
        }
        return new Mahalanobis(mean, invertLower(lower.getData()), rows.length);
    }

    /** The inverse of a lower-triangular matrix, packed row by row. */
    private static double[] invertLower(double[][] l) {
        int d = l.length;
        double[] w = new double[d * (d + 1) / 2];
        // Column c of W solves L w = e_c by forward substitution; W is lower triangular too.
        for (int c = 0; c < d; c++) {
            for (int i = c; i < d; i++) {
                double s = i == c ? 1.0 : 0.0;
                for (int k = c; k < i; k++) {
                    s -= l[i][k] * w[k * (k + 1) / 2 + c];
                }
                w[i * (i + 1) / 2 + c] = s / l[i][i];
            }
        }
        return w;
    }

    /**
     * The distance of {@code x} (as many values as the reference has columns; NaN counts as the
     * mean) from the reference. Allocates nothing.
     */
    public double distance(double[] x) {
        return Math.sqrt(squaredDistance(x));
    }

    /** The squared distance (the quadratic form), as {@link #distance}. */
    public double squaredDistance(double[] x) {
        int d = mean.length;
        if (x.length != d) {
            throw new IllegalArgumentException("the row has " + x.length + " values where the reference has " + d);
        }
        double sum = 0;
        int w = 0;
        for (int i = 0; i < d; i++) {
            double y = 0;
            for (int k = 0; k <= i; k++) {
                double v = x[k];
                if (v == v) {
                    y += whitening[w] * (v - mean[k]);
                }
                w++;
            }
            sum += y * y;
        }
        return sum;
    }

    public int dimensions() {
        return mean.length;
    }

    /** The reference's column means (a copy). */
    public double[] mean() {
        return mean.clone();
    }

    /** The number of rows it was fitted on. */
    public long rows() {
        return rows;
    }

    /**
     * The fitted model in its own format (version 1): a format byte, d, the rows fitted, the d means
     * and the d(d + 1)/2 entries of L⁻¹, big-endian. {@link #fromBytes} reads it back exactly.
     */
    public byte[] toBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(1 + 4 + 8 + 8 * (mean.length + whitening.length));
        buffer.put(FORMAT).putInt(mean.length).putLong(rows);
        for (double v : mean) {
            buffer.putDouble(v);
        }
        for (double v : whitening) {
            buffer.putDouble(v);
        }
        return buffer.array();
    }

    /** Reads what {@link #toBytes} wrote; anything else is refused with an IllegalArgumentException. */
    public static Mahalanobis fromBytes(byte[] bytes) {
        requireNonNull(bytes, "bytes is null");
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            byte format = buffer.get();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown Mahalanobis format " + format);
            }
            int d = buffer.getInt();
            long rows = buffer.getLong();
            if (d < 1 || rows < 2 || (long) 8 * ((long) d + (long) d * (d + 1) / 2) != buffer.remaining()) {
                throw new IllegalArgumentException("a Mahalanobis model of " + bytes.length + " bytes cannot have " + d + " columns");
            }
            double[] mean = new double[d];
            for (int k = 0; k < d; k++) {
                mean[k] = finite(buffer.getDouble());
            }
            double[] whitening = new double[d * (d + 1) / 2];
            for (int k = 0; k < whitening.length; k++) {
                whitening[k] = finite(buffer.getDouble());
            }
            return new Mahalanobis(mean, whitening, rows);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("a Mahalanobis model is truncated", e);
        }
    }

    private static double finite(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("a Mahalanobis model holds a value that is not finite");
        }
        return v;
    }
}
