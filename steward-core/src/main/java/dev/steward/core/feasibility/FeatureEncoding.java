package dev.steward.core.feasibility;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns feature columns into rows of numbers to measure distances in, fitted on the training rows
 * only, so that nothing of the held-out rows leaks into the space they are measured in. A numeric
 * column is standardised (training mean 0, standard deviation 1); a missing (or infinite) value
 * becomes the mean and sets a flag dimension (1 when missing), which exists when training rows
 * miss values. A categorical column becomes 0/1 indicators: one per category among the
 * {@value #MAX_CATEGORIES} most frequent in training, one for the other categories and one for
 * missing (each only when it occurs in training); a category training never saw sets none.
 * Immutable.
 */
final class FeatureEncoding {
    /** Categories of a column that get an indicator of their own; the rest share one. */
    static final int MAX_CATEGORIES = 20;

    private final List<FeatureColumn> columns;
    private final List<Code> codes;
    private final int dimensions;

    private sealed interface Code {
        int width();
    }

    private record NumericCode(double mean, double scale, boolean flagged) implements Code {
        @Override
        public int width() {
            return flagged ? 2 : 1;
        }
    }

    private record CategoricalCode(Map<String, Integer> index, int other, int missing, int width) implements Code {
    }

    private FeatureEncoding(List<FeatureColumn> columns, List<Code> codes) {
        this.columns = List.copyOf(columns);
        this.codes = List.copyOf(codes);
        this.dimensions = codes.stream().mapToInt(Code::width).sum();
    }

    /** The widest encoding {@code fit} can give a column with this many distinct values. */
    static int maxWidth(boolean numeric, long distinct) {
        return numeric ? 2 : (int) Math.min(distinct, MAX_CATEGORIES) + 2;
    }

    static FeatureEncoding fit(List<FeatureColumn> columns, int[] trainRows) {
        List<Code> codes = new ArrayList<>();
        for (FeatureColumn column : columns) {
            codes.add(column instanceof FeatureColumn.Numeric numeric ? numericCode(numeric.values(), trainRows)
                    : categoricalCode(((FeatureColumn.Categorical) column).values(), trainRows));
        }
        return new FeatureEncoding(columns, codes);
    }

    private static NumericCode numericCode(double[] values, int[] rows) {
        double sum = 0;
        int present = 0;
        for (int row : rows) {
            if (Double.isFinite(values[row])) {
                sum += values[row];
                present++;
            }
        }
        double mean = present == 0 ? 0 : sum / present;
        double squares = 0;
        for (int row : rows) {
            if (Double.isFinite(values[row])) {
                squares += (values[row] - mean) * (values[row] - mean);
            }
        }
        double sd = present < 2 ? 0 : Math.sqrt(squares / (present - 1));
        // A constant column carries no distance; it stays 0 rather than dividing by 0.
        return new NumericCode(mean, sd > 0 ? 1 / sd : 0, present < rows.length);
    }

    private static CategoricalCode categoricalCode(String[] values, int[] rows) {
        Map<String, Integer> counts = new HashMap<>();
        boolean missing = false;
        for (int row : rows) {
            if (values[row] == null) {
                missing = true;
            } else {
                counts.merge(values[row], 1, Integer::sum);
            }
        }
        List<String> frequent = counts.keySet().stream()
                .sorted(Comparator.comparing((String c) -> -counts.get(c)).thenComparing(Comparator.naturalOrder()))
                .limit(MAX_CATEGORIES).toList();
        Map<String, Integer> index = new HashMap<>();
        for (String category : frequent) {
            index.put(category, index.size());
        }
        int width = index.size();
        int other = counts.size() > frequent.size() ? width++ : -1;
        int missingSlot = missing ? width++ : -1;
        return new CategoricalCode(Map.copyOf(index), other, missingSlot, width);
    }

    int dimensions() {
        return dimensions;
    }

    /** The given rows encoded, row-major: {@code rows.length × dimensions()} values. */
    double[] encode(int[] rows) {
        double[] out = new double[rows.length * dimensions];
        int offset = 0;
        for (int c = 0; c < columns.size(); c++) {
            FeatureColumn column = columns.get(c);
            Code code = codes.get(c);
            for (int i = 0; i < rows.length; i++) {
                int at = i * dimensions + offset;
                if (code instanceof NumericCode n) {
                    double v = ((FeatureColumn.Numeric) column).values()[rows[i]];
                    boolean absent = !Double.isFinite(v);
                    out[at] = absent ? 0 : (v - n.mean()) * n.scale();
                    if (n.flagged() && absent) {
                        out[at + 1] = 1;
                    }
                } else {
                    CategoricalCode k = (CategoricalCode) code;
                    String v = ((FeatureColumn.Categorical) column).values()[rows[i]];
                    int slot = v == null ? k.missing() : k.index().getOrDefault(v, k.other());
                    if (slot >= 0) {
                        out[at + slot] = 1;
                    }
                }
            }
            offset += code.width();
        }
        return out;
    }
}
