package dev.steward.core.feasibility;

import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.TableReader;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The rows a study reads, kept while a table scan streams every row: only the sampled rows'
 * values of the chosen columns stay in memory, numbers as doubles ({@code NaN} when missing or
 * not finite), text as strings ({@code null} when missing; booleans as {@code true}/{@code false}).
 * Filled by a scan, one thread per column; read after the scan returned.
 */
final class SampledRows implements TableReader.RowSink {
    private final Map<String, Boolean> asText;
    private final long[] positions;
    private final Map<String, double[]> numbers = new ConcurrentHashMap<>();
    private final Map<String, String[]> strings = new ConcurrentHashMap<>();

    /** {@code asText}: for every column to keep, whether to read it as text; {@code positions}: the rows to keep, ascending. */
    private SampledRows(Map<String, Boolean> asText, long[] positions) {
        this.asText = Map.copyOf(asText);
        this.positions = positions;
    }

    /**
     * Keeps {@code sample} rows of a table of {@code rows}, drawn uniformly without replacement
     * (Floyd's algorithm: {@code sample} draws whatever the table's size), or all of them when
     * it has no more.
     */
    static SampledRows of(Map<String, Boolean> asText, long rows, int sample, Random random) {
        if (rows <= sample) {
            long[] all = new long[(int) rows];
            Arrays.setAll(all, i -> i);
            return new SampledRows(asText, all);
        }
        Set<Long> chosen = new HashSet<>();
        for (long j = rows - sample; j < rows; j++) {
            long t = (long) (random.nextDouble() * (j + 1));
            if (!chosen.add(t)) {
                chosen.add(j);
            }
        }
        return new SampledRows(asText, chosen.stream().mapToLong(Long::longValue).sorted().toArray());
    }

    int rows() {
        return positions.length;
    }

    @Override
    public Consumer<Object> column(ColumnSummary column) {
        Boolean text = asText.get(column.name());
        if (text == null) {
            return value -> { };
        }
        int[] next = {0};
        long[] row = {0};
        if (text) {
            String[] values = new String[positions.length];
            strings.put(column.name(), values);
            return value -> {
                long at = row[0]++;
                if (next[0] < positions.length && positions[next[0]] == at) {
                    values[next[0]++] = value == null ? null : value.toString();
                }
            };
        }
        double[] values = new double[positions.length];
        Arrays.fill(values, Double.NaN);
        numbers.put(column.name(), values);
        return value -> {
            long at = row[0]++;
            if (next[0] < positions.length && positions[next[0]] == at) {
                double v = value == null ? Double.NaN : ((Number) value).doubleValue();
                values[next[0]++] = Double.isFinite(v) ? v : Double.NaN;
            }
        };
    }

    double[] numbers(String column) {
        return numbers.get(column);
    }

    String[] strings(String column) {
        return strings.get(column);
    }
}
