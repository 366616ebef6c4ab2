package dev.steward.spi.data;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * How to read a file. Everything left empty is detected: the format from the file name, and for
 * CSV the delimiter, quote character and whether the first line is a header.
 *
 * @param subjectColumn the column holding data subject ids, when the data is about people
 */
public record ReadOptions(Optional<DataFormat> format, Optional<Character> delimiter, Optional<Character> quote,
        Optional<Boolean> header, Optional<String> subjectColumn) {
    public ReadOptions {
        requireNonNull(format, "format is null");
        requireNonNull(delimiter, "delimiter is null");
        requireNonNull(quote, "quote is null");
        requireNonNull(header, "header is null");
        requireNonNull(subjectColumn, "subjectColumn is null");
    }

    public static ReadOptions detect() {
        return new ReadOptions(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
