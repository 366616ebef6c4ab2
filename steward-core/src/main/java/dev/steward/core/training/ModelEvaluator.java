package dev.steward.core.training;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.data.DatasetService;
import dev.steward.core.eval.ClassificationMetrics;
import dev.steward.core.eval.Evaluation;
import dev.steward.core.tracking.TrackingService;
import dev.steward.spi.Caller;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.ColumnType;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.serving.ModelRuntime;
import dev.steward.spi.serving.Tensor;
import dev.steward.spi.tracking.DatasetInput;
import dev.steward.spi.tracking.KeyValue;
import dev.steward.spi.tracking.Metric;
import dev.steward.spi.tracking.Run;
import dev.steward.spi.tracking.RunStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Evaluates a model package on a dataset version the way serving runs it: the ONNX graph in the
 * {@link ModelRuntime}, fed the dataset's raw columns as its {@link ModelSignature} maps them to
 * typed tensors, scored against the target column with the standard metric set. The result is kept
 * as an evaluation run (metrics, the dataset version as input, {@code evaluation.json}), so every
 * evaluation is tracked and audited. Evaluation is deterministic and trains nothing: evaluating a
 * package twice on the same version gives two runs with the same metrics. Thread-safe.
 */
public final class ModelEvaluator {
    /** Tags of every evaluation run, so that evaluations of a package on a version can be found again. */
    public static final String MODEL_DIGEST_TAG = "steward.model.digest";
    public static final String PACKAGE_DIGEST_TAG = "steward.package.digest";
    public static final String DATASET_TAG = "steward.evaluation.dataset";
    public static final String DATASET_DIGEST_TAG = "steward.evaluation.dataset_sha256";
    public static final String MODEL_RUN_TAG = "steward.evaluation.model_run_id";

    private static final int BATCH = 10_000;
    private static final int CALIBRATION_BINS = 10;

    private final TrackingService tracking;
    private final DatasetService datasets;
    private final ArtifactStore artifacts;
    private final ModelRuntime runtime;

    public ModelEvaluator(TrackingService tracking, DatasetService datasets, ArtifactStore artifacts, ModelRuntime runtime) {
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.datasets = requireNonNull(datasets, "datasets is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
    }

    /** The result of an evaluation, as kept in {@code evaluation.json} of the evaluation run. */
    public record Result(String evaluationRunId, ObjectNode report) {
    }

    /**
     * Where an evaluation run is kept and how it is labelled (the registry names the model version
     * it evaluates in {@code tags}). Steward adds its own tags ({@value #MODEL_DIGEST_TAG},
     * {@value #PACKAGE_DIGEST_TAG}, {@value #DATASET_TAG}, {@value #DATASET_DIGEST_TAG}), which win over
     * tags of the same key.
     */
    public record EvaluationRun(String experimentId, String runName, List<KeyValue> tags) {
        public EvaluationRun {
            requireNonNull(experimentId, "experimentId is null");
            requireNonNull(runName, "runName is null");
            tags = List.copyOf(tags);
        }
    }

    /** Evaluates the package a training run keeps under {@code model/}; the evaluation run joins the model's experiment. */
    public Result evaluate(Caller caller, String modelRunId, String datasetName, int versionNumber, Optional<String> overrideReason) {
        requireNonNull(caller, "caller is null");
        Run modelRun = tracking.getRun(modelRunId);
        StoredPackage model = ModelPackage.ofRun(tracking, modelRun.info(), ModelPackage.DIRECTORY);
        EvaluationRun run = new EvaluationRun(modelRun.info().experimentId(), "evaluate-" + modelRun.info().runName(),
                List.of(new KeyValue(MODEL_RUN_TAG, modelRunId)));
        return evaluate(caller, model, datasetName, versionNumber, overrideReason, run, Optional.of(modelRunId));
    }

    /** Evaluates any stored package (trained by Steward or imported) and keeps the evaluation as {@code run} says. */
    public Result evaluate(Caller caller, StoredPackage model, String datasetName, int versionNumber, Optional<String> overrideReason,
            EvaluationRun run) {
        return evaluate(caller, model, datasetName, versionNumber, overrideReason, run, Optional.empty());
    }

    private Result evaluate(Caller caller, StoredPackage model, String datasetName, int versionNumber, Optional<String> overrideReason,
            EvaluationRun run, Optional<String> modelRunId) {
        requireNonNull(caller, "caller is null");
        requireNonNull(model, "model is null");
        requireNonNull(datasetName, "datasetName is null");
        requireNonNull(overrideReason, "overrideReason is null");
        requireNonNull(run, "run is null");
        String digest = model.modelDigest();
        if (!digest.equals(model.manifest().path("model_digest").asText())) {
            throw StewardException.of(ErrorCode.DATA_CORRUPTED, "the ONNX graph " + digest + " is not the one the manifest names ("
                    + model.manifest().path("model_digest").asText() + ")");
        }
        ModelSignature signature = ModelSignature.of(model.manifest());
        DatasetVersion version = datasets.requireUsable(caller, datasets.version(datasetName, versionNumber), "evaluation", overrideReason);
        String where = datasetName + " version " + versionNumber;
        String target = signature.target().orElseThrow(() -> StewardException.invalid("target", "the model package names no target column"
                + " to score against; import it again with a target"));
        boolean classification = signature.classification();
        Map<String, ColumnSummary> columns = new HashMap<>();
        version.columns().forEach(c -> columns.put(c.name(), c));
        Map<String, Boolean> read = inputColumns(signature, version, columns, where);
        ColumnSummary targetColumn = columns.get(target);
        if (targetColumn == null) {
            throw StewardException.invalid("dataset", "the model predicts '" + target + "', which " + where + " does not have");
        }
        if (!classification && !targetColumn.type().numeric()) {
            throw StewardException.invalid("dataset", "the target '" + target + "' must be numeric for a regression model");
        }
        readAs(read, target, classification);
        TrainingTable table = new TrainingTable(read, version.rowCount());
        datasets.scan(version, version.columns().stream().filter(c -> read.containsKey(c.name())).toList(), table);
        checkCategories(signature, table);

        List<String> classes = signature.classes();
        Map<String, Integer> classIndex = new HashMap<>();
        for (int k = 0; k < classes.size(); k++) {
            classIndex.put(classes.get(k), k);
        }
        List<Integer> rows = new ArrayList<>();
        int[] labels = new int[table.rows()];
        double[] values = new double[table.rows()];
        List<String> unknownClasses = new ArrayList<>();
        for (int r = 0; r < table.rows(); r++) {
            if (classification) {
                String label = table.strings(target)[r];
                if (label.isEmpty()) {
                    continue;
                }
                int k = classIndex.getOrDefault(label, -1);
                if (k < 0) {
                    if (!unknownClasses.contains(label) && unknownClasses.size() < 5) {
                        unknownClasses.add(label);
                    }
                    continue;
                }
                labels[rows.size()] = k;
            } else {
                double v = table.numbers(target)[r];
                if (Double.isNaN(v)) {
                    continue;
                }
                values[rows.size()] = v;
            }
            rows.add(r);
        }
        if (!unknownClasses.isEmpty()) {
            throw StewardException.invalid("dataset", "'" + target + "' holds classes the model does not know: " + unknownClasses + "; it knows "
                    + classes);
        }
        if (rows.isEmpty()) {
            throw StewardException.invalid("dataset", where + " has no row with a value of '" + target + "'");
        }
        double[][] scores = score(graph(model), signature, table, rows);
        int n = rows.size();
        Map<String, Double> metrics;
        ObjectNode report = ModelPackage.JSON.createObjectNode();
        if (classification) {
            int[] y = Arrays.copyOf(labels, n);
            metrics = Evaluation.classification(y, scores, classes.size());
            ArrayNode matrix = report.putArray("confusion_matrix");
            for (long[] row : ClassificationMetrics.confusionMatrix(y, Evaluation.argmax(scores), classes.size())) {
                ArrayNode line = matrix.addArray();
                for (long count : row) {
                    line.add(count);
                }
            }
            ArrayNode cls = report.putArray("classes");
            classes.forEach(cls::add);
            if (classes.size() == 2) {
                double[] positive = new double[n];
                for (int i = 0; i < n; i++) {
                    positive[i] = scores[i][1];
                }
                ClassificationMetrics.Calibration calibration = ClassificationMetrics.calibration(y, positive, CALIBRATION_BINS);
                ObjectNode curve = report.putObject("calibration");
                ArrayNode fraction = curve.putArray("fraction_positive");
                ArrayNode predicted = curve.putArray("mean_predicted");
                for (double v : calibration.fractionPositive()) {
                    fraction.add(v);
                }
                for (double v : calibration.meanPredicted()) {
                    predicted.add(v);
                }
            }
        } else {
            double[] predictions = new double[n];
            for (int i = 0; i < n; i++) {
                predictions[i] = scores[i][0];
            }
            metrics = Evaluation.regression(Arrays.copyOf(values, n), predictions);
        }
        ObjectNode metricNode = report.putObject("metrics");
        metrics.forEach((k, v) -> {
            if (Double.isFinite(v)) {
                metricNode.put(k, v);
            } else {
                metricNode.putNull(k);
            }
        });
        modelRunId.ifPresent(id -> report.put("model_run_id", id));
        report.put("model_digest", digest).put("package_digest", model.manifestBlob().sha256()).put("task", signature.task().wireName())
                .put("dataset", datasetName).put("version", versionNumber).put("dataset_sha256", version.sha256()).put("rows", n)
                .put("rows_without_target", table.rows() - n).put("target", target).put("runtime", runtime.version());

        Map<String, String> tags = new LinkedHashMap<>();
        run.tags().forEach(t -> tags.put(t.key(), t.value()));
        tags.put(MODEL_DIGEST_TAG, digest);
        tags.put(PACKAGE_DIGEST_TAG, model.manifestBlob().sha256());
        tags.put(DATASET_TAG, datasetName + "@" + versionNumber);
        tags.put(DATASET_DIGEST_TAG, version.sha256());
        Run evaluationRun = tracking.createRun(caller, run.experimentId(), Optional.empty(), Optional.empty(),
                tags.entrySet().stream().map(e -> new KeyValue(e.getKey(), e.getValue())).toList(), Optional.of(run.runName()));
        String runId = evaluationRun.info().runId();
        report.put("evaluation_run_id", runId);
        tracking.logInputs(caller, runId, List.of(new DatasetInput(datasetName, version.sha256(), "steward", "steward:dataset/" + datasetName + "/"
                + versionNumber, Optional.empty(), Optional.empty(), List.of(new KeyValue("mlflow.data.context", "evaluation")),
                Optional.of(version.id()))));
        long now = System.currentTimeMillis();
        List<Metric> logged = new ArrayList<>();
        metrics.forEach((k, v) -> logged.add(new Metric(k, v, now, 0)));
        List<KeyValue> params = new ArrayList<>();
        modelRunId.ifPresent(id -> params.add(new KeyValue("model_run_id", id)));
        params.add(new KeyValue("dataset", datasetName + "@" + versionNumber));
        tracking.logBatch(caller, runId, logged, params, List.of());
        try {
            tracking.putRunArtifact(caller, runId, "evaluation.json", new ByteArrayInputStream(ModelPackage.JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(report)), Long.MAX_VALUE);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw StewardException.internal("writing evaluation.json", e);
        }
        tracking.updateRun(caller, runId, Optional.of(RunStatus.FINISHED), Optional.of(System.currentTimeMillis()), Optional.empty());
        return new Result(runId, report);
    }

    /**
     * The predicted class of every row of a version, with the row's label ({@code null} where the
     * target is missing, or where the version has no target column at all), in row order. For
     * gates: disagreement needs no labels, accuracy does. Classification packages only.
     */
    public record Predictions(String target, List<String> classes, String[] predicted, String[] actual) {
        public int rows() {
            return predicted.length;
        }
    }

    /** Scores every row of {@code version} with a classification package; see {@link Predictions}. */
    public Predictions predict(StoredPackage model, DatasetVersion version) {
        requireNonNull(model, "model is null");
        requireNonNull(version, "version is null");
        ModelSignature signature = ModelSignature.of(model.manifest());
        if (!signature.classification()) {
            throw StewardException.invalid("model", "statistical gates compare classifiers (accuracy and disagreement); this package is a "
                    + signature.task().wireName() + " model");
        }
        String where = version.datasetName() + " version " + version.version();
        String target = signature.target().orElseThrow(() -> StewardException.invalid("target", "the model package names no target column"
                + " to score against; import it again with a target"));
        Map<String, ColumnSummary> columns = new HashMap<>();
        version.columns().forEach(c -> columns.put(c.name(), c));
        Map<String, Boolean> read = inputColumns(signature, version, columns, where);
        boolean labelled = columns.containsKey(target);
        if (labelled) {
            readAs(read, target, true);
        }
        TrainingTable table = new TrainingTable(read, version.rowCount());
        datasets.scan(version, version.columns().stream().filter(c -> read.containsKey(c.name())).toList(), table);
        checkCategories(signature, table);
        if (table.rows() == 0) {
            throw StewardException.invalid("test_set", where + " has no rows");
        }
        List<String> classes = signature.classes();
        List<Integer> rows = new ArrayList<>(table.rows());
        for (int r = 0; r < table.rows(); r++) {
            rows.add(r);
        }
        int[] best = Evaluation.argmax(score(graph(model), signature, table, rows));
        String[] predicted = new String[table.rows()];
        String[] actual = new String[table.rows()];
        String[] labels = labelled ? table.strings(target) : null;
        for (int r = 0; r < table.rows(); r++) {
            predicted[r] = classes.get(best[r]);
            actual[r] = labels == null || labels[r].isEmpty() ? null : labels[r];
        }
        return new Predictions(target, classes, predicted, actual);
    }

    /** Records how a column is read (as text or as numbers); one column cannot feed inputs that need both. */
    /** Which columns the graph's inputs read, and whether each is read as text, checked against the version's schema. */
    private static Map<String, Boolean> inputColumns(ModelSignature signature, DatasetVersion version, Map<String, ColumnSummary> columns,
            String where) {
        Map<String, Boolean> read = new LinkedHashMap<>();
        for (ModelSignature.Input input : signature.inputs()) {
            for (String name : input.columns()) {
                ColumnSummary column = columns.get(name);
                if (column == null) {
                    throw StewardException.invalid("dataset", "the model needs the column '" + name + "' (input " + input.name() + "), which " + where
                            + " does not have");
                }
                boolean asText = TensorFeed.readsText(input.datatype());
                boolean fits = switch (input.datatype()) {
                    case BYTES -> true;
                    case BOOL -> column.type() == ColumnType.BOOLEAN;
                    case FP32, FP64, INT32, INT64 -> column.type().numeric();
                };
                if (!fits) {
                    throw StewardException.invalid("dataset", "the model needs '" + name + "' to be " + (asText ? "boolean" : "numeric") + " (input "
                            + input.name() + " is " + input.datatype() + "), but in " + where + " it is " + column.type().name().toLowerCase());
                }
                readAs(read, name, asText);
            }
        }
        return read;
    }

    private static void readAs(Map<String, Boolean> read, String column, boolean asText) {
        Boolean before = read.put(column, asText);
        if (before != null && before != asText) {
            throw StewardException.invalid("dataset", "the column '" + column + "' would have to be read both as numbers and as text (it feeds"
                    + " inputs of different datatypes, or is also the target)");
        }
    }

    /** Load time and single-row latency of a package in the runtime. */
    public record Latency(double p50Millis, double p99Millis, double loadMillis, int calls) {
    }

    /**
     * Loads a package's graph and calls it {@code calls} times with one row each, the rows taken
     * in turn from the first rows of a dataset version (after a few calls that warm the session
     * up and are not counted).
     */
    public Latency latency(StoredPackage model, DatasetVersion version, int calls) {
        requireNonNull(model, "model is null");
        requireNonNull(version, "version is null");
        if (calls < 1) {
            throw new IllegalArgumentException("calls must be positive: " + calls);
        }
        ModelSignature signature = ModelSignature.of(model.manifest());
        Map<String, ColumnSummary> columns = new HashMap<>();
        version.columns().forEach(c -> columns.put(c.name(), c));
        Map<String, Boolean> read = inputColumns(signature, version, columns, version.datasetName() + " version " + version.version());
        TrainingTable table = new TrainingTable(read, version.rowCount());
        datasets.scan(version, version.columns().stream().filter(c -> read.containsKey(c.name())).toList(), table);
        if (table.rows() == 0) {
            throw StewardException.invalid("dataset", version.datasetName() + " version " + version.version() + " has no rows to call the model with");
        }
        TensorFeed feed = new TensorFeed(signature.inputs(), table);
        long fixed = signature.inputs().stream().mapToLong(ModelSignature.Input::fixedBatch).filter(b -> b > 0).findFirst().orElse(0);
        int size = fixed > 0 ? Math.toIntExact(fixed) : 1;
        byte[] onnx = graph(model);
        long loadStart = System.nanoTime();
        try (ModelRuntime.LoadedModel loaded = runtime.load(onnx)) {
            double load = (System.nanoTime() - loadStart) / 1e6;
            Set<String> outputs = Set.of(signature.outputs().get(0).name());
            int rows = Math.min(table.rows(), 1000);
            int[] indexes = new int[size];
            int warmUp = Math.min(20, calls);
            double[] times = new double[calls];
            for (int call = -warmUp; call < calls; call++) {
                int row = Math.floorMod(call, rows);
                java.util.Arrays.fill(indexes, row);
                List<Tensor> inputs = feed.batch(indexes, size);
                long start = System.nanoTime();
                loaded.run(inputs, outputs);
                if (call >= 0) {
                    times[call] = (System.nanoTime() - start) / 1e6;
                }
            }
            java.util.Arrays.sort(times);
            return new Latency(times[(calls - 1) / 2], times[Math.min(calls - 1, (int) Math.ceil(0.99 * calls) - 1)], load, calls);
        }
    }

    private byte[] graph(StoredPackage model) {
        try (InputStream in = artifacts.open(model.onnxBlob().sha256())) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw StewardException.internal("reading the ONNX graph " + model.modelDigest(), e);
        }
    }

    /** Columns declared {@code unknown_categories: error} must hold only training categories (or be missing). */
    private static void checkCategories(ModelSignature signature, TrainingTable table) {
        for (ModelSignature.Input input : signature.inputs()) {
            if (!input.refusesUnknownCategories()) {
                continue;
            }
            for (String column : input.columns()) {
                input.unknownCategory(table.strings(column)).ifPresent(value -> {
                    throw StewardException.invalid("dataset", "'" + column + "' holds the category '" + value
                            + "', unseen in training, and the model refuses unknown categories (handle_unknown: error)");
                });
            }
        }
    }

    /** The scores of {@code rows}: class probabilities, or the prediction as a single column. */
    private double[][] score(byte[] onnx, ModelSignature signature, TrainingTable table, List<Integer> rows) {
        ModelSignature.Output output = signature.output(signature.classification() ? ModelSignature.Role.PROBABILITIES
                : ModelSignature.Role.PREDICTION).orElseThrow();
        int width = signature.classification() ? signature.classes().size() : 1;
        // A graph exported with a fixed batch size (torch.onnx.export without dynamic axes) gets batches of exactly that size.
        long fixed = signature.inputs().stream().mapToLong(ModelSignature.Input::fixedBatch).filter(b -> b > 0).findFirst().orElse(0);
        int batch = fixed > 0 ? Math.toIntExact(fixed) : BATCH;
        double[][] scores = new double[rows.size()][];
        Set<String> wanted = Set.of(output.name());
        TensorFeed feed = new TensorFeed(signature.inputs(), table);
        try (ModelRuntime.LoadedModel model = runtime.load(onnx)) {
            int[] indexes = new int[batch];
            for (int start = 0; start < rows.size(); start += batch) {
                int end = Math.min(rows.size(), start + batch);
                int size = fixed > 0 ? batch : end - start;
                for (int i = 0; i < size; i++) {
                    // The last rows are repeated to fill a fixed batch; their scores are dropped.
                    indexes[i] = rows.get(Math.min(start + i, end - 1));
                }
                Tensor out = model.run(feed.batch(indexes, size), wanted).get(output.name());
                if (out.size() != size * width) {
                    throw StewardException.invalid("model", "the graph's output " + output.name() + " has the shape " + Arrays.toString(out.shape())
                            + " for " + size + " rows, where the package expects " + width + " value(s) per row");
                }
                for (int i = 0; i < end - start; i++) {
                    double[] row = new double[width];
                    for (int k = 0; k < width; k++) {
                        row[k] = out.number(i * width + k);
                    }
                    scores[start + i] = row;
                }
            }
        }
        return scores;
    }
}
