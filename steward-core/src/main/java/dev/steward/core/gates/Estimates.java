package dev.steward.core.gates;

import dev.steward.spi.StewardException;

/**
 * What was measured on a test set for one submitted model: the new model's accuracy {@code n} and
 * the old model's accuracy {@code o} on {@code labelledRows} labelled rows, and the two models'
 * disagreement rate {@code d} on all {@code rows} rows (labelled or not) that both models predicted.
 * When a condition uses only {@code d}, no labels are needed: pass 0 for {@code n}, {@code o} and
 * {@code labelledRows}.
 */
public record Estimates(double n, double o, double d, long labelledRows, long rows) {
    public Estimates {
        checkRate("n", n);
        checkRate("o", o);
        checkRate("d", d);
        if (labelledRows < 0) {
            throw StewardException.invalid("labelledRows", "must not be negative, not " + labelledRows);
        }
        if (rows < labelledRows) {
            throw StewardException.invalid("rows", "counts every row both models predicted, so it cannot be less than the "
                    + labelledRows + " labelled rows; got " + rows);
        }
    }

    /** The estimate of one variable. */
    public double value(Variable variable) {
        return switch (variable) {
            case N -> n;
            case O -> o;
            case D -> d;
        };
    }

    private static void checkRate(String field, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw StewardException.invalid(field, "must be a rate between 0 and 1, not " + value);
        }
    }
}
