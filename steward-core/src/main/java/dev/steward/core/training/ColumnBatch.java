package dev.steward.core.training;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One batch of a file's rows at a time, column by column, for scoring a file larger than memory:
 * a reader hands each column's values to its {@link #column} consumer (Long, Double, Boolean,
 * String or null, which {@link ColumnarRows#number} and {@link ColumnarRows#text} turn into what
 * evaluation reads), between {@link #start} and {@link #end}. The arrays are reused from batch to
 * batch. Not thread-safe.
 */
public final class ColumnBatch implements ColumnarRows {
    private final int capacity;
    private final Map<String, double[]> numbers = new HashMap<>();
    private final Map<String, String[]> strings = new HashMap<>();
    private final Map<String, int[]> next = new HashMap<>();
    private long firstRow = 1;
    private int rows;

    /**
     * @param columns for each column, whether it is read as text (else as numbers), as {@link ModelSignature#columnsToRead} says
     * @param capacity the most rows of a batch
     */
    public ColumnBatch(Map<String, Boolean> columns, int capacity) {
        requireNonNull(columns, "columns is null");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        columns.forEach((name, asText) -> {
            if (asText) {
                strings.put(name, new String[capacity]);
            } else {
                numbers.put(name, new double[capacity]);
            }
            next.put(name, new int[1]);
        });
    }

    /** The consumer of a column's values, in row order; each batch starts again at its first row. */
    public Consumer<Object> column(String name) {
        int[] at = requireNonNull(next.get(name), () -> "no column " + name + " in the batch");
        double[] values = numbers.get(name);
        if (values != null) {
            return value -> values[at[0]++] = ColumnarRows.number(value);
        }
        String[] texts = strings.get(name);
        return value -> texts[at[0]++] = ColumnarRows.text(value);
    }

    /** The consumers of these columns, in that order. */
    public List<Consumer<Object>> columns(List<String> names) {
        return names.stream().map(this::column).toList();
    }

    /** Begins a batch whose first row is row {@code firstRow} of the file (counted from 1). */
    public void start(long firstRow) {
        this.firstRow = firstRow;
        this.rows = 0;
        next.values().forEach(at -> at[0] = 0);
    }

    /** Ends the batch: every column received {@code rows} values. */
    public void end(int rows) {
        if (rows < 0 || rows > capacity) {
            throw new IllegalArgumentException("a batch holds 0 to " + capacity + " rows, not " + rows);
        }
        next.forEach((name, at) -> {
            if (at[0] != rows) {
                throw new IllegalStateException("column " + name + " received " + at[0] + " values for a batch of " + rows + " rows");
            }
        });
        this.rows = rows;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public double[] numbers(String column) {
        return numbers.get(column);
    }

    @Override
    public String[] strings(String column) {
        return strings.get(column);
    }

    @Override
    public long rowNumber(int index) {
        return firstRow + index;
    }
}
