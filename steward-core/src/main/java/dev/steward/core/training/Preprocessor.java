package dev.steward.core.training;

import dev.steward.spi.training.FittedColumn;
import dev.steward.spi.training.FittedStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fits the declared preprocessing on training rows and applies it. The arithmetic of each step is
 * the one documented on {@link FittedStep} and repeated by the ONNX export, so that serving sees
 * exactly the features the model was trained on. Numeric columns always get an imputer (mean
 * unless declared), so a missing value at serving time never reaches the model as NaN;
 * categorical columns always end in one-hot encoding. Stateless.
 */
final class Preprocessor {
    private Preprocessor() {
    }

    static List<FittedColumn> fit(List<ColumnPlan> plans, TrainingTable table, int[] rows) {
        List<FittedColumn> fitted = new ArrayList<>();
        for (ColumnPlan plan : plans) {
            fitted.add(plan.categorical() ? fitCategorical(plan, table.strings(plan.name()), rows) : fitNumeric(plan, table.numbers(plan.name()), rows));
        }
        return fitted;
    }

    private static FittedColumn fitNumeric(ColumnPlan plan, double[] raw, int[] rows) {
        double[] values = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            values[i] = raw[rows[i]];
        }
        List<FittedStep> steps = new ArrayList<>();
        List<TrainingSpec.Step> declared = new ArrayList<>(plan.steps());
        if (declared.isEmpty() || !declared.get(0).kind().equals("impute")) {
            FittedStep.Impute impute = new FittedStep.Impute("mean", imputeValue("mean", values));
            steps.add(impute);
            for (int i = 0; i < values.length; i++) {
                values[i] = apply(impute, values[i]);
            }
        }
        for (TrainingSpec.Step step : declared) {
            FittedStep fittedStep = switch (step.kind()) {
                case "impute" -> {
                    String strategy = step.strategy().orElseThrow();
                    yield new FittedStep.Impute(strategy, strategy.equals("constant") ? Double.parseDouble(step.value().orElseThrow())
                            : imputeValue(strategy, values));
                }
                case "standardize" -> {
                    double mean = mean(values);
                    double sum = 0;
                    for (double v : values) {
                        sum += (v - mean) * (v - mean);
                    }
                    double std = values.length == 0 ? 0 : Math.sqrt(sum / values.length);
                    yield new FittedStep.Standardize(mean, std == 0 || !Double.isFinite(std) ? 1 : std);
                }
                case "min_max" -> {
                    double min = Arrays.stream(values).min().orElse(0);
                    double range = Arrays.stream(values).max().orElse(0) - min;
                    yield new FittedStep.MinMax(min, range == 0 ? 1 : range);
                }
                case "bucketize" -> new FittedStep.Bucketize(step.boundaries().orElseGet(() -> quantileBoundaries(values, step.bins().orElseThrow())));
                default -> throw new IllegalStateException("step " + step.kind() + " on numeric column " + plan.name());
            };
            steps.add(fittedStep);
            for (int i = 0; i < values.length; i++) {
                values[i] = apply(fittedStep, values[i]);
            }
        }
        return new FittedColumn(plan.name(), false, steps);
    }

    private static FittedColumn fitCategorical(ColumnPlan plan, String[] raw, int[] rows) {
        Map<String, Integer> counts = new TreeMap<>();
        for (int row : rows) {
            if (!raw[row].isEmpty()) {
                counts.merge(raw[row], 1, Integer::sum);
            }
        }
        List<FittedStep> steps = new ArrayList<>();
        boolean errorOnUnknown = false;
        for (TrainingSpec.Step step : plan.steps()) {
            if (step.kind().equals("impute")) {
                String strategy = step.strategy().orElseThrow();
                String value = strategy.equals("constant") ? step.value().orElseThrow() : mostFrequent(counts);
                steps.add(new FittedStep.ImputeCategory(strategy, value));
                if (!value.isEmpty()) {
                    counts.putIfAbsent(value, 0);
                }
            } else if (step.kind().equals("one_hot")) {
                errorOnUnknown = step.errorOnUnknown();
            }
        }
        steps.add(new FittedStep.OneHot(List.copyOf(counts.keySet()), errorOnUnknown));
        return new FittedColumn(plan.name(), true, steps);
    }

    /** The most frequent category; the smallest among ties, as scikit-learn's SimpleImputer. */
    private static String mostFrequent(Map<String, Integer> counts) {
        String best = "";
        int bestCount = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best;
    }

    private static double imputeValue(String strategy, double[] values) {
        double[] present = Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
        if (present.length == 0) {
            return 0;
        }
        switch (strategy) {
            case "mean":
                return mean(present);
            case "median": {
                Arrays.sort(present);
                int n = present.length;
                return n % 2 == 1 ? present[n / 2] : (present[n / 2 - 1] + present[n / 2]) / 2;
            }
            default: {
                Arrays.sort(present);
                double best = present[0];
                int bestCount = 0;
                for (int i = 0; i < present.length; ) {
                    int j = i;
                    while (j < present.length && present[j] == present[i]) {
                        j++;
                    }
                    if (j - i > bestCount) {
                        best = present[i];
                        bestCount = j - i;
                    }
                    i = j;
                }
                return best;
            }
        }
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? 0 : sum / values.length;
    }

    /** Inner quantile edges (numpy's linear interpolation), duplicates dropped: {@code bins - 1} at most. */
    private static double[] quantileBoundaries(double[] values, int bins) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return java.util.stream.IntStream.range(1, bins).mapToDouble(i -> {
            double position = (sorted.length - 1) * (double) i / bins;
            int lower = (int) Math.floor(position);
            int upper = Math.min(lower + 1, sorted.length - 1);
            return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
        }).distinct().toArray();
    }

    static double apply(FittedStep step, double x) {
        if (step instanceof FittedStep.Impute impute) {
            return Double.isNaN(x) ? impute.value() : x;
        }
        if (step instanceof FittedStep.Standardize standardize) {
            return (x - standardize.mean()) / standardize.scale();
        }
        if (step instanceof FittedStep.MinMax minMax) {
            return (x - minMax.min()) / minMax.range();
        }
        double[] boundaries = ((FittedStep.Bucketize) step).boundaries();
        int bucket = 0;
        for (double b : boundaries) {
            if (x >= b) {
                bucket++;
            }
        }
        return bucket;
    }

    static List<String> featureNames(List<FittedColumn> columns) {
        List<String> names = new ArrayList<>();
        columns.forEach(c -> names.addAll(c.featureNames()));
        return names;
    }

    /** The features of {@code rows}, row-major. */
    static double[][] transform(List<FittedColumn> columns, TrainingTable table, int[] rows) {
        int width = featureNames(columns).size();
        double[][] features = new double[rows.length][width];
        int offset = 0;
        for (FittedColumn column : columns) {
            if (column.categorical()) {
                String[] raw = table.strings(column.name());
                String impute = null;
                for (FittedStep step : column.steps()) {
                    if (step instanceof FittedStep.ImputeCategory c) {
                        impute = c.value();
                    }
                }
                List<String> categories = ((FittedStep.OneHot) column.steps().get(column.steps().size() - 1)).categories();
                Map<String, Integer> index = new java.util.HashMap<>();
                for (int i = 0; i < categories.size(); i++) {
                    index.put(categories.get(i), i);
                }
                for (int r = 0; r < rows.length; r++) {
                    String value = raw[rows[r]];
                    if (value.isEmpty() && impute != null) {
                        value = impute;
                    }
                    Integer at = index.get(value);
                    if (at != null) {
                        features[r][offset + at] = 1;
                    }
                }
                offset += categories.size();
            } else {
                double[] raw = table.numbers(column.name());
                for (int r = 0; r < rows.length; r++) {
                    double x = raw[rows[r]];
                    for (FittedStep step : column.steps()) {
                        x = apply(step, x);
                    }
                    features[r][offset] = x;
                }
                offset++;
            }
        }
        return features;
    }
}
