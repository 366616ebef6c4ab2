package dev.steward.spi.data;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A column's schema and exact summary statistics in one version.
 *
 * @param nullCount missing values (empty CSV cells, JSON nulls)
 * @param distinctCount number of distinct non-null values
 * @param min smallest value (numbers, dates and times as text too, so every type fits)
 * @param domain every distinct value, sorted, when there are at most {@link #MAX_DOMAIN}
 */
public record ColumnSummary(int position, String name, ColumnType type, boolean nullable, long nullCount, long distinctCount,
        Optional<String> min, Optional<String> max, OptionalDouble mean, OptionalDouble stddev, Optional<List<String>> domain) {
    /** Columns with more distinct values than this are not categorical: no domain is kept. */
    public static final int MAX_DOMAIN = 50;

    public ColumnSummary {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(min, "min is null");
        requireNonNull(max, "max is null");
        requireNonNull(mean, "mean is null");
        requireNonNull(stddev, "stddev is null");
        domain = domain.map(List::copyOf);
    }
}
