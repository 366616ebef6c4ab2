package dev.steward.core.data.validation;

import static java.util.Objects.requireNonNull;

import dev.steward.core.stats.MultipleTesting;
import dev.steward.spi.data.ColumnType;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/** One declarative check of a validation suite. Immutable. */
public sealed interface Check {
    /** What the check is called in suites and reports ({@code completeness}, {@code range}, …). */
    String kind();

    Common common();

    /** A column the check is about, when it is about one. */
    default Optional<String> column() {
        return Optional.empty();
    }

    /** What every check has: an optional label and whether a failure fails the suite. */
    record Common(Optional<String> label, boolean warning) {
        public Common {
            requireNonNull(label, "label is null");
        }
    }

    /** A lower and/or upper bound, inclusive. */
    record Bounds(OptionalDouble min, OptionalDouble max) {
        boolean contains(double value) {
            return (min.isEmpty() || value >= min.getAsDouble()) && (max.isEmpty() || value <= max.getAsDouble());
        }

        String describe() {
            if (min.isPresent() && max.isPresent()) {
                return "between " + Format.number(min.getAsDouble()) + " and " + Format.number(max.getAsDouble());
            }
            return min.isPresent() ? ">= " + Format.number(min.getAsDouble()) : "<= " + Format.number(max.getAsDouble());
        }
    }

    record RowCount(Common common, Bounds bounds) implements Check {
        public String kind() {
            return "row_count";
        }
    }

    /** The share of non-null values is at least {@code min}. */
    record Completeness(Common common, String name, double min) implements Check {
        public String kind() {
            return "completeness";
        }

        public Optional<String> column() {
            return Optional.of(name);
        }
    }

    /** The share of non-null values that occur exactly once is at least {@code min}. */
    record Uniqueness(Common common, String name, double min) implements Check {
        public String kind() {
            return "uniqueness";
        }

        public Optional<String> column() {
            return Optional.of(name);
        }
    }

    /** At least {@code minFraction} of the non-null values are among {@code values} (compared as text, numbers as numbers). */
    record AllowedValues(Common common, String name, List<String> values, double minFraction) implements Check {
        public AllowedValues {
            values = List.copyOf(values);
        }

        public String kind() {
            return "allowed_values";
        }

        public Optional<String> column() {
            return Optional.of(name);
        }
    }

    /** At least {@code minFraction} of the non-null values lie within the bounds. */
    record Range(Common common, String name, Bounds bounds, double minFraction) implements Check {
        public String kind() {
            return "range";
        }

        public Optional<String> column() {
            return Optional.of(name);
        }
    }

    /** At least {@code minFraction} of the non-null values match the regular expression entirely. */
    record Matches(Common common, String name, Pattern regex, double minFraction) implements Check {
        public String kind() {
            return "pattern";
        }

        public Optional<String> column() {
            return Optional.of(name);
        }
    }

    /** The column's exact mean, sample standard deviation or quantile (NumPy's linear definition) lies within bounds. */
    record Statistic(Common common, String kind, String name, OptionalDouble quantile, Bounds bounds) implements Check {
        public Optional<String> column() {
            return Optional.of(name);
        }
    }

    /** The columns exist with these types (and nullability, when given); extra columns allowed or not. */
    record Schema(Common common, List<ExpectedColumn> columns, Optional<Integer> reference, boolean allowExtra) implements Check {
        public Schema {
            columns = List.copyOf(columns);
        }

        public String kind() {
            return "schema";
        }
    }

    record ExpectedColumn(String name, ColumnType type, Optional<Boolean> nullable) {
    }

    /**
     * No more than {@code maxDriftedColumns} columns drifted from a reference version.
     *
     * @param statistic {@code p_value} (drift when the corrected p-value is below the threshold),
     *     {@code psi}, {@code jensen_shannon} or {@code wasserstein} (drift when above)
     */
    record Drift(Common common, int reference, List<String> columns, String statistic, double threshold, MultipleTesting correction,
            int maxDriftedColumns) implements Check {
        public Drift {
            columns = List.copyOf(columns);
        }

        public String kind() {
            return "drift";
        }
    }
}
