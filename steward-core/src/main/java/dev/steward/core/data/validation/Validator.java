package dev.steward.core.data.validation;

import static java.util.Objects.requireNonNull;

import dev.steward.core.data.compare.ColumnDrift;
import dev.steward.core.data.compare.DatasetComparison;
import dev.steward.core.data.compare.DriftOptions;
import dev.steward.core.stats.QuantileBins;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.ColumnType;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.data.TableReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.datasketches.hash.MurmurHash3;

/**
 * Runs the checks of a suite on a dataset version. Row counts, completeness, means and standard
 * deviations come from the exact summaries stored with the version; uniqueness, allowed values,
 * ranges, patterns and quantiles from one scan of the columns they name; drift from a comparison
 * with the reference version. Every result is exact, except that uniqueness of text compares
 * 64-bit fingerprints (a false collision among a million values has a chance below 1e-7).
 * Stateless.
 */
public final class Validator {
    /** What the validator reads. */
    public interface Data {
        DatasetVersion version();

        /** Another version of the same dataset. */
        DatasetVersion version(int number);

        /** Streams the values of these columns of {@link #version()}. */
        void scan(List<ColumnSummary> columns, TableReader.RowSink sink);

        /** Compares {@link #version()} with another version of the dataset. */
        DatasetComparison compare(int referenceVersion, DriftOptions options);
    }

    private Validator() {
    }

    public static List<CheckResult> run(ValidationSuite suite, Data data) {
        requireNonNull(suite, "suite is null");
        requireNonNull(data, "data is null");
        DatasetVersion version = data.version();
        Map<String, ColumnSummary> columns = new LinkedHashMap<>();
        version.columns().forEach(c -> columns.put(c.name(), c));
        Map<Integer, Evaluator> evaluators = new TreeMap<>();
        Map<String, List<Evaluator>> byColumn = new LinkedHashMap<>();
        for (int i = 0; i < suite.checks().size(); i++) {
            Check check = suite.checks().get(i);
            Optional<Evaluator> evaluator = evaluator(check, columns);
            if (evaluator.isPresent()) {
                evaluators.put(i, evaluator.get());
                byColumn.computeIfAbsent(check.column().orElseThrow(), k -> new ArrayList<>()).add(evaluator.get());
            }
        }
        if (!byColumn.isEmpty()) {
            List<ColumnSummary> scanned = byColumn.keySet().stream().map(columns::get).toList();
            data.scan(scanned, column -> {
                List<Evaluator> each = byColumn.get(column.name());
                return value -> each.forEach(e -> e.accept(value));
            });
        }
        List<CheckResult> results = new ArrayList<>();
        for (int i = 0; i < suite.checks().size(); i++) {
            Check check = suite.checks().get(i);
            results.add(evaluate(i, check, version, columns, evaluators.get(i), data));
        }
        return results;
    }

    private static CheckResult evaluate(int index, Check check, DatasetVersion version, Map<String, ColumnSummary> columns, Evaluator evaluator,
            Data data) {
        Result r = new Result(index, check);
        Optional<String> columnName = check.column();
        if (columnName.isPresent() && !columns.containsKey(columnName.get())) {
            return r.fail(Optional.empty(), "the column exists", "there is no column '" + columnName.get() + "'; the columns are "
                    + columns.keySet());
        }
        ColumnSummary column = columnName.map(columns::get).orElse(null);
        if (column != null && needsNumbers(check) && !column.type().numeric()) {
            return r.fail(Optional.empty(), "a numeric column", "column '" + column.name() + "' is " + typeName(column.type()) + "; a "
                    + check.kind() + " check needs numbers");
        }
        if (check instanceof Check.RowCount c) {
            return r.bounded(version.rowCount(), c.bounds(), "the version has " + version.rowCount() + " rows");
        }
        if (check instanceof Check.Completeness c) {
            double observed = version.rowCount() == 0 ? 1.0 : (double) (version.rowCount() - column.nullCount()) / version.rowCount();
            return r.atLeast(observed, c.min(), "column '" + c.name() + "' is " + percent(observed) + " complete ("
                    + column.nullCount() + " of " + version.rowCount() + " values missing)");
        }
        if (check instanceof Check.Uniqueness c) {
            return evaluator.result(r, c.min());
        }
        if (check instanceof Check.AllowedValues c) {
            return evaluator.result(r, c.minFraction());
        }
        if (check instanceof Check.Range c) {
            return evaluator.result(r, c.minFraction());
        }
        if (check instanceof Check.Matches c) {
            return evaluator.result(r, c.minFraction());
        }
        if (check instanceof Check.Statistic c) {
            if (c.kind().equals("quantile")) {
                return evaluator.result(r, 0);
            }
            OptionalDouble value = c.kind().equals("mean") ? column.mean() : column.stddev();
            if (value.isEmpty()) {
                return r.fail(Optional.empty(), c.bounds().describe(), "column '" + c.name() + "' has too few values for a " + c.kind());
            }
            return r.bounded(value.getAsDouble(), c.bounds(), "the " + (c.kind().equals("mean") ? "mean" : "standard deviation")
                    + " of column '" + c.name() + "' is " + Format.number(value.getAsDouble()));
        }
        if (check instanceof Check.Schema c) {
            return schema(r, c, columns, data);
        }
        return drift(r, (Check.Drift) check, data);
    }

    private static boolean needsNumbers(Check check) {
        return check instanceof Check.Range || check instanceof Check.Statistic;
    }

    private static CheckResult schema(Result r, Check.Schema check, Map<String, ColumnSummary> columns, Data data) {
        List<Check.ExpectedColumn> expected = check.columns();
        if (check.reference().isPresent()) {
            expected = data.version(check.reference().get()).columns().stream()
                    .map(c -> new Check.ExpectedColumn(c.name(), c.type(), Optional.of(c.nullable()))).toList();
        }
        List<String> problems = new ArrayList<>();
        Set<String> named = new HashSet<>();
        for (Check.ExpectedColumn e : expected) {
            named.add(e.name());
            ColumnSummary actual = columns.get(e.name());
            if (actual == null) {
                problems.add("column '" + e.name() + "' is missing");
                continue;
            }
            if (actual.type() != e.type()) {
                problems.add("column '" + e.name() + "' is " + typeName(actual.type()) + ", not " + typeName(e.type()));
            }
            if (e.nullable().isPresent() && !e.nullable().get() && actual.nullable()) {
                problems.add("column '" + e.name() + "' has " + actual.nullCount() + " missing values but must have none");
            }
        }
        if (!check.allowExtra()) {
            columns.keySet().stream().filter(n -> !named.contains(n)).forEach(n -> problems.add("column '" + n + "' is not in the schema"));
        }
        String wanted = check.reference().map(v -> "the schema of version " + v).orElse(expected.size() + " declared columns")
                + (check.allowExtra() ? "" : " and no others");
        if (problems.isEmpty()) {
            return r.pass(Optional.of(List.of()), wanted, "the schema conforms to " + wanted);
        }
        return r.fail(Optional.of(problems), wanted, String.join("; ", problems));
    }

    private static CheckResult drift(Result r, Check.Drift check, Data data) {
        double alpha = check.statistic().equals("p_value") ? check.threshold() : 0.05;
        DatasetComparison comparison = data.compare(check.reference(), new DriftOptions(check.correction(), alpha, 10, check.columns()));
        Map<String, Object> drifted = new TreeMap<>();
        for (ColumnDrift column : comparison.columns()) {
            OptionalDouble value = switch (check.statistic()) {
                case "p_value" -> column.adjustedPValue();
                case "psi" -> column.psi();
                case "jensen_shannon" -> column.jensenShannon();
                default -> column.wasserstein();
            };
            boolean moved = check.statistic().equals("p_value") ? column.drifted() : value.isPresent() && value.getAsDouble() > check.threshold();
            if (moved) {
                drifted.put(column.column(), value.getAsDouble());
            }
        }
        String comparator = check.statistic().equals("p_value") ? "corrected p-value below " : check.statistic() + " above ";
        String expected = "at most " + check.maxDriftedColumns() + " columns with " + comparator + Format.number(check.threshold())
                + " against version " + check.reference();
        String message = drifted.isEmpty() ? "no column drifted from version " + check.reference()
                : drifted.size() + " column(s) drifted from version " + check.reference() + ": " + drifted;
        return drifted.size() <= check.maxDriftedColumns() ? r.pass(Optional.of(drifted), expected, message)
                : r.fail(Optional.of(drifted), expected, message);
    }

    private static Optional<Evaluator> evaluator(Check check, Map<String, ColumnSummary> columns) {
        Optional<ColumnSummary> column = check.column().map(columns::get);
        if (column.isEmpty() || (needsNumbers(check) && !column.get().type().numeric())) {
            return Optional.empty();
        }
        ColumnSummary c = column.get();
        if (check instanceof Check.Uniqueness) {
            return Optional.of(new UniquenessEvaluator(c));
        }
        if (check instanceof Check.AllowedValues a) {
            return Optional.of(new AllowedEvaluator(c, a));
        }
        if (check instanceof Check.Range range) {
            return Optional.of(new RangeEvaluator(c, range));
        }
        if (check instanceof Check.Matches m) {
            return Optional.of(new PatternEvaluator(c, m));
        }
        if (check instanceof Check.Statistic s && s.kind().equals("quantile")) {
            return Optional.of(new QuantileEvaluator(c, s));
        }
        return Optional.empty();
    }

    /** Watches one column's values during the scan, then judges them. */
    private abstract static class Evaluator implements Consumer<Object> {
        final ColumnSummary column;
        long nonNull;

        Evaluator(ColumnSummary column) {
            this.column = column;
        }

        @Override
        public void accept(Object value) {
            if (value != null && !(value instanceof Double d && d.isNaN())) {
                nonNull++;
                observe(value);
            }
        }

        abstract void observe(Object value);

        abstract CheckResult result(Result r, double minFraction);
    }

    /** Counts how many non-null values pass a test. */
    private abstract static class ShareEvaluator extends Evaluator {
        private long passing;
        private final Map<String, Long> failingExamples = new LinkedHashMap<>();

        ShareEvaluator(ColumnSummary column) {
            super(column);
        }

        abstract boolean test(Object value);

        abstract String expectation();

        @Override
        void observe(Object value) {
            if (test(value)) {
                passing++;
            } else if (failingExamples.size() < 5 || failingExamples.containsKey(value.toString())) {
                failingExamples.merge(value.toString(), 1L, Long::sum);
            }
        }

        @Override
        CheckResult result(Result r, double minFraction) {
            double share = nonNull == 0 ? 1.0 : (double) passing / nonNull;
            String expected = (minFraction >= 1.0 ? "every" : "at least " + percent(minFraction) + " of the") + " non-null value(s) "
                    + expectation();
            String message = percent(share) + " of the " + nonNull + " non-null values of column '" + column.name() + "' " + expectation()
                    + (failingExamples.isEmpty() ? "" : "; values that do not, with counts: " + failingExamples);
            return share >= minFraction ? r.pass(Optional.of(share), expected, message) : r.fail(Optional.of(share), expected, message);
        }
    }

    private static final class AllowedEvaluator extends ShareEvaluator {
        private final Set<String> text;
        private final Set<Double> numbers = new HashSet<>();
        private final List<String> values;

        AllowedEvaluator(ColumnSummary column, Check.AllowedValues check) {
            super(column);
            this.values = check.values();
            this.text = new HashSet<>(check.values());
            if (column.type().numeric()) {
                for (String v : check.values()) {
                    try {
                        numbers.add(Double.parseDouble(v));
                    } catch (NumberFormatException e) {
                        // a word among the allowed numbers matches nothing
                    }
                }
            }
        }

        @Override
        boolean test(Object value) {
            return value instanceof Number n ? numbers.contains(n.doubleValue()) : text.contains(value.toString());
        }

        @Override
        String expectation() {
            return "are among " + values;
        }
    }

    private static final class RangeEvaluator extends ShareEvaluator {
        private final Check.Bounds bounds;

        RangeEvaluator(ColumnSummary column, Check.Range check) {
            super(column);
            this.bounds = check.bounds();
        }

        @Override
        boolean test(Object value) {
            return bounds.contains(((Number) value).doubleValue());
        }

        @Override
        String expectation() {
            return "are " + bounds.describe();
        }
    }

    private static final class PatternEvaluator extends ShareEvaluator {
        private final java.util.regex.Pattern regex;

        PatternEvaluator(ColumnSummary column, Check.Matches check) {
            super(column);
            this.regex = check.regex();
        }

        @Override
        boolean test(Object value) {
            return regex.matcher(value.toString()).matches();
        }

        @Override
        String expectation() {
            return "match /" + regex.pattern() + "/";
        }
    }

    private static final class UniquenessEvaluator extends Evaluator {
        private long[] fingerprints = new long[1024];

        UniquenessEvaluator(ColumnSummary column) {
            super(column);
        }

        @Override
        void observe(Object value) {
            long fingerprint;
            if (value instanceof Long l) {
                fingerprint = l;
            } else if (value instanceof Double d) {
                fingerprint = Double.doubleToLongBits(d == 0.0 ? 0.0 : d);
            } else {
                fingerprint = MurmurHash3.hash(value.toString().getBytes(StandardCharsets.UTF_8), 0x5EED)[0];
            }
            if (nonNull > fingerprints.length) {
                fingerprints = Arrays.copyOf(fingerprints, fingerprints.length * 2);
            }
            fingerprints[(int) nonNull - 1] = fingerprint;
        }

        @Override
        CheckResult result(Result r, double min) {
            long[] sorted = Arrays.copyOf(fingerprints, (int) nonNull);
            Arrays.sort(sorted);
            long single = 0;
            long distinct = 0;
            for (int i = 0; i < sorted.length; ) {
                int j = i;
                while (j < sorted.length && sorted[j] == sorted[i]) {
                    j++;
                }
                distinct++;
                if (j - i == 1) {
                    single++;
                }
                i = j;
            }
            double uniqueness = nonNull == 0 ? 1.0 : (double) single / nonNull;
            Map<String, Object> observed = new LinkedHashMap<>();
            observed.put("uniqueness", uniqueness);
            observed.put("distinct", distinct);
            observed.put("non_null", nonNull);
            String message = percent(uniqueness) + " of the " + nonNull + " non-null values of column '" + column.name()
                    + "' occur exactly once (" + distinct + " distinct)";
            String expected = "uniqueness >= " + Format.number(min);
            return uniqueness >= min ? r.pass(Optional.of(observed), expected, message) : r.fail(Optional.of(observed), expected, message);
        }
    }

    private static final class QuantileEvaluator extends Evaluator {
        private final Check.Statistic check;
        private double[] values = new double[1024];

        QuantileEvaluator(ColumnSummary column, Check.Statistic check) {
            super(column);
            this.check = check;
        }

        @Override
        void observe(Object value) {
            if (nonNull > values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[(int) nonNull - 1] = ((Number) value).doubleValue();
        }

        @Override
        CheckResult result(Result r, double unused) {
            double q = check.quantile().getAsDouble();
            if (nonNull == 0) {
                return r.fail(Optional.empty(), check.bounds().describe(), "column '" + column.name() + "' has no values");
            }
            double[] sorted = Arrays.copyOf(values, (int) nonNull);
            Arrays.sort(sorted);
            double quantile = QuantileBins.quantile(sorted, q);
            return r.bounded(quantile, check.bounds(), "the " + Format.number(q * 100) + "th percentile of column '" + column.name() + "' is "
                    + Format.number(quantile));
        }
    }

    /** Builds the result of one check. */
    private record Result(int index, Check check) {
        CheckResult pass(Optional<Object> observed, String expected, String message) {
            return of(true, observed, expected, message);
        }

        CheckResult fail(Optional<Object> observed, String expected, String message) {
            return of(false, observed, expected, message);
        }

        CheckResult bounded(double observed, Check.Bounds bounds, String message) {
            return of(bounds.contains(observed), Optional.of(observed), bounds.describe(), message + ", expected " + bounds.describe());
        }

        CheckResult atLeast(double observed, double min, String message) {
            return of(observed >= min, Optional.of(observed), ">= " + Format.number(min), message + ", expected at least " + percent(min));
        }

        private CheckResult of(boolean passed, Optional<Object> observed, String expected, String message) {
            return new CheckResult(index, check.kind(), check.common().label(), check.column(), check.common().warning() ? "warning" : "error",
                    passed, observed, expected, message);
        }
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f%%", share * 100);
    }

    private static String typeName(ColumnType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
