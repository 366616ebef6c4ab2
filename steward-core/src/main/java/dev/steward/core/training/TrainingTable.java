package dev.steward.core.training;

import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.TableReader;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The columns a training run reads, in memory: numeric columns as doubles (NaN for missing),
 * categorical ones as strings (the empty string for missing). Filled by a table scan, one thread
 * per column; read after the scan returned.
 */
final class TrainingTable implements TableReader.RowSink, TensorFeed.Columns {
    private final Map<String, Boolean> categorical;
    private final int rows;
    private final Map<String, double[]> numbers = new ConcurrentHashMap<>();
    private final Map<String, String[]> strings = new ConcurrentHashMap<>();

    /** {@code categorical}: for every column to keep, whether to read it as categories. */
    TrainingTable(Map<String, Boolean> categorical, long rows) {
        this.categorical = Map.copyOf(categorical);
        this.rows = Math.toIntExact(rows);
    }

    int rows() {
        return rows;
    }

    @Override
    public Consumer<Object> column(ColumnSummary column) {
        Boolean asCategory = categorical.get(column.name());
        if (asCategory == null) {
            return value -> { };
        }
        if (asCategory) {
            String[] values = new String[rows];
            strings.put(column.name(), values);
            int[] next = {0};
            return value -> values[next[0]++] = value == null ? "" : value.toString();
        }
        double[] values = new double[rows];
        numbers.put(column.name(), values);
        int[] next = {0};
        return value -> values[next[0]++] = value == null ? Double.NaN : ((Number) value).doubleValue();
    }

    @Override
    public double[] numbers(String column) {
        return numbers.get(column);
    }

    @Override
    public String[] strings(String column) {
        return strings.get(column);
    }
}
