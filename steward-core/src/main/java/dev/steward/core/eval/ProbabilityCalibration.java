package dev.steward.core.eval;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.StewardException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * A classifier's probabilities calibrated on a reference set with known labels: for each class,
 * one-vs-rest, the {@link IsotonicRegression} (increasing, clipped out of bounds) of "the true
 * label is this class" on the probability the model gave it. {@link #calibrate} maps each class's
 * probability through its regression and renormalises the row to sum 1; a class that never is
 * the true label in the reference has no regression and keeps its raw probability. For two
 * classes whose probabilities are complements, the two regressions are mirror images, so the
 * calibrated pair already sums to 1. Immutable.
 */
public final class ProbabilityCalibration {
    private static final byte FORMAT = 1;

    private final List<String> classes;
    private final Map<String, Integer> index;
    /** Per class its regression, or null when the class is absent from the reference's labels. */
    private final IsotonicRegression[] regressions;

    private ProbabilityCalibration(List<String> classes, IsotonicRegression[] regressions) {
        this.classes = classes;
        this.index = indexOf(classes);
        this.regressions = regressions;
    }

    /**
     * Fits the calibration: {@code probabilities[i][c]} is the model's probability of
     * {@code classes.get(c)} for reference row i, {@code truth[i]} that row's true label.
     * Errors name the argument ({@code classes}, {@code probabilities}, {@code truth}).
     */
    public static ProbabilityCalibration fit(List<String> classes, double[][] probabilities, String[] truth) {
        requireNonNull(classes, "classes is null");
        requireNonNull(probabilities, "probabilities is null");
        requireNonNull(truth, "truth is null");
        Map<String, Integer> index = indexOf(classes);
        int k = classes.size();
        if (probabilities.length == 0) {
            throw StewardException.invalid("probabilities", "calibration needs at least one reference row");
        }
        if (probabilities.length != truth.length) {
            throw StewardException.invalid("truth", "calibration needs one true label per row: " + probabilities.length + " rows, " + truth.length + " labels");
        }
        int n = probabilities.length;
        int[] label = new int[n];
        boolean[] present = new boolean[k];
        for (int i = 0; i < n; i++) {
            checkRow(probabilities[i], k, "probabilities", i);
            Integer c = truth[i] == null ? null : index.get(truth[i]);
            if (c == null) {
                throw StewardException.invalid("truth", "truth[" + i + "] " + (truth[i] == null ? "is missing" : "'" + truth[i] + "' is not one of the classes " + classes));
            }
            label[i] = c;
            present[c] = true;
        }
        IsotonicRegression[] regressions = new IsotonicRegression[k];
        double[] x = new double[n];
        double[] y = new double[n];
        for (int c = 0; c < k; c++) {
            if (!present[c]) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                x[i] = clamp(probabilities[i][c]);
                y[i] = label[i] == c ? 1.0 : 0.0;
            }
            regressions[c] = IsotonicRegression.fit(x, y, null);
        }
        return new ProbabilityCalibration(List.copyOf(classes), regressions);
    }

    /**
     * The calibrated probabilities of one row (one value per class, in [0, 1]; the row is not
     * changed). When every calibrated value is 0 the raw row is returned, renormalised if it can be.
     */
    public double[] calibrate(double[] probabilities) {
        requireNonNull(probabilities, "probabilities is null");
        checkRow(probabilities, classes.size(), "probabilities", -1);
        double[] calibrated = new double[probabilities.length];
        double sum = 0;
        for (int c = 0; c < calibrated.length; c++) {
            double p = clamp(probabilities[c]);
            calibrated[c] = regressions[c] == null ? p : regressions[c].predict(p);
            sum += calibrated[c];
        }
        if (sum == 0) {
            calibrated = probabilities.clone();
            for (int c = 0; c < calibrated.length; c++) {
                calibrated[c] = clamp(calibrated[c]);
                sum += calibrated[c];
            }
            if (sum == 0) {
                return calibrated;
            }
        }
        for (int c = 0; c < calibrated.length; c++) {
            calibrated[c] /= sum;
        }
        return calibrated;
    }

    public List<String> classes() {
        return classes;
    }

    /** Whether the class had true instances in the reference (and so a regression). */
    public boolean calibrated(String label) {
        Integer c = index.get(label);
        return c != null && regressions[c] != null;
    }

    /**
     * The calibration in its own format (version 1): a format byte, the number of classes, then
     * per class its name (modified UTF-8) and its regression's kept points (a count, −1 for none,
     * then x and y as doubles). {@link #fromBytes} reads it back exactly.
     */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeInt(classes.size());
            for (int c = 0; c < classes.size(); c++) {
                out.writeUTF(classes.get(c));
                IsotonicRegression r = regressions[c];
                if (r == null) {
                    out.writeInt(-1);
                    continue;
                }
                double[] x = r.thresholds();
                double[] y = r.values();
                out.writeInt(x.length);
                for (int i = 0; i < x.length; i++) {
                    out.writeDouble(x[i]);
                    out.writeDouble(y[i]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads what {@link #toBytes} wrote; anything else is refused with an IllegalArgumentException. */
    public static ProbabilityCalibration fromBytes(byte[] bytes) {
        requireNonNull(bytes, "bytes is null");
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown calibration format " + format);
            }
            int k = in.readInt();
            if (k < 2 || k > bytes.length) {
                throw new IllegalArgumentException("a calibration of " + bytes.length + " bytes cannot have " + k + " classes");
            }
            List<String> classes = new ArrayList<>(k);
            IsotonicRegression[] regressions = new IsotonicRegression[k];
            for (int c = 0; c < k; c++) {
                classes.add(in.readUTF());
                int points = in.readInt();
                if (points == -1) {
                    continue;
                }
                if (points < 1 || points > in.available() / 16) {
                    throw new IllegalArgumentException("a calibration's class holds " + points + " points");
                }
                double[] x = new double[points];
                double[] y = new double[points];
                for (int i = 0; i < points; i++) {
                    x[i] = in.readDouble();
                    y[i] = in.readDouble();
                    if (!Double.isFinite(x[i]) || !Double.isFinite(y[i]) || (i > 0 && !(x[i] > x[i - 1] && y[i] >= y[i - 1]))) {
                        throw new IllegalArgumentException("a calibration's points are not finite and increasing");
                    }
                }
                regressions[c] = new IsotonicRegression(x, y);
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException("a calibration has " + in.available() + " bytes after its end");
            }
            if (new HashSet<>(classes).size() != k) {
                throw new IllegalArgumentException("a calibration names a class twice");
            }
            return new ProbabilityCalibration(List.copyOf(classes), regressions);
        } catch (IOException e) {
            throw new IllegalArgumentException("a calibration is truncated", e);
        }
    }

    private static Map<String, Integer> indexOf(List<String> classes) {
        if (classes.size() < 2) {
            throw StewardException.invalid("classes", "calibration needs at least two classes, not " + classes.size());
        }
        Map<String, Integer> index = new HashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            String label = classes.get(c);
            if (label == null) {
                throw StewardException.invalid("classes", "classes[" + c + "] is missing");
            }
            if (index.put(label, c) != null) {
                throw StewardException.invalid("classes", "class '" + label + "' is listed twice");
            }
        }
        return index;
    }

    /**
     * How far outside [0, 1] a probability may lie and still be taken (as the bound it passed):
     * a model's float32 probabilities, widened and summed, land a few ulps past 1.
     */
    static final double TOLERANCE = 1e-6;

    private static double clamp(double p) {
        return Math.min(1.0, Math.max(0.0, p));
    }

    private static void checkRow(double[] row, int k, String field, int i) {
        String where = i < 0 ? field : field + "[" + i + "]";
        if (row == null || row.length != k) {
            throw StewardException.invalid(field, where + " needs " + k + " probabilities, one per class, not " + (row == null ? "none" : row.length));
        }
        for (double p : row) {
            if (!(p >= -TOLERANCE && p <= 1 + TOLERANCE)) {
                throw StewardException.invalid(field, where + " holds " + p + ": probabilities lie in [0, 1]");
            }
        }
    }
}
