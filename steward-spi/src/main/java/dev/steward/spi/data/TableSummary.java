package dev.steward.spi.data;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** What a reader found in a file: its format, row count and columns. */
public record TableSummary(DataFormat format, long rowCount, List<ColumnSummary> columns) {
    public TableSummary {
        requireNonNull(format, "format is null");
        columns = List.copyOf(columns);
    }
}
