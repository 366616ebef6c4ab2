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
     * distinct non-null value of that column to {@code subjects}; then hands every row to
     * {@code rows}.
     */
    TableSummary read(Path file, String fileName, ReadOptions options, Consumer<String> subjects, RowSink rows);

    /** Receives a table's rows: values are Long, Double, Boolean or String (dates and times as ISO text), or null. */
    interface RowSink {
        RowSink NONE = new RowSink() {
            @Override
            public boolean wantsRows() {
                return false;
            }

            @Override
            public void row(Object[] values) {
                // Discards rows.
            }
        };

        /** False when the rows need not be read at all. */
        default boolean wantsRows() {
            return true;
        }

        /** Called once, before the first row, with the table's columns. */
        default void start(java.util.List<ColumnSummary> columns) {
            // Sinks that need the columns override this.
        }

        void row(Object[] values);
    }
}
