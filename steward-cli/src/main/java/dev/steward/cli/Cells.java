package dev.steward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How values of the server's JSON look in a table. The server writes an absent optional value as
 * {@code null}, which must show as a blank cell, never as 0.
 */
final class Cells {
    private Cells() {}

    static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : "";
    }

    /** Four significant digits, or blank. */
    static String number(JsonNode node, String field) {
        return node.hasNonNull(field) ? number(node.get(field).asDouble()) : "";
    }

    static String number(double value) {
        return String.format(Locale.ROOT, "%.4g", value);
    }

    /** {@code key=value, ...} of a JSON object by key (the server's maps have no order of their own); empty for none. */
    static String pairs(JsonNode object) {
        List<String> pairs = new ArrayList<>();
        object.fields().forEachRemaining(e -> pairs.add(e.getKey() + "=" + e.getValue().asText()));
        pairs.sort(null);
        return String.join(", ", pairs);
    }

    /** The elements of a JSON array, comma-separated. */
    static String list(JsonNode array) {
        List<String> elements = new ArrayList<>();
        array.forEach(e -> elements.add(e.asText()));
        return String.join(", ", elements);
    }

    /** A metric as logged: whole numbers without a decimal point, others in full. */
    static String metric(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}
