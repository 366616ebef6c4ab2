package dev.steward.core.monitoring;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.StewardException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The condition of an alert rule: {@code <metric> <op> <number>}, e.g. {@code drifted_features >= 2},
 * {@code mmd_p_value < 0.01}, {@code estimated_accuracy < 0.8}. A metric a window does not have
 * (no labels yet, MMD off) makes the condition false for that window, never true.
 */
public record AlertCondition(Metric metric, Operator operator, double threshold) {
    private static final Pattern FORM = Pattern.compile("\\s*([a-z_]+)\\s*(<=|>=|==|!=|<|>)\\s*([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*");

    public AlertCondition {
        requireNonNull(metric, "metric is null");
        requireNonNull(operator, "operator is null");
        if (!Double.isFinite(threshold)) {
            throw StewardException.invalid("alerts.when", "the threshold must be a finite number");
        }
    }

    /** What a rule may look at: one number per evaluated window, or none. */
    public enum Metric {
        /** Features flagged as drifted in the window. */
        DRIFTED_FEATURES,
        /** Drifted features over features compared, in [0, 1]. */
        DRIFT_SHARE,
        /** The MMD permutation test's p-value. */
        MMD_P_VALUE,
        /** Rows scoring above the outlier threshold over rows, in [0, 1]. */
        OUTLIER_RATE,
        /** Realised accuracy from feedback (classification). */
        ACCURACY,
        /** Accuracy estimated without labels (classification). */
        ESTIMATED_ACCURACY,
        /** Mean absolute error from feedback (regression). */
        MAE,
        /** The p-value of the predictions' drift test against the reference's predictions. */
        PREDICTION_DRIFT_P_VALUE,
        /** The p-value of the ground truth's drift test against the reference's labels. */
        LABEL_DRIFT_P_VALUE,
        /** Rows in the window. */
        ROWS;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Operator {
        LT("<"), LE("<="), GT(">"), GE(">="), EQ("=="), NE("!=");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        boolean test(double value, double threshold) {
            return switch (this) {
                case LT -> value < threshold;
                case LE -> value <= threshold;
                case GT -> value > threshold;
                case GE -> value >= threshold;
                case EQ -> value == threshold;
                case NE -> value != threshold;
            };
        }
    }

    /** Parses {@code text}; errors name {@code field} and say what is expected. */
    public static AlertCondition parse(String field, String text) {
        requireNonNull(text, "text is null");
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw StewardException.invalid(field, field + " '" + text + "' is not <metric> <op> <number>, e.g. 'drifted_features >= 2'; metrics: "
                    + metricNames());
        }
        Optional<Metric> metric = Arrays.stream(Metric.values()).filter(x -> x.wireName().equals(m.group(1))).findFirst();
        if (metric.isEmpty()) {
            throw StewardException.invalid(field, field + " names an unknown metric '" + m.group(1) + "'; metrics: " + metricNames());
        }
        Operator operator = Arrays.stream(Operator.values()).filter(o -> o.symbol.equals(m.group(2))).findFirst().orElseThrow();
        double threshold = Double.parseDouble(m.group(3));
        Metric x = metric.get();
        boolean fraction = x == Metric.DRIFT_SHARE || x == Metric.MMD_P_VALUE || x == Metric.OUTLIER_RATE || x == Metric.ACCURACY
                || x == Metric.ESTIMATED_ACCURACY || x == Metric.PREDICTION_DRIFT_P_VALUE || x == Metric.LABEL_DRIFT_P_VALUE;
        if (fraction && (threshold < 0 || threshold > 1)) {
            throw StewardException.invalid(field, field + ": " + x.wireName() + " lies in [0, 1], so " + threshold + " is not a threshold for it");
        }
        if (!fraction && threshold < 0) {
            throw StewardException.invalid(field, field + ": " + x.wireName() + " is never negative, so " + threshold + " is not a threshold for it");
        }
        return new AlertCondition(x, operator, threshold);
    }

    /** Whether the condition holds for a window with this value of the metric (none: false). */
    public boolean holds(OptionalDouble value) {
        return value.isPresent() && operator.test(value.getAsDouble(), threshold);
    }

    /** The condition as written canonically. */
    public String text() {
        return metric.wireName() + " " + operator.symbol + " " + (threshold == Math.rint(threshold) && Math.abs(threshold) < 1e15
                ? String.valueOf((long) threshold) : String.valueOf(threshold));
    }

    private static String metricNames() {
        return Arrays.stream(Metric.values()).map(Metric::wireName).collect(Collectors.joining(", "));
    }
}
