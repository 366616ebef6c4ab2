package dev.steward.core.data.compare;

import dev.steward.spi.data.ColumnType;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The values of one column gathered for a comparison: every finite number (sorted when done) of a
 * numeric column, or the count of each category of a categorical one, plus how many values were
 * missing. Filled by one thread, then read-only.
 */
public final class ColumnSample implements Consumer<Object> {
    /** A categorical column with more categories than this is not tested: each category would be too rare. */
    public static final int MAX_CATEGORIES = 10_000;

    private final String column;
    private final ColumnType type;
    private double[] numbers = new double[1024];
    private int size;
    private final Map<String, long[]> categories = new TreeMap<>();
    private boolean tooManyCategories;
    private long missing;
    private boolean sorted;

    public ColumnSample(String column, ColumnType type) {
        this.column = column;
        this.type = type;
    }

    /** Numbers for integer and float columns, categories for strings and booleans; dates and times are not sampled. */
    public static boolean comparable(ColumnType type) {
        return type != ColumnType.DATE && type != ColumnType.TIMESTAMP;
    }

    public String column() {
        return column;
    }

    public ColumnType type() {
        return type;
    }

    public boolean numeric() {
        return type.numeric();
    }

    @Override
    public void accept(Object value) {
        if (value == null) {
            missing++;
            return;
        }
        if (type.numeric()) {
            double number = ((Number) value).doubleValue();
            if (!Double.isFinite(number)) {
                missing++;
                return;
            }
            if (size == numbers.length) {
                numbers = Arrays.copyOf(numbers, numbers.length * 2);
            }
            numbers[size++] = number;
        } else {
            String category = value.toString();
            long[] count = categories.get(category);
            if (count != null) {
                count[0]++;
            } else if (categories.size() < MAX_CATEGORIES) {
                categories.put(category, new long[] {1});
            } else {
                tooManyCategories = true;
            }
        }
    }

    /** The finite values of a numeric column, sorted ascending. */
    public double[] sortedNumbers() {
        if (!sorted) {
            numbers = Arrays.copyOf(numbers, size);
            Arrays.sort(numbers);
            sorted = true;
        }
        return numbers;
    }

    /** Category → count, in category order. */
    public Map<String, Long> categories() {
        Map<String, Long> counts = new TreeMap<>();
        categories.forEach((k, v) -> counts.put(k, v[0]));
        return Collections.unmodifiableMap(counts);
    }

    public boolean tooManyCategories() {
        return tooManyCategories;
    }

    /** Values that were null, NaN or infinite. */
    public long missing() {
        return missing;
    }

    /** Values that take part in the comparison. */
    public long count() {
        return type.numeric() ? size : categories.values().stream().mapToLong(c -> c[0]).sum();
    }

    /** Rough heap bytes a sample of {@code rows} values of this type takes. */
    public static long estimatedBytes(ColumnType type, long rows) {
        return type.numeric() ? rows * 8L * 2 : 64L * MAX_CATEGORIES;
    }
}
