package dev.steward.data.duckdb;

import dev.steward.spi.StewardException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a CSV file's delimiter and checks, in one streaming pass, that every record has as many
 * fields as the first, honouring RFC 4180 quotes (a quoted field may hold delimiters, doubled
 * quotes and line breaks). DuckDB's own sniffer, given a ragged file, may silently settle on a
 * one-column reading; this check turns that into an error naming the line.
 */
final class CsvStructure {
    private static final List<Character> CANDIDATES = List.of(',', ';', '\t', '|');
    private static final int SNIFF_LINES = 100;

    private CsvStructure() {}

    /** The delimiter that splits the first lines into the same number (> 1) of fields most often; ',' otherwise. */
    static char detectDelimiter(Path file, char quote) {
        char best = ',';
        int bestScore = 0;
        for (char candidate : CANDIDATES) {
            Map<Integer, Integer> counts = new HashMap<>();
            try (InputStream in = Files.newInputStream(file)) {
                Records records = new Records(in, candidate, quote);
                for (int i = 0; i < SNIFF_LINES; i++) {
                    Optional<Integer> fields = records.next();
                    if (fields.isEmpty()) {
                        break;
                    }
                    counts.merge(fields.get(), 1, Integer::sum);
                }
            } catch (IOException e) {
                throw StewardException.invalid("file", "cannot read " + file.getFileName() + ": " + e.getMessage());
            } catch (StewardException e) {
                continue;
            }
            for (Map.Entry<Integer, Integer> entry : counts.entrySet()) {
                if (entry.getKey() > 1 && entry.getValue() > bestScore) {
                    best = candidate;
                    bestScore = entry.getValue();
                }
            }
        }
        return best;
    }

    /** Throws INVALID_PARAMETER_VALUE naming the first record whose field count differs from the first record's. */
    static void checkRectangular(Path file, String fileName, char delimiter, char quote) {
        try (InputStream in = Files.newInputStream(file)) {
            Records records = new Records(in, delimiter, quote);
            Optional<Integer> first = records.next();
            if (first.isEmpty()) {
                return;
            }
            while (true) {
                long line = records.line;
                Optional<Integer> fields = records.next();
                if (fields.isEmpty()) {
                    return;
                }
                if (!fields.get().equals(first.get())) {
                    throw StewardException.invalid("file", "cannot read '" + fileName + "' as csv: line " + line + " has " + fields.get()
                            + " fields but the first line has " + first.get() + " (delimiter '" + printable(delimiter) + "')");
                }
            }
        } catch (IOException e) {
            throw StewardException.invalid("file", "cannot read '" + fileName + "': " + e.getMessage());
        }
    }

    private static String printable(char c) {
        return c == '\t' ? "\\t" : String.valueOf(c);
    }

    /** Counts the fields of one record at a time over a raw byte buffer; blank lines are skipped. */
    private static final class Records {
        private final InputStream in;
        private final int delimiter;
        private final int quote;
        private final byte[] buffer = new byte[1 << 16];
        private int position;
        private int limit;
        long line = 1;

        Records(InputStream in, char delimiter, char quote) {
            this.in = in;
            this.delimiter = delimiter;
            this.quote = quote;
        }

        private int read() throws IOException {
            int c = peek();
            if (c != -1) {
                position++;
            }
            return c;
        }

        private int peek() throws IOException {
            if (position == limit) {
                limit = Math.max(0, in.read(buffer, 0, buffer.length));
                position = 0;
                if (limit == 0) {
                    return -1;
                }
            }
            return buffer[position] & 0xff;
        }

        Optional<Integer> next() throws IOException {
            int fields = 1;
            boolean quoted = false;
            boolean any = false;
            long start = line;
            while (true) {
                int c = read();
                if (c == -1) {
                    if (quoted) {
                        throw StewardException.invalid("file", "the quote opened on line " + start + " is never closed");
                    }
                    return any ? Optional.of(fields) : Optional.empty();
                }
                if (c == '\n') {
                    line++;
                }
                if (quoted) {
                    if (c == quote) {
                        if (peek() == quote) {
                            read();
                        } else {
                            quoted = false;
                        }
                    }
                    continue;
                }
                if (c == '\n') {
                    if (any) {
                        return Optional.of(fields);
                    }
                    continue;
                }
                if (c == '\r') {
                    continue;
                }
                any = true;
                if (c == quote) {
                    quoted = true;
                } else if (c == delimiter) {
                    fields++;
                }
            }
        }
    }
}
