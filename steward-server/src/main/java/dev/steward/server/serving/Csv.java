package dev.steward.server.serving;

import dev.steward.core.serving.RequestInput;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A CSV body as pandas' {@code read_csv} takes it by default: a header row naming the columns,
 * then one row per line, fields separated by commas, optionally in double quotes (a quote inside
 * written twice; a quoted field may span lines); {@code \n} or {@code \r\n} line ends. Every value
 * stays text (an empty one is missing); the model's signature says which columns are numbers.
 */
final class Csv {
    private Csv() {}

    static RequestInput.Table read(String text) {
        List<List<String>> rows = parse(text);
        if (rows.isEmpty()) {
            throw StewardException.of(ErrorCode.MALFORMED_REQUEST, "the CSV body is empty: send a header row naming the columns, then the rows");
        }
        List<String> header = rows.get(0);
        for (int c = 0; c < header.size(); c++) {
            if (header.get(c).isEmpty() || header.indexOf(header.get(c)) != c) {
                throw StewardException.of(ErrorCode.MALFORMED_REQUEST, "the CSV header names column " + (c + 1) + " '" + header.get(c)
                        + "': every column needs a name of its own");
            }
        }
        int n = rows.size() - 1;
        List<Object[]> columns = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            columns.add(new Object[n]);
        }
        for (int r = 0; r < n; r++) {
            List<String> row = rows.get(r + 1);
            if (row.size() != header.size()) {
                throw StewardException.of(ErrorCode.MALFORMED_REQUEST, "CSV line " + (r + 2) + " has " + row.size() + " fields; the header names "
                        + header.size() + " columns");
            }
            for (int c = 0; c < row.size(); c++) {
                columns.get(c)[r] = row.get(c).isEmpty() ? null : row.get(c);
            }
        }
        return new RequestInput.Table("body", header, columns, n, true, Map.of());
    }

    private static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        int i = text.startsWith("\ufeff") ? 1 : 0;
        while (i < text.length()) {
            char c = text.charAt(i++);
            if (quoted) {
                if (c == '"') {
                    if (i < text.length() && text.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.isEmpty() && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i < text.length() && text.charAt(i) == '\n') {
                    i++;
                }
                row.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
                if (!(row.size() == 1 && row.get(0).isEmpty())) {
                    rows.add(row);
                }
                row = new ArrayList<>();
            } else if (wasQuoted) {
                throw StewardException.of(ErrorCode.MALFORMED_REQUEST, "CSV line " + (rows.size() + 1) + " has text after a closing quote");
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw StewardException.of(ErrorCode.MALFORMED_REQUEST, "the CSV body ends inside a quoted field");
        }
        if (!field.isEmpty() || !row.isEmpty() || wasQuoted) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
