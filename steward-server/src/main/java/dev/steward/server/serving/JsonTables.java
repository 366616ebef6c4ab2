package dev.steward.server.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.core.serving.RequestInput;
import dev.steward.spi.StewardException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tables of column values from the JSON shapes the records protocols take: a list of records
 * ({@code {column: value}}), rows of values (by position, or under given column names), and
 * columns of values. A value is a number ({@code Long} or {@code Double}), a string, a boolean or
 * null (missing); anything else is refused naming the column.
 */
final class JsonTables {
    private JsonTables() {}

    /** Records: the columns are the keys in the order they first appear; a record without a key has it missing. */
    static RequestInput.Table records(JsonNode records, String field, Map<String, String> parameters) {
        if (!records.isArray()) {
            throw StewardException.invalid(field, "'" + field + "' must be a list of records, objects of column names to values");
        }
        Map<String, List<Object>> columns = new LinkedHashMap<>();
        int rows = 0;
        for (JsonNode record : records) {
            if (!record.isObject()) {
                throw StewardException.invalid(field + "[" + rows + "]", "record " + rows + " of '" + field + "' is not an object of column names to"
                        + " values");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = record.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                List<Object> column = columns.computeIfAbsent(entry.getKey(), k -> new ArrayList<>());
                while (column.size() < rows) {
                    column.add(null);
                }
                column.add(value(entry.getValue(), entry.getKey()));
            }
            rows++;
        }
        List<Object[]> values = new ArrayList<>();
        for (List<Object> column : columns.values()) {
            while (column.size() < rows) {
                column.add(null);
            }
            values.add(column.toArray());
        }
        return new RequestInput.Table(field, List.copyOf(columns.keySet()), values, rows, false, parameters);
    }

    /** Rows of values, each as long as {@code names} (or, with no names, as the columns the model reads, by position). */
    static RequestInput.Table rows(JsonNode rows, List<String> names, String field, Map<String, String> parameters) {
        if (!rows.isArray()) {
            throw StewardException.invalid(field, "'" + field + "' must be a list of rows");
        }
        int width = -1;
        List<List<Object>> columns = new ArrayList<>();
        int r = 0;
        for (JsonNode row : rows) {
            List<JsonNode> cells = new ArrayList<>();
            if (row.isArray()) {
                row.forEach(cells::add);
            } else {
                cells.add(row);
            }
            if (width < 0) {
                width = names.isEmpty() ? cells.size() : names.size();
                for (int c = 0; c < width; c++) {
                    columns.add(new ArrayList<>());
                }
            }
            if (cells.size() != width) {
                throw StewardException.invalid(field + "[" + r + "]", "row " + r + " of '" + field + "' has " + cells.size() + " values, not " + width
                        + (names.isEmpty() ? " like the first row" : " (one per column of " + names + ")"));
            }
            for (int c = 0; c < width; c++) {
                columns.get(c).add(value(cells.get(c), names.isEmpty() ? field + "[" + r + "][" + c + "]" : names.get(c)));
            }
            r++;
        }
        if (r == 0 && !names.isEmpty()) {
            names.forEach(n -> columns.add(new ArrayList<>()));
        }
        return new RequestInput.Table(field, names, columns.stream().map(List::toArray).toList(), r, false, parameters);
    }

    /** Columns: an object of column names to lists of values (or to one value each, for a single row). */
    static RequestInput.Table columns(JsonNode object, String field, Map<String, String> parameters) {
        List<String> names = new ArrayList<>();
        List<Object[]> values = new ArrayList<>();
        int rows = -1;
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode column = entry.getValue();
            Object[] cells;
            if (column.isArray()) {
                cells = new Object[column.size()];
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = value(column.get(i), entry.getKey());
                }
            } else {
                cells = new Object[] {value(column, entry.getKey())};
            }
            if (rows >= 0 && cells.length != rows) {
                throw StewardException.invalid(entry.getKey(), "the column '" + entry.getKey() + "' of '" + field + "' has " + cells.length
                        + " values, but '" + names.get(0) + "' has " + rows);
            }
            rows = cells.length;
            names.add(entry.getKey());
            values.add(cells);
        }
        return new RequestInput.Table(field, names, values, Math.max(rows, 0), false, parameters);
    }

    /** A JSON value as a table cell. */
    static Object value(JsonNode node, String column) {
        if (node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        throw StewardException.invalid(column, "the value of '" + column + "' is " + (node.isArray() ? "a list" : "an object")
                + ": a column holds one number, string, boolean or null per row");
    }

    /** Scalar parameters (strings, numbers, booleans) as text. */
    static Map<String, String> parameters(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw StewardException.invalid(field, "'" + field + "' must be an object of names to strings, numbers or booleans");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isValueNode() || entry.getValue().isNull()) {
                throw StewardException.invalid(field + "." + entry.getKey(), "'" + field + "." + entry.getKey() + "' must be a string, a number or a"
                        + " boolean");
            }
            parameters.put(entry.getKey(), entry.getValue().asText());
        }
        return parameters;
    }
}
