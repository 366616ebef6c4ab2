package dev.steward.spi.data;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Reads tabular files (CSV, JSON Lines, JSON arrays, Parquet) without loading them into the Java
 * heap: infers the schema, computes exact column summaries, and streams the distinct values of a
 * subject column. Implementations report unreadable input as {@code INVALID_PARAMETER_VALUE}
 * naming the line or offset where they can. Thread-safe.
 */
public interface TableReader {
    /**
     * Summarises {@code file}; when {@code options.subjectColumn()} is set, also hands every
     * distinct non-null value of that column to {@code subjects}; then hands every value of every
     * column to {@code rows}, in an order that may differ from column to column (for profiles).
     */
    TableSummary read(Path file, String fileName, ReadOptions options, Consumer<String> subjects, RowSink rows);

    /**
     * Streams the values of {@code columns} (as summarised when the file was read before) to
     * {@code rows} in the file's row order, the same for every column, so that the i-th value of
     * each column belongs to row i; without summarising again. A column that is no longer in the file, or no longer
     * of its recorded type, is an {@code INVALID_STATE} error.
     */
    void scan(Path file, String fileName, ReadOptions options, java.util.List<ColumnSummary> columns, RowSink rows);

    /**
     * Receives a table's values column by column: {@link #column} is called once per column and
     * the returned consumer gets that column's values (in row order for {@link #scan}), possibly on its own thread
     * (each consumer is used by one thread only). Values are Long, Double, Boolean or String
     * (dates and times as ISO text), or null.
     */
    interface RowSink {
        RowSink NONE = new RowSink() {
            @Override
            public boolean wantsRows() {
                return false;
            }

            @Override
            public java.util.function.Consumer<Object> column(ColumnSummary column) {
                return value -> { };
            }
        };

        /** False when the values need not be read at all. */
        default boolean wantsRows() {
            return true;
        }

        java.util.function.Consumer<Object> column(ColumnSummary column);
    }
}
