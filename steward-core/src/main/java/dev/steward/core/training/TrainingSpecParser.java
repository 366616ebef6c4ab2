package dev.steward.core.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.jobs.SpecFields;
import dev.steward.spi.StewardException;
import dev.steward.spi.training.Algorithm;
import dev.steward.spi.training.Hyperparameter;
import dev.steward.spi.training.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/** Reads a training spec from JSON (or YAML read as JSON), naming the field of every mistake. Stateless. */
public final class TrainingSpecParser {
    static final List<String> STEPS = List.of("impute", "standardize", "min_max", "bucketize", "one_hot");
    private static final List<String> CLASSIFICATION_METRICS = List.of("accuracy", "balanced_accuracy", "f1_macro", "f1_weighted",
            "precision_macro", "recall_macro", "log_loss", "roc_auc", "f1", "precision", "recall", "average_precision", "brier");
    private static final List<String> REGRESSION_METRICS = List.of("rmse", "mse", "mae", "r2", "mape", "explained_variance");
    private static final int MAX_COLUMNS = 10_000;

    private final List<Algorithm> algorithms;

    public TrainingSpecParser(List<Algorithm> algorithms) {
        this.algorithms = List.copyOf(algorithms);
    }

    public TrainingSpec parse(ObjectNode node) {
        SpecFields f = new SpecFields(node, "");
        SpecFields data = f.nested("dataset");
        if (data == null) {
            throw f.invalid("dataset", "is required: {name: <dataset>, version: <n>} or {name: <dataset>, digest: <sha256>}");
        }
        String dataset = data.requiredText("name", 200);
        OptionalInt version = data.optionalLong("version", 1, Integer.MAX_VALUE).map(v -> OptionalInt.of(v.intValue())).orElse(OptionalInt.empty());
        Optional<String> digest = data.optionalText("digest", 64);
        digest.ifPresent(d -> {
            if (!d.matches("[0-9a-f]{64}")) {
                throw data.invalid("digest", "must be a SHA-256 in 64 lowercase hex digits");
            }
        });
        if (version.isPresent() && digest.isPresent()) {
            throw data.invalid("version", "give version or digest, not both");
        }
        data.done();
        String target = f.requiredText("target", 500);
        String taskName = f.requiredText("task", 50);
        Task task = Arrays.stream(Task.values()).filter(t -> t.wireName().equals(taskName)).findFirst()
                .orElseThrow(() -> f.invalid("task", "unknown task '" + taskName + "'; use one of binary_classification, multiclass_classification, regression"));
        List<String> features = f.optional("features").map(n -> strings(f, "features", n)).orElse(List.of());
        if (features.contains(target)) {
            throw f.invalid("features", "the target '" + target + "' cannot also be a feature");
        }
        List<TrainingSpec.Step> steps = new ArrayList<>();
        f.optional("preprocessing").ifPresent(p -> {
            if (!p.isArray()) {
                throw f.invalid("preprocessing", "must be a list of steps such as {step: impute, columns: [a, b], strategy: median}");
            }
            for (int i = 0; i < p.size(); i++) {
                steps.add(step(i, p.get(i)));
            }
        });
        TrainingSpec.Split split = split(f);
        long seed = f.optionalLong("seed", 0, Long.MAX_VALUE).orElse(42L);
        SpecFields a = f.nested("algorithm");
        if (a == null) {
            throw f.invalid("algorithm", "is required: {name: <algorithm>, hyperparameters: {...}}; algorithms: " + names());
        }
        String algorithmName = a.requiredText("name", 100);
        Algorithm algorithm = algorithms.stream().filter(x -> x.name().equals(algorithmName)).findFirst()
                .orElseThrow(() -> a.invalid("name", "unknown algorithm '" + algorithmName + "'; use one of " + names()));
        if (!algorithm.tasks().contains(task)) {
            throw a.invalid("name", algorithmName + " cannot do " + task.wireName() + "; it does "
                    + algorithm.tasks().stream().map(Task::wireName).sorted().collect(Collectors.joining(", ")));
        }
        Map<String, Object> hyperparameters = hyperparameters(a, algorithm, a.optionalObject("hyperparameters").orElse(null));
        a.done();
        TrainingSpec.Objective objective = objective(f, task);
        TrainingSpec.Guardrails guardrails = guardrails(f);
        long notAfter = f.optionalLong("not_after", 0, Long.MAX_VALUE).orElse(0L);
        guardrails = new TrainingSpec.Guardrails(guardrails.maxWallTimeSeconds(), guardrails.maxMemoryMb(), guardrails.divergenceAfter(), notAfter);
        Optional<String> experiment = f.optionalText("experiment", 500);
        Optional<String> runName = f.optionalText("run_name", 250);
        Optional<String> override = f.optionalText("override_reason", 1000);
        f.done();
        return new TrainingSpec(dataset, version, digest, target, task, features, steps, split, algorithmName, hyperparameters, seed, objective,
                guardrails, experiment, runName, override);
    }

    private String names() {
        return algorithms.stream().map(Algorithm::name).collect(Collectors.joining(", "));
    }

    private static List<String> strings(SpecFields f, String key, JsonNode node) {
        if (!node.isArray() || node.isEmpty() || node.size() > MAX_COLUMNS) {
            throw f.invalid(key, "must be a non-empty list of column names");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode n : node) {
            if (!n.isTextual() || n.asText().isBlank()) {
                throw f.invalid(key, "must hold column names (strings)");
            }
            if (values.contains(n.asText())) {
                throw f.invalid(key, "names '" + n.asText() + "' twice");
            }
            values.add(n.asText());
        }
        return values;
    }

    private static TrainingSpec.Step step(int index, JsonNode node) {
        String prefix = "preprocessing[" + index + "].";
        if (!node.isObject()) {
            throw StewardException.invalid("preprocessing[" + index + "]", "preprocessing[" + index
                    + "]: must be a mapping such as {step: standardize, columns: [a, b]}");
        }
        SpecFields s = new SpecFields((ObjectNode) node, prefix);
        String kind = s.requiredText("step", 50);
        if (!STEPS.contains(kind)) {
            throw s.invalid("step", "unknown step '" + kind + "'; use one of " + STEPS);
        }
        List<String> columns = strings(s, "columns", s.optional("columns").orElseThrow(() -> s.invalid("columns", "is required")));
        Optional<String> strategy = Optional.empty();
        Optional<String> value = Optional.empty();
        OptionalInt bins = OptionalInt.empty();
        Optional<double[]> boundaries = Optional.empty();
        boolean errorOnUnknown = false;
        switch (kind) {
            case "impute" -> {
                String st = s.optionalText("strategy", 50).orElse("mean");
                if (!List.of("mean", "median", "most_frequent", "constant").contains(st)) {
                    throw s.invalid("strategy", "unknown strategy '" + st + "'; use mean, median, most_frequent or constant");
                }
                strategy = Optional.of(st);
                Optional<JsonNode> v = s.optional("value");
                if (st.equals("constant")) {
                    JsonNode given = v.orElseThrow(() -> s.invalid("value", "is required for strategy constant"));
                    if (!given.isValueNode()) {
                        throw s.invalid("value", "must be a number or a string");
                    }
                    value = Optional.of(given.asText());
                } else if (v.isPresent()) {
                    throw s.invalid("value", "is only for strategy constant");
                }
            }
            case "bucketize" -> {
                Optional<Long> b = s.optionalLong("bins", 2, 1000);
                Optional<JsonNode> given = s.optional("boundaries");
                if (b.isPresent() == given.isPresent()) {
                    throw s.invalid("bins", "give bins (quantile buckets) or boundaries (ascending numbers), one of them");
                }
                bins = b.map(x -> OptionalInt.of(x.intValue())).orElse(OptionalInt.empty());
                if (given.isPresent()) {
                    JsonNode g = given.get();
                    if (!g.isArray() || g.isEmpty() || g.size() > 1000) {
                        throw s.invalid("boundaries", "must be a non-empty list of ascending numbers");
                    }
                    double[] values = new double[g.size()];
                    for (int i = 0; i < values.length; i++) {
                        if (!g.get(i).isNumber() || (i > 0 && g.get(i).asDouble() <= values[i - 1])) {
                            throw s.invalid("boundaries", "must be strictly ascending numbers");
                        }
                        values[i] = g.get(i).asDouble();
                    }
                    boundaries = Optional.of(values);
                }
            }
            case "one_hot" -> {
                String unknown = s.optionalText("handle_unknown", 20).orElse("ignore");
                if (!unknown.equals("ignore") && !unknown.equals("error")) {
                    throw s.invalid("handle_unknown", "use ignore (all zeros) or error");
                }
                errorOnUnknown = unknown.equals("error");
            }
            default -> { }
        }
        s.done();
        return new TrainingSpec.Step(index, kind, columns, strategy, value, bins, boundaries, errorOnUnknown);
    }

    private static TrainingSpec.Split split(SpecFields f) {
        SpecFields s = f.nested("split");
        if (s == null) {
            return new TrainingSpec.Split(0.2, 0, true);
        }
        Optional<JsonNode> holdout = s.optional("holdout");
        Optional<Long> folds = s.optionalLong("folds", 2, 100);
        if (holdout.isPresent() && folds.isPresent()) {
            throw s.invalid("holdout", "give holdout (a fraction) or folds (k-fold cross-validation), not both");
        }
        double fraction = 0.2;
        if (holdout.isPresent()) {
            if (!holdout.get().isNumber() || holdout.get().asDouble() <= 0 || holdout.get().asDouble() >= 1) {
                throw s.invalid("holdout", "must be a fraction between 0 and 1, e.g. 0.2");
            }
            fraction = holdout.get().asDouble();
        }
        boolean stratify = s.optional("stratify").map(n -> {
            if (!n.isBoolean()) {
                throw s.invalid("stratify", "must be true or false");
            }
            return n.asBoolean();
        }).orElse(true);
        s.done();
        return new TrainingSpec.Split(folds.isPresent() ? 0 : fraction, folds.map(Long::intValue).orElse(0), stratify);
    }

    private static Map<String, Object> hyperparameters(SpecFields a, Algorithm algorithm, ObjectNode given) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (given != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String field = "hyperparameters." + e.getKey();
                Hyperparameter h = algorithm.hyperparameter(e.getKey()).orElseThrow(() -> a.invalid(field, "unknown hyperparameter of "
                        + algorithm.name() + "; it takes " + algorithm.hyperparameters().stream().map(Hyperparameter::name).toList()));
                values.put(h.name(), value(a, field, h, e.getValue()));
            }
        }
        for (Hyperparameter h : algorithm.hyperparameters()) {
            values.putIfAbsent(h.name(), h.defaultValue());
        }
        return values;
    }

    static Object value(SpecFields a, String field, Hyperparameter h, JsonNode v) {
        switch (h.type()) {
            case INTEGER -> {
                if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
                    throw a.invalid(field, "must be a whole number");
                }
                long x = v.asLong();
                if (x < h.min() || x > h.max()) {
                    throw a.invalid(field, "must be between " + (long) h.min() + " and " + (long) h.max() + "; got " + x);
                }
                return x;
            }
            case NUMBER -> {
                if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                    throw a.invalid(field, "must be a number");
                }
                double x = v.asDouble();
                if (x < h.min() || x > h.max()) {
                    throw a.invalid(field, "must be between " + h.min() + " and " + h.max() + "; got " + x);
                }
                return x;
            }
            case BOOLEAN -> {
                if (!v.isBoolean()) {
                    throw a.invalid(field, "must be true or false");
                }
                return v.asBoolean();
            }
            default -> {
                if (!v.isTextual() || !h.choices().contains(v.asText().toLowerCase(Locale.ROOT))) {
                    throw a.invalid(field, "must be one of " + h.choices());
                }
                return v.asText().toLowerCase(Locale.ROOT);
            }
        }
    }

    private static TrainingSpec.Objective objective(SpecFields f, Task task) {
        List<String> allowed = task.classification() ? CLASSIFICATION_METRICS : REGRESSION_METRICS;
        SpecFields m = f.nested("metric");
        if (m == null) {
            return task.classification() ? new TrainingSpec.Objective("accuracy", true) : new TrainingSpec.Objective("rmse", false);
        }
        String name = m.requiredText("name", 100);
        if (!allowed.contains(name) || (task == Task.MULTICLASS_CLASSIFICATION && List.of("f1", "precision", "recall", "average_precision", "brier")
                .contains(name))) {
            throw m.invalid("name", "'" + name + "' is not a metric of " + task.wireName() + "; use one of " + allowed.stream()
                    .filter(x -> task != Task.MULTICLASS_CLASSIFICATION || !List.of("f1", "precision", "recall", "average_precision", "brier").contains(x))
                    .toList());
        }
        boolean lowerIsBetter = List.of("log_loss", "brier", "rmse", "mse", "mae", "mape").contains(name);
        String goal = m.optionalText("goal", 20).orElse(lowerIsBetter ? "minimize" : "maximize");
        if (!goal.equals("minimize") && !goal.equals("maximize")) {
            throw m.invalid("goal", "use minimize or maximize");
        }
        m.done();
        return new TrainingSpec.Objective(name, goal.equals("maximize"));
    }

    private static TrainingSpec.Guardrails guardrails(SpecFields f) {
        SpecFields g = f.nested("guardrails");
        if (g == null) {
            return new TrainingSpec.Guardrails(0, 0, 0, 0);
        }
        long wall = g.optionalLong("max_wall_time_seconds", 1, 30L * 24 * 3600).orElse(0L);
        long memory = g.optionalLong("max_memory_mb", 1, 1L << 30).orElse(0L);
        int after = g.optionalLong("divergence_after_iterations", 1, 1_000_000).map(Long::intValue).orElse(0);
        g.done();
        return new TrainingSpec.Guardrails(wall, memory, after, 0);
    }
}
