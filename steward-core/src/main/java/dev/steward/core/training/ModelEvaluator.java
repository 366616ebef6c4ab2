package dev.steward.core.training;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.data.DatasetService;
import dev.steward.core.eval.ClassificationMetrics;
import dev.steward.core.eval.Evaluation;
import dev.steward.core.tracking.TrackingService;
import dev.steward.core.util.Digests;
import dev.steward.spi.Caller;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnSummary;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Evaluates a packaged model on a dataset version the way serving runs it: the ONNX graph in the
 * {@link ModelRuntime}, fed the raw columns the manifest names, scored against the target the
 * model was trained on with the standard metric set. The result is kept as an evaluation run in
 * the model's experiment (metrics, the dataset version as input, {@code evaluation.json}), so
 * every evaluation is tracked and audited. Thread-safe.
 */
public final class ModelEvaluator {
    private static final int BATCH = 10_000;
    private static final int CALIBRATION_BINS = 10;

    private final TrackingService tracking;
    private final DatasetService datasets;
    private final ModelRuntime runtime;

    public ModelEvaluator(TrackingService tracking, DatasetService datasets, ModelRuntime runtime) {
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.datasets = requireNonNull(datasets, "datasets is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
    }

    /** The result of an evaluation, as kept in {@code evaluation.json} of the evaluation run. */
    public record Result(String evaluationRunId, ObjectNode report) {
    }

    public Result evaluate(Caller caller, String modelRunId, String datasetName, int versionNumber, Optional<String> overrideReason) {
        requireNonNull(caller, "caller is null");
        Run modelRun = tracking.getRun(modelRunId);
        JsonNode manifest = ModelPackage.readManifest(read(modelRun, ModelPackage.MANIFEST));
        byte[] onnx = read(modelRun, ModelPackage.ONNX);
        String digest = Digests.sha256Hex(onnx);
        if (!digest.equals(manifest.path("model_digest").asText())) {
            throw StewardException.of(dev.steward.spi.ErrorCode.DATA_CORRUPTED, "the ONNX graph of run " + modelRunId + " has digest " + digest
                    + " but its manifest says " + manifest.path("model_digest").asText());
        }
        DatasetVersion version = datasets.requireUsable(caller, datasets.version(datasetName, versionNumber), "evaluation", overrideReason);
        boolean classification = !manifest.path("task").asText().equals("regression");
        String target = manifest.at("/training_data/0/target").asText();
        Map<String, ColumnSummary> columns = new HashMap<>();
        version.columns().forEach(c -> columns.put(c.name(), c));
        Map<String, Boolean> read = new LinkedHashMap<>();
        for (JsonNode input : manifest.get("inputs")) {
            String name = input.get("name").asText();
            ColumnSummary column = columns.get(name);
            boolean categorical = input.get("datatype").asText().equals("BYTES");
            if (column == null) {
                throw StewardException.invalid("dataset", "the model needs the column '" + name + "', which " + datasetName + " version "
                        + versionNumber + " does not have");
            }
            if (!categorical && !column.type().numeric()) {
                throw StewardException.invalid("dataset", "the model needs '" + name + "' to be numeric, but in " + datasetName + " version "
                        + versionNumber + " it is " + column.type().name().toLowerCase());
            }
            read.put(name, categorical);
        }
        ColumnSummary targetColumn = columns.get(target);
        if (targetColumn == null) {
            throw StewardException.invalid("dataset", "the model was trained to predict '" + target + "', which " + datasetName + " version "
                    + versionNumber + " does not have");
        }
        if (!classification && !targetColumn.type().numeric()) {
            throw StewardException.invalid("dataset", "the target '" + target + "' must be numeric for a regression model");
        }
        read.put(target, classification);
        TrainingTable table = new TrainingTable(read, version.rowCount());
        datasets.scan(version, version.columns().stream().filter(c -> read.containsKey(c.name())).toList(), table);
        checkCategories(manifest, table);

        List<String> classes = new ArrayList<>();
        manifest.path("classes").forEach(c -> classes.add(c.asText()));
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
            throw StewardException.invalid("dataset", datasetName + " version " + versionNumber + " has no row with a value of '" + target + "'");
        }
        double[][] scores = score(onnx, manifest, table, rows, classification);
        int n = rows.size();
        Map<String, Double> metrics;
        ObjectNode report = ModelPackage.JSON.createObjectNode();
        if (classification) {
            int[] y = java.util.Arrays.copyOf(labels, n);
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
            metrics = Evaluation.regression(java.util.Arrays.copyOf(values, n), predictions);
        }
        ObjectNode metricNode = report.putObject("metrics");
        metrics.forEach((k, v) -> {
            if (Double.isFinite(v)) {
                metricNode.put(k, v);
            } else {
                metricNode.putNull(k);
            }
        });
        report.put("model_run_id", modelRunId).put("model_digest", digest).put("task", manifest.path("task").asText())
                .put("dataset", datasetName).put("version", versionNumber).put("dataset_sha256", version.sha256()).put("rows", n)
                .put("rows_without_target", table.rows() - n).put("target", target).put("runtime", runtime.version());

        Run evaluationRun = tracking.createRun(caller, modelRun.info().experimentId(), Optional.empty(), Optional.empty(), List.of(
                new KeyValue("steward.evaluation.model_run_id", modelRunId), new KeyValue("steward.model.digest", digest)),
                Optional.of("evaluate-" + modelRun.info().runName()));
        String runId = evaluationRun.info().runId();
        report.put("evaluation_run_id", runId);
        tracking.logInputs(caller, runId, List.of(new DatasetInput(datasetName, version.sha256(), "steward", "steward:dataset/" + datasetName + "/"
                + versionNumber, Optional.empty(), Optional.empty(), List.of(new KeyValue("mlflow.data.context", "evaluation")),
                Optional.of(version.id()))));
        long now = System.currentTimeMillis();
        List<Metric> logged = new ArrayList<>();
        metrics.forEach((k, v) -> logged.add(new Metric(k, v, now, 0)));
        tracking.logBatch(caller, runId, logged, List.of(new KeyValue("model_run_id", modelRunId), new KeyValue("dataset", datasetName + "@"
                + versionNumber)), List.of());
        try {
            tracking.putRunArtifact(caller, runId, "evaluation.json", new ByteArrayInputStream(ModelPackage.JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(report)), Long.MAX_VALUE);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw StewardException.internal("writing evaluation.json", e);
        }
        tracking.updateRun(caller, runId, Optional.of(RunStatus.FINISHED), Optional.of(System.currentTimeMillis()), Optional.empty());
        return new Result(runId, report);
    }

    private byte[] read(Run run, String file) {
        try (InputStream in = tracking.openRunArtifact(run.info(), ModelPackage.DIRECTORY + "/" + file)) {
            return in.readAllBytes();
        } catch (StewardException e) {
            if (e.code() == dev.steward.spi.ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                throw StewardException.invalid("run_id", "run " + run.info().runId() + " has no model package (" + ModelPackage.DIRECTORY + "/"
                        + file + " is missing); train one with a train job");
            }
            throw e;
        } catch (IOException e) {
            throw StewardException.internal("reading " + file + " of run " + run.info().runId(), e);
        }
    }

    /** Columns declared {@code unknown_categories: error} must hold only training categories (or be missing). */
    private static void checkCategories(JsonNode manifest, TrainingTable table) {
        for (JsonNode input : manifest.get("inputs")) {
            if (!input.path("unknown_categories").asText().equals("error")) {
                continue;
            }
            java.util.Set<String> known = new java.util.HashSet<>();
            input.get("categories").forEach(c -> known.add(c.asText()));
            for (String value : table.strings(input.get("name").asText())) {
                if (!value.isEmpty() && !known.contains(value)) {
                    throw StewardException.invalid("dataset", "'" + input.get("name").asText() + "' holds the category '" + value
                            + "', unseen in training, and the model refuses unknown categories (handle_unknown: error)");
                }
            }
        }
    }

    private double[][] score(byte[] onnx, JsonNode manifest, TrainingTable table, List<Integer> rows, boolean classification) {
        double[][] scores = new double[rows.size()][];
        String output = classification ? "probabilities" : "prediction";
        try (ModelRuntime.LoadedModel model = runtime.load(onnx)) {
            for (int start = 0; start < rows.size(); start += BATCH) {
                int end = Math.min(rows.size(), start + BATCH);
                List<Tensor> inputs = new ArrayList<>();
                for (JsonNode input : manifest.get("inputs")) {
                    String name = input.get("name").asText();
                    if (input.get("datatype").asText().equals("BYTES")) {
                        String[] source = table.strings(name);
                        String[] batch = new String[end - start];
                        for (int i = start; i < end; i++) {
                            batch[i - start] = source[rows.get(i)];
                        }
                        inputs.add(Tensor.column(name, batch));
                    } else {
                        double[] source = table.numbers(name);
                        double[] batch = new double[end - start];
                        for (int i = start; i < end; i++) {
                            batch[i - start] = source[rows.get(i)];
                        }
                        inputs.add(Tensor.column(name, batch));
                    }
                }
                Tensor out = model.run(inputs, Set.of(output)).get(output);
                int width = out.rank() == 2 ? (int) out.dimension(1) : 1;
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
