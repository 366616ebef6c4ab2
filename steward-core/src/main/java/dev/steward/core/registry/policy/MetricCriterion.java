package dev.steward.core.registry.policy;

import static java.util.Objects.requireNonNull;

import dev.steward.core.eval.Evaluation;
import dev.steward.core.jobs.SpecFields;
import dev.steward.spi.data.DatasetVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A metric of the candidate on a named evaluation dataset version, computed by running the
 * candidate through Steward's evaluator: against a fixed threshold ({@code f1_macro >= 0.9 on
 * penguins@3}) or against the version holding the environment on the same data
 * ({@code f1_macro >= current - 0.01 on penguins@3}; with no holder there is nothing to be worse
 * than, and it passes saying so).
 */
public final class MetricCriterion implements Criterion {
    public static final String KIND = "metric";
    private static final Pattern COMPACT = Pattern.compile("\\s*([a-z_0-9]+)\\s*(>=|<=|>|<)\\s*(?:(current)\\s*(?:([+-])\\s*([0-9.eE+-]+))?"
            + "|([+-]?[0-9.eE+-]+))\\s+on\\s+(\\S+)\\s*");

    private final String metric;
    private final String op;
    private final Optional<Double> threshold;
    private final double margin;
    private final String datasetReference;
    private final String datasetVersionId;

    private MetricCriterion(String metric, String op, Optional<Double> threshold, double margin, String datasetReference, String datasetVersionId) {
        this.metric = metric;
        this.op = op;
        this.threshold = threshold;
        this.margin = margin;
        this.datasetReference = datasetReference;
        this.datasetVersionId = datasetVersionId;
    }

    /** Parses {@code {metric, op, threshold | relative_to: current [+ margin], dataset}} or the compact text. */
    public static final class Kind implements CriterionKind {
        @Override
        public String name() {
            return KIND;
        }

        @Override
        public Criterion parse(SpecFields f, Optional<String> text, PolicyContext context) {
            String metric;
            String op;
            Optional<Double> threshold;
            double margin = 0;
            String dataset;
            if (text.isPresent()) {
                Matcher m = COMPACT.matcher(text.get());
                if (!m.matches()) {
                    throw f.invalid(KIND, "'" + text.get() + "' is not a metric criterion: write e.g. 'f1_macro >= 0.9 on penguins@3' or"
                            + " 'f1_macro >= current - 0.01 on penguins@3'");
                }
                metric = m.group(1);
                op = m.group(2);
                if (m.group(3) != null) {
                    threshold = Optional.empty();
                    margin = m.group(5) == null ? 0 : number(f, KIND, m.group(5)) * (m.group(4).equals("-") ? -1 : 1);
                } else {
                    threshold = Optional.of(number(f, KIND, m.group(6)));
                }
                dataset = m.group(7);
            } else {
                metric = f.requiredText("metric", 100);
                op = f.optionalText("op", 2).orElse(">=");
                if (!List.of(">=", ">", "<=", "<").contains(op)) {
                    throw f.invalid("op", "'" + op + "' is not a comparison: use >=, >, <= or <");
                }
                Optional<Double> fixed = f.optional("threshold").map(v -> {
                    if (!v.isNumber()) {
                        throw f.invalid("threshold", "must be a number");
                    }
                    return v.asDouble();
                });
                Optional<String> relative = f.optionalText("relative_to", 20);
                if (relative.isPresent() && !relative.get().equals("current")) {
                    throw f.invalid("relative_to", "the only comparison is with 'current' (the version holding the environment)");
                }
                if (fixed.isPresent() == relative.isPresent()) {
                    throw f.invalid("threshold", "give either 'threshold' (a number) or 'relative_to: current'");
                }
                margin = f.optional("margin").map(v -> {
                    if (!v.isNumber() || relative.isEmpty()) {
                        throw f.invalid("margin", "'margin' is a number and goes with 'relative_to: current'");
                    }
                    return v.asDouble();
                }).orElse(0.0);
                threshold = fixed;
                dataset = f.requiredText("dataset", 300);
            }
            if (!Evaluation.METRICS.contains(metric)) {
                throw f.invalid(text.isPresent() ? KIND : "metric", "unknown metric '" + metric + "'; Steward's evaluator computes "
                        + new java.util.TreeSet<>(Evaluation.METRICS));
            }
            DatasetVersion version = context.dataset(dataset, f.path(text.isPresent() ? KIND : "dataset"));
            f.done();
            return new MetricCriterion(metric, op, threshold, margin, version.datasetName() + "@" + version.version(), version.id());
        }

        private static double number(SpecFields f, String field, String text) {
            try {
                return Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw f.invalid(field, "'" + text + "' is not a number");
            }
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String describe() {
        String bound = threshold.map(MetricCriterion::format).orElse("current" + (margin == 0 ? "" : (margin < 0 ? " - " : " + ")
                + format(Math.abs(margin))));
        return metric + " " + op + " " + bound + " on " + datasetReference;
    }

    @Override
    public CriterionResult evaluate(PromotionContext context) {
        DatasetVersion dataset = context.datasetVersion(datasetVersionId);
        List<CriterionResult.Evidence> evidence = new ArrayList<>();
        PromotionContext.Evaluation candidate = context.evaluate(context.candidatePackage(), dataset);
        evidence.add(new CriterionResult.Evidence("evaluation_run", candidate.runId()));
        Double observed = candidate.metrics().get(metric);
        double bound;
        String expected;
        if (threshold.isPresent()) {
            bound = threshold.get();
            expected = op + " " + format(bound);
        } else {
            if (context.currentPackage().isEmpty()) {
                return new CriterionResult(KIND, describe(), observed != null && Double.isFinite(observed), text(observed),
                        op + " current (no version holds " + context.environment() + ": nothing to compare with)", evidence);
            }
            PromotionContext.Evaluation current = context.evaluate(context.currentPackage().get(), dataset);
            evidence.add(new CriterionResult.Evidence("evaluation_run", current.runId()));
            Double currentValue = current.metrics().get(metric);
            if (currentValue == null || !Double.isFinite(currentValue)) {
                return new CriterionResult(KIND, describe(), false, text(observed), op + " current, whose " + metric + " is undefined", evidence);
            }
            bound = currentValue + margin;
            expected = op + " " + format(bound) + " (version " + context.current().orElseThrow().version().version() + ": " + format(currentValue)
                    + (margin == 0 ? "" : (margin < 0 ? " - " : " + ") + format(Math.abs(margin))) + ")";
        }
        boolean passed = observed != null && Double.isFinite(observed) && compare(observed, bound);
        return new CriterionResult(KIND, describe(), passed, text(observed), expected, evidence);
    }

    private boolean compare(double value, double bound) {
        return switch (op) {
            case ">=" -> value >= bound;
            case ">" -> value > bound;
            case "<=" -> value <= bound;
            default -> value < bound;
        };
    }

    private String text(Double value) {
        return value == null ? metric + " not computed (the evaluator gives it for other tasks)" : Double.isFinite(value) ? format(value)
                : metric + " undefined on this data";
    }

    /** A number as reports show it: six significant digits, no trailing zeros. */
    public static String format(double value) {
        return String.format(Locale.ROOT, "%.6g", value).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replaceAll("\\.(e|$)", "$1");
    }
}
