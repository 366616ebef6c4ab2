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
     * distinct non-null value of that column to {@code subjects}.
     */
    TableSummary read(Path file, String fileName, ReadOptions options, Consumer<String> subjects);
}
