package dev.steward.core.training;

import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.ColumnType;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.training.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A training spec checked against the schema of its dataset version: the target suits the task,
 * every feature exists and has a usable type, and every step fits its columns. Mistakes name the
 * spec's field.
 */
record TrainingPlan(TrainingSpec spec, DatasetVersion version, ColumnSummary target, List<ColumnPlan> features) {
    private static final List<String> NUMERIC_STEPS = List.of("standardize", "min_max", "bucketize");
    /** One-hot encoding beyond this many categories would make a dense matrix of mostly zeros; bucketize or drop such columns. */
    static final int MAX_CATEGORIES = 1_000;
    static final int MAX_CLASSES = 1_000;

    static TrainingPlan resolve(TrainingSpec spec, DatasetVersion version) {
        Map<String, ColumnSummary> columns = new LinkedHashMap<>();
        version.columns().forEach(c -> columns.put(c.name(), c));
        String where = " in " + version.datasetName() + " version " + version.version();
        ColumnSummary target = columns.get(spec.target());
        if (target == null) {
            throw StewardException.invalid("target", "target: no column '" + spec.target() + "'" + where + "; its columns are " + columns.keySet());
        }
        checkTarget(spec.task(), target);
        List<String> names = spec.features();
        if (names.isEmpty()) {
            names = columns.values().stream().filter(c -> !c.name().equals(spec.target()) && !version.subjectColumn().equals(Optional.of(c.name())))
                    .filter(c -> c.type() != ColumnType.DATE && c.type() != ColumnType.TIMESTAMP).map(ColumnSummary::name).toList();
            if (names.isEmpty()) {
                throw StewardException.invalid("features", "features: " + version.datasetName() + " has no column besides the target that can be a feature");
            }
        }
        Map<String, List<TrainingSpec.Step>> steps = new LinkedHashMap<>();
        for (String name : names) {
            ColumnSummary column = columns.get(name);
            if (column == null) {
                throw StewardException.invalid("features", "features: no column '" + name + "'" + where + "; its columns are " + columns.keySet());
            }
            if (column.type() == ColumnType.DATE || column.type() == ColumnType.TIMESTAMP) {
                throw StewardException.invalid("features", "features: '" + name + "' is a " + column.type().name().toLowerCase()
                        + " column; dates and times cannot be features yet: derive a number (day of week, age) in the data");
            }
            steps.put(name, new ArrayList<>());
        }
        for (TrainingSpec.Step step : spec.preprocessing()) {
            String field = "preprocessing[" + step.index() + "].columns";
            for (String name : step.columns()) {
                if (!steps.containsKey(name)) {
                    throw StewardException.invalid(field, field + ": '" + name + "' is not a feature" + (columns.containsKey(name) ? "" : where));
                }
                List<TrainingSpec.Step> list = steps.get(name);
                if (list.stream().anyMatch(s -> s.kind().equals(step.kind()))) {
                    throw StewardException.invalid(field, field + ": '" + name + "' already has a " + step.kind() + " step");
                }
                if (step.kind().equals("impute") && !list.isEmpty()) {
                    throw StewardException.invalid(field, field + ": impute '" + name + "' before its other steps");
                }
                list.add(step);
            }
        }
        List<ColumnPlan> plans = new ArrayList<>();
        steps.forEach((name, list) -> plans.add(plan(columns.get(name), list)));
        return new TrainingPlan(spec, version, target, plans);
    }

    private static void checkTarget(Task task, ColumnSummary target) {
        String type = target.type().name().toLowerCase();
        if (task == Task.REGRESSION) {
            if (!target.type().numeric()) {
                throw StewardException.invalid("task", "task: regression needs a numeric target, but '" + target.name() + "' is " + type
                        + "; use binary_classification or multiclass_classification");
            }
            return;
        }
        if (target.type() == ColumnType.FLOAT) {
            throw StewardException.invalid("task", "task: " + task.wireName() + " needs class labels, but '" + target.name()
                    + "' is a float column; use regression, or a string or integer column");
        }
        if (target.type() == ColumnType.DATE || target.type() == ColumnType.TIMESTAMP) {
            throw StewardException.invalid("target", "target: '" + target.name() + "' is a " + type + " column and cannot be a class label");
        }
        if (task == Task.BINARY_CLASSIFICATION && target.distinctCount() != 2) {
            throw StewardException.invalid("task", "task: binary_classification needs exactly 2 classes, but '" + target.name() + "' has "
                    + target.distinctCount() + (target.distinctCount() > 2 ? "; use multiclass_classification" : ""));
        }
        if (task == Task.MULTICLASS_CLASSIFICATION && target.distinctCount() < 2) {
            throw StewardException.invalid("task", "task: '" + target.name() + "' has fewer than 2 classes");
        }
        if (target.distinctCount() > MAX_CLASSES) {
            throw StewardException.invalid("target", "target: '" + target.name() + "' has " + target.distinctCount() + " distinct values, more than "
                    + MAX_CLASSES + " classes; is it an id, or a number for regression?");
        }
    }

    private static ColumnPlan plan(ColumnSummary column, List<TrainingSpec.Step> steps) {
        boolean oneHot = steps.stream().anyMatch(s -> s.kind().equals("one_hot"));
        for (TrainingSpec.Step step : steps) {
            if (step.kind().equals("one_hot") && column.type() == ColumnType.FLOAT) {
                String field = "preprocessing[" + step.index() + "].step";
                throw StewardException.invalid(field, field + ": one_hot needs categories, but '" + column.name()
                        + "' is a float column; bucketize it instead");
            }
        }
        boolean categorical = column.type() == ColumnType.STRING || column.type() == ColumnType.BOOLEAN || oneHot;
        for (TrainingSpec.Step step : steps) {
            String field = "preprocessing[" + step.index() + "].step";
            if (categorical && NUMERIC_STEPS.contains(step.kind())) {
                throw StewardException.invalid(field, field + ": " + step.kind() + " needs a numeric column, but '" + column.name() + "' is "
                        + (oneHot && column.type().numeric() ? "one-hot encoded" : column.type().name().toLowerCase()));
            }
            if (step.kind().equals("one_hot") && steps.indexOf(step) != steps.size() - 1) {
                throw StewardException.invalid(field, field + ": one_hot must be the last step of '" + column.name() + "'");
            }
            if (step.kind().equals("impute")) {
                String strategy = step.strategy().orElseThrow();
                if (categorical && (strategy.equals("mean") || strategy.equals("median"))) {
                    throw StewardException.invalid("preprocessing[" + step.index() + "].strategy", "preprocessing[" + step.index()
                            + "].strategy: " + strategy + " needs a numeric column, but '" + column.name() + "' is categorical; use most_frequent or constant");
                }
                if (!categorical && strategy.equals("constant")) {
                    try {
                        Double.parseDouble(step.value().orElseThrow());
                    } catch (NumberFormatException e) {
                        throw StewardException.invalid("preprocessing[" + step.index() + "].value", "preprocessing[" + step.index()
                                + "].value: '" + column.name() + "' is numeric, so the constant must be a number");
                    }
                }
            }
        }
        if (categorical && column.distinctCount() > MAX_CATEGORIES) {
            throw StewardException.invalid("features", "features: '" + column.name() + "' has " + column.distinctCount()
                    + " categories, more than the " + MAX_CATEGORIES + " one-hot encoding allows; leave it out, or derive a coarser column");
        }
        return new ColumnPlan(column, categorical, steps);
    }

    /** Features after one-hot encoding, as far as the schema tells before reading the data. */
    long estimatedFeatureCount() {
        long count = 0;
        for (ColumnPlan plan : features) {
            count += plan.categorical() ? Math.max(1, plan.column().distinctCount()) : 1;
        }
        return count;
    }
}
