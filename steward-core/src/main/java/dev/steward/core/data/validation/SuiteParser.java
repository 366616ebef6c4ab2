package dev.steward.core.data.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.steward.core.stats.MultipleTesting;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads validation suites written in YAML or JSON (JSON is YAML). Every mistake is an
 * {@code INVALID_PARAMETER_VALUE} naming the field by its path, e.g. {@code checks[2].min}, and
 * saying what would be right; unknown keys are mistakes too. Thread-safe.
 */
public final class SuiteParser {
    public static final int MAX_DEFINITION_CHARS = 1_000_000;
    public static final int MAX_CHECKS = 1000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> KINDS = Set.of("row_count", "completeness", "uniqueness", "allowed_values", "range", "pattern", "mean",
            "stddev", "quantile", "schema", "drift");
    private static final Map<String, Double> DRIFT_THRESHOLDS = Map.of("p_value", 0.05, "psi", 0.2, "jensen_shannon", 0.1, "wasserstein", 0.1);

    private SuiteParser() {
    }

    public static ValidationSuite parse(String definition) {
        if (definition == null || definition.isBlank()) {
            throw StewardException.invalid("suite", "the suite is empty: write it in YAML or JSON with a name and a list of checks");
        }
        if (definition.length() > MAX_DEFINITION_CHARS) {
            throw StewardException.invalid("suite", "the suite is longer than " + MAX_DEFINITION_CHARS + " characters");
        }
        JsonNode root;
        try {
            root = YAML.readTree(definition);
        } catch (JsonProcessingException e) {
            throw StewardException.invalid("suite", "the suite is not valid YAML or JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        }
        if (root == null || !root.isObject()) {
            throw StewardException.invalid("suite", "the suite must be a mapping with the keys name, checks and optionally description and on_failure");
        }
        Fields top = new Fields((ObjectNode) root, "");
        String name = top.requiredText("name");
        if (!NAME.matcher(name).matches()) {
            throw StewardException.invalid("name", "suite name '" + name + "' is invalid: use 1 to 200 letters, digits, '.', '_' or '-'");
        }
        Optional<String> description = top.optionalText("description");
        String onFailure = top.optionalText("on_failure").orElse("quarantine");
        if (!onFailure.equals("quarantine") && !onFailure.equals("report")) {
            throw StewardException.invalid("on_failure", "on_failure must be 'quarantine' (the default) or 'report', not '" + onFailure + "'");
        }
        JsonNode checksNode = top.required("checks");
        if (!checksNode.isArray() || checksNode.isEmpty()) {
            throw StewardException.invalid("checks", "checks must be a non-empty list of checks");
        }
        if (checksNode.size() > MAX_CHECKS) {
            throw StewardException.invalid("checks", "a suite can hold at most " + MAX_CHECKS + " checks");
        }
        top.done();
        List<Check> checks = new ArrayList<>();
        for (int i = 0; i < checksNode.size(); i++) {
            JsonNode node = checksNode.get(i);
            String path = "checks[" + i + "]";
            if (!node.isObject()) {
                throw StewardException.invalid(path, path + " must be a mapping with a 'check' key naming one of " + new java.util.TreeSet<>(KINDS));
            }
            checks.add(check(new Fields((ObjectNode) node, path + ".")));
        }
        return new ValidationSuite(name, description, onFailure.equals("quarantine"), checks);
    }

    private static Check check(Fields f) {
        String kind = f.requiredText("check");
        if (!KINDS.contains(kind)) {
            throw f.invalid("check", "unknown check '" + kind + "'; use one of " + new java.util.TreeSet<>(KINDS));
        }
        Optional<String> label = f.optionalText("name");
        String severity = f.optionalText("severity").orElse("error");
        if (!severity.equals("error") && !severity.equals("warning")) {
            throw f.invalid("severity", "severity must be 'error' (the default) or 'warning', not '" + severity + "'");
        }
        Check.Common common = new Check.Common(label, severity.equals("warning"));
        Check check = switch (kind) {
            case "row_count" -> new Check.RowCount(common, bounds(f, "min", "max"));
            case "completeness" -> new Check.Completeness(common, f.requiredText("column"), f.fraction("min", 1.0));
            case "uniqueness" -> new Check.Uniqueness(common, f.requiredText("column"), f.fraction("min", 1.0));
            case "allowed_values" -> new Check.AllowedValues(common, f.requiredText("column"), allowedValues(f), f.fraction("min_fraction", 1.0));
            case "range" -> new Check.Range(common, f.requiredText("column"), bounds(f, "min", "max"), f.fraction("min_fraction", 1.0));
            case "pattern" -> new Check.Matches(common, f.requiredText("column"), regex(f), f.fraction("min_fraction", 1.0));
            case "mean", "stddev" -> new Check.Statistic(common, kind, f.requiredText("column"), OptionalDouble.empty(), bounds(f, "min", "max"));
            case "quantile" -> {
                String column = f.requiredText("column");
                double q = f.fraction("q", Double.NaN);
                if (Double.isNaN(q)) {
                    throw f.invalid("q", "a quantile check needs q, the quantile between 0 and 1 (0.5 for the median)");
                }
                yield new Check.Statistic(common, kind, column, OptionalDouble.of(q), bounds(f, "min", "max"));
            }
            case "schema" -> schema(f, common);
            default -> drift(f, common);
        };
        f.done();
        return check;
    }

    private static Check.Bounds bounds(Fields f, String minKey, String maxKey) {
        OptionalDouble min = f.optionalNumber(minKey);
        OptionalDouble max = f.optionalNumber(maxKey);
        if (min.isEmpty() && max.isEmpty()) {
            throw f.invalid(minKey, "give " + minKey + ", " + maxKey + " or both");
        }
        if (min.isPresent() && max.isPresent() && min.getAsDouble() > max.getAsDouble()) {
            throw f.invalid(minKey, minKey + " (" + min.getAsDouble() + ") is greater than " + maxKey + " (" + max.getAsDouble() + ")");
        }
        return new Check.Bounds(min, max);
    }

    private static List<String> allowedValues(Fields f) {
        JsonNode values = f.required("values");
        if (!values.isArray() || values.isEmpty()) {
            throw f.invalid("values", "values must be a non-empty list of the allowed values");
        }
        List<String> allowed = new ArrayList<>();
        for (JsonNode value : values) {
            if (!value.isValueNode() || value.isNull()) {
                throw f.invalid("values", "values must hold strings, numbers or booleans, not " + value.getNodeType().name().toLowerCase(Locale.ROOT));
            }
            allowed.add(value.asText());
        }
        return allowed;
    }

    private static Pattern regex(Fields f) {
        String regex = f.requiredText("regex");
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw f.invalid("regex", "the regular expression is invalid: " + e.getDescription() + " near index " + e.getIndex());
        }
    }

    private static Check schema(Fields f, Check.Common common) {
        Optional<Integer> reference = f.optionalInt("reference");
        JsonNode columnsNode = f.optional("columns");
        if (reference.isPresent() == (columnsNode != null)) {
            throw f.invalid("columns", "a schema check needs either columns (a list of {name, type, nullable}) or reference (a version number)");
        }
        List<Check.ExpectedColumn> columns = new ArrayList<>();
        if (columnsNode != null) {
            if (!columnsNode.isArray() || columnsNode.isEmpty()) {
                throw f.invalid("columns", "columns must be a non-empty list of {name, type, nullable}");
            }
            for (int i = 0; i < columnsNode.size(); i++) {
                String path = f.prefix + "columns[" + i + "]";
                if (!columnsNode.get(i).isObject()) {
                    throw StewardException.invalid(path, path + " must be a mapping with name, type and optionally nullable");
                }
                Fields c = new Fields((ObjectNode) columnsNode.get(i), path + ".");
                String name = c.requiredText("name");
                String type = c.requiredText("type");
                ColumnType columnType;
                try {
                    columnType = ColumnType.valueOf(type.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw c.invalid("type", "unknown type '" + type + "'; use integer, float, boolean, string, date or timestamp");
                }
                columns.add(new Check.ExpectedColumn(name, columnType, c.optionalBoolean("nullable")));
                c.done();
            }
        }
        return new Check.Schema(common, columns, reference, f.optionalBoolean("allow_extra").orElse(true));
    }

    private static Check drift(Fields f, Check.Common common) {
        int reference = f.optionalInt("reference").orElseThrow(() -> f.invalid("reference", "a drift check needs reference, the version to compare with"));
        List<String> columns = new ArrayList<>();
        JsonNode columnsNode = f.optional("columns");
        if (columnsNode != null) {
            if (!columnsNode.isArray() || columnsNode.isEmpty()) {
                throw f.invalid("columns", "columns must be a non-empty list of column names (leave it out for all columns)");
            }
            columnsNode.forEach(c -> columns.add(c.asText()));
        }
        String statistic = f.optionalText("statistic").orElse("p_value");
        if (!DRIFT_THRESHOLDS.containsKey(statistic)) {
            throw f.invalid("statistic", "unknown statistic '" + statistic + "'; use p_value, psi, jensen_shannon or wasserstein");
        }
        double threshold = f.optionalNumber("threshold").orElse(DRIFT_THRESHOLDS.get(statistic));
        if (!(threshold > 0) || (statistic.equals("p_value") && threshold >= 1)) {
            throw f.invalid("threshold", "threshold must be positive" + (statistic.equals("p_value") ? " and below 1" : ""));
        }
        MultipleTesting correction;
        try {
            correction = MultipleTesting.fromWireName(f.optionalText("correction").orElse("bh"));
        } catch (IllegalArgumentException e) {
            throw f.invalid("correction", e.getMessage());
        }
        int maxDrifted = f.optionalInt("max_drifted_columns").orElse(0);
        if (maxDrifted < 0) {
            throw f.invalid("max_drifted_columns", "max_drifted_columns cannot be negative");
        }
        return new Check.Drift(common, reference, columns, statistic, threshold, correction, maxDrifted);
    }

    /** The keys of one mapping, consumed one by one so that leftovers can be reported as unknown. */
    private static final class Fields {
        private final ObjectNode node;
        private final String prefix;
        private final Set<String> used = new java.util.HashSet<>();

        Fields(ObjectNode node, String prefix) {
            this.node = node;
            this.prefix = prefix;
        }

        StewardException invalid(String key, String message) {
            return StewardException.invalid(prefix + key, prefix + key + ": " + message);
        }

        JsonNode optional(String key) {
            used.add(key);
            JsonNode value = node.get(key);
            return value == null || value.isNull() ? null : value;
        }

        JsonNode required(String key) {
            JsonNode value = optional(key);
            if (value == null) {
                throw invalid(key, "is required");
            }
            return value;
        }

        String requiredText(String key) {
            JsonNode value = required(key);
            if (!value.isTextual() || value.asText().isBlank()) {
                throw invalid(key, "must be a non-empty string");
            }
            return value.asText();
        }

        Optional<String> optionalText(String key) {
            JsonNode value = optional(key);
            if (value == null) {
                return Optional.empty();
            }
            if (!value.isTextual()) {
                throw invalid(key, "must be a string");
            }
            return Optional.of(value.asText());
        }

        OptionalDouble optionalNumber(String key) {
            JsonNode value = optional(key);
            if (value == null) {
                return OptionalDouble.empty();
            }
            if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
                throw invalid(key, "must be a finite number, not '" + value.asText() + "'");
            }
            return OptionalDouble.of(value.asDouble());
        }

        Optional<Integer> optionalInt(String key) {
            JsonNode value = optional(key);
            if (value == null) {
                return Optional.empty();
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw invalid(key, "must be a whole number, not '" + value.asText() + "'");
            }
            return Optional.of(value.asInt());
        }

        Optional<Boolean> optionalBoolean(String key) {
            JsonNode value = optional(key);
            if (value == null) {
                return Optional.empty();
            }
            if (!value.isBoolean()) {
                throw invalid(key, "must be true or false");
            }
            return Optional.of(value.asBoolean());
        }

        double fraction(String key, double fallback) {
            OptionalDouble value = optionalNumber(key);
            if (value.isEmpty()) {
                return fallback;
            }
            if (value.getAsDouble() < 0 || value.getAsDouble() > 1) {
                throw invalid(key, "must be a fraction between 0 and 1, not " + value.getAsDouble());
            }
            return value.getAsDouble();
        }

        void done() {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!used.contains(name)) {
                    throw invalid(name, "unknown key; see docs/validation.md for the keys of each check");
                }
            }
        }
    }
}
