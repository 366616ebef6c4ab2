package dev.steward.core.training;

/**
 * Rows held column by column, as a graph's inputs are fed from them ({@link PackageScorer}):
 * the columns read as numbers hold doubles (NaN for a missing value), the columns read as text
 * hold strings (the empty string for a missing value). Evaluation fills one from a dataset
 * version, batch scoring one batch of a file at a time. The values a reader hands over (Long,
 * Double, Boolean, String, dates and times as ISO text, or null) become numbers and text by
 * {@link #number} and {@link #text}, so that every reader feeds a model the same way.
 */
public interface ColumnarRows extends TensorFeed.Columns {
    /** How many rows there are. */
    int rows();

    /** A column read as numbers, indexed by row; null for a column not read as numbers. */
    @Override
    double[] numbers(String column);

    /** A column read as text, indexed by row; null for a column not read as text. */
    @Override
    String[] strings(String column);

    /** The number people know the row at {@code index} by (counted from 1 in its dataset version or file), for error messages. */
    long rowNumber(int index);

    /** A reader's value as a number: NaN for null. */
    static double number(Object value) {
        return value == null ? Double.NaN : ((Number) value).doubleValue();
    }

    /** A reader's value as text: the empty string for null. */
    static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
