package dev.steward.core.stats;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the CSV fixtures {@code docs/monitoring/fixtures.py} writes (a header, fields quoted when
 * they hold a comma, doubles written with Python's {@code repr}).
 */
public final class FixtureCsv {
    private FixtureCsv() {
    }

    /** The rows of a resource under {@code /stats/}, each as header → field. */
    public static List<Map<String, String>> read(String name) {
        try (InputStream in = FixtureCsv.class.getResourceAsStream("/stats/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture /stats/" + name + ": run docs/monitoring/fixtures.py");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String> header = fields(reader.readLine());
            List<Map<String, String>> rows = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                List<String> fields = fields(line);
                if (fields.size() != header.size()) {
                    throw new IllegalStateException(name + ": a row of " + fields.size() + " fields under a header of " + header.size() + ": " + line);
                }
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.size(); i++) {
                    row.put(header.get(i), fields.get(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A field of space-separated doubles ({@code nan} for NaN). */
    public static double[] doubles(String field) {
        return Arrays.stream(field.trim().split(" ")).mapToDouble(FixtureCsv::number).toArray();
    }

    public static double number(String text) {
        return switch (text) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    /** Whether {@code actual} is within {@code relative} of {@code expected}, or within {@code floor} of it. */
    public static boolean close(double actual, double expected, double relative, double floor) {
        return Math.abs(actual - expected) <= Math.max(relative * Math.abs(expected), floor);
    }

    private static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
