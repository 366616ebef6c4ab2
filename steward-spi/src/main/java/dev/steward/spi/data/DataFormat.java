package dev.steward.spi.data;

import dev.steward.spi.StewardException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** File formats a dataset version can be imported from. */
public enum DataFormat {
    CSV("csv"),
    JSONL("jsonl"),
    JSON("json"),
    PARQUET("parquet");

    private final String wireName;

    DataFormat(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static DataFormat parse(String text) {
        for (DataFormat format : values()) {
            if (format.wireName.equalsIgnoreCase(text)) {
                return format;
            }
        }
        throw StewardException.invalid("format", "unknown format '" + text + "'; use one of " + names());
    }

    /** The format a file name's extension suggests ({@code .csv}, {@code .tsv}, {@code .jsonl}, {@code .ndjson}, {@code .json}, {@code .parquet}). */
    public static Optional<DataFormat> fromFileName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv") || lower.endsWith(".tsv") || lower.endsWith(".txt")) {
            return Optional.of(CSV);
        }
        if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            return Optional.of(JSONL);
        }
        if (lower.endsWith(".json")) {
            return Optional.of(JSON);
        }
        if (lower.endsWith(".parquet") || lower.endsWith(".pq")) {
            return Optional.of(PARQUET);
        }
        return Optional.empty();
    }

    public static String names() {
        return Arrays.stream(values()).map(DataFormat::wireName).collect(Collectors.joining(", "));
    }
}
