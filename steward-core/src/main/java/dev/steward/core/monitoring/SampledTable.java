package dev.steward.core.monitoring;

import dev.steward.core.training.ColumnarRows;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.TableReader;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The rows of a reference a monitor keeps, in memory, column by column: every row of a version of
 * at most {@code limit} rows, else a uniform sample of {@code limit} rows drawn with a seeded
 * generator (Floyd's algorithm), kept in the version's row order. Numbers as doubles (NaN for
 * missing), text as strings ("" for missing), as {@link ColumnarRows} says. Filled by a table
 * scan, one thread per column; read after the scan returned.
 */
final class SampledTable implements TableReader.RowSink, ColumnarRows {
    private final Map<String, Boolean> asText;
    private final long total;
    /** The kept rows' indexes in the version, ascending; null when every row is kept. */
    private final long[] kept;
    private final int rows;
    private final Map<String, double[]> numbers = new ConcurrentHashMap<>();
    private final Map<String, String[]> strings = new ConcurrentHashMap<>();
    /** Values each column delivered so far. */
    private final Map<String, long[]> delivered = new ConcurrentHashMap<>();

    /** @param asText every column to keep, with whether it is read as text (else as numbers) */
    SampledTable(Map<String, Boolean> asText, long total, int limit, long seed) {
        this.asText = Map.copyOf(asText);
        this.total = total;
        if (total <= limit) {
            this.kept = null;
            this.rows = (int) total;
        } else {
            SplittableRandom random = new SplittableRandom(seed);
            Set<Long> chosen = new HashSet<>();
            for (long j = total - limit; j < total; j++) {
                long t = random.nextLong(j + 1);
                chosen.add(chosen.contains(t) ? j : t);
            }
            long[] indexes = chosen.stream().mapToLong(Long::longValue).toArray();
            Arrays.sort(indexes);
            this.kept = indexes;
            this.rows = limit;
        }
    }

    @Override
    public Consumer<Object> column(ColumnSummary column) {
        Boolean text = asText.get(column.name());
        if (text == null) {
            return value -> { };
        }
        int[] next = {0};
        long[] seen = {0};
        delivered.put(column.name(), seen);
        if (text) {
            String[] values = new String[rows];
            Arrays.fill(values, "");
            strings.put(column.name(), values);
            return value -> {
                long at = seen[0]++;
                if (keeps(at, next)) {
                    values[next[0]++] = ColumnarRows.text(value);
                }
            };
        }
        double[] values = new double[rows];
        Arrays.fill(values, Double.NaN);
        numbers.put(column.name(), values);
        return value -> {
            long at = seen[0]++;
            if (keeps(at, next)) {
                values[next[0]++] = ColumnarRows.number(value);
            }
        };
    }

    private boolean keeps(long row, int[] next) {
        if (next[0] >= rows) {
            return false;
        }
        return kept == null || kept[next[0]] == row;
    }

    /** Checks, after the scan, that every column delivered the version's rows. */
    void checkComplete(String where) {
        for (String column : asText.keySet()) {
            long[] seen = delivered.get(column);
            long got = seen == null ? 0 : seen[0];
            if (got != total) {
                throw StewardException.invalidState(where + " delivered " + got + " values of '" + column + "' where it has " + total + " rows");
            }
        }
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
        return (kept == null ? index : kept[index]) + 1L;
    }
}
