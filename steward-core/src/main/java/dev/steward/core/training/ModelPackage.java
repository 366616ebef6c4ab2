package dev.steward.core.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.tracking.TrackingService;
import dev.steward.core.util.Digests;
import dev.steward.core.util.StewardVersion;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactRef;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.tracking.ArtifactFile;
import dev.steward.spi.tracking.RunInfo;
import dev.steward.spi.training.FittedColumn;
import dev.steward.spi.training.FittedStep;
import dev.steward.spi.training.TrainedModel;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The model package, format version 1 (see {@code docs/model-format.md}): a manifest
 * ({@value #MANIFEST}), the ONNX graph ({@value #ONNX}) and the trainer's native model
 * ({@value #NATIVE}), kept as run artifacts under {@value #DIRECTORY}/. The model digest is the
 * SHA-256 of the ONNX graph: training is deterministic, so the same spec on the same data gives
 * the same digest.
 */
public final class ModelPackage {
    public static final int FORMAT_VERSION = 1;
    public static final String DIRECTORY = "model";
    public static final String MANIFEST = "steward-model.json";
    public static final String ONNX = "model.onnx";
    public static final String NATIVE = "model.tribuo";
    static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private ModelPackage() {
    }

    /**
     * Reads and checks a manifest of any format version up to {@link #FORMAT_VERSION}: every
     * field serving and evaluation rely on must be there. Packages of older versions stay readable
     * forever (a golden package of each version is kept as a test fixture). Packages Steward
     * trained feed FP64 or BYTES columns; imported graphs ({@code origin} in the manifest) may
     * take any {@link dev.steward.spi.serving.Datatype} and must have a complete
     * {@link ModelSignature}.
     */
    public static JsonNode readManifest(byte[] content) {
        JsonNode m;
        try {
            m = JSON.readTree(content);
        } catch (IOException e) {
            throw StewardException.of(ErrorCode.DATA_CORRUPTED, "the model manifest is not JSON: " + e.getMessage());
        }
        if (m == null || !m.isObject() || !m.path("format").asText().equals("steward-model")) {
            throw StewardException.of(ErrorCode.DATA_CORRUPTED, "not a Steward model manifest (format is not steward-model)");
        }
        int version = m.path("format_version").asInt(-1);
        if (version < 1 || version > FORMAT_VERSION) {
            throw StewardException.invalid("format_version", "model package format version " + version
                    + " is not one this Steward reads (1 to " + FORMAT_VERSION + "); upgrade Steward to read it");
        }
        for (String field : List.of("model_digest", "task", "inputs", "outputs", "training_data")) {
            if (m.path(field).isMissingNode() || m.path(field).isNull()) {
                throw StewardException.of(ErrorCode.DATA_CORRUPTED, "the model manifest lacks '" + field + "'");
            }
        }
        if (ModelSignature.imported(m)) {
            // A graph from elsewhere may take any datatype Steward runs; its signature must say how to feed and read it.
            ModelSignature.of(m);
            return m;
        }
        for (JsonNode input : m.get("inputs")) {
            if (!input.path("name").isTextual() || !List.of("FP64", "BYTES").contains(input.path("datatype").asText())) {
                throw StewardException.of(ErrorCode.DATA_CORRUPTED, "the model manifest has an input without a name or"
                        + " with a datatype other than FP64 or BYTES: " + input);
            }
        }
        if (!m.path("task").asText().equals("regression") && !m.path("classes").isArray()) {
            throw StewardException.of(ErrorCode.DATA_CORRUPTED, "the manifest of a classifier lacks 'classes'");
        }
        return m;
    }

    /**
     * The package a run keeps in {@code directory} of its artifacts (a training run: {@value #DIRECTORY}): its manifest read and
     * checked, and its graph's digest checked against the manifest's {@code model_digest}.
     *
     * @throws StewardException {@code INVALID_PARAMETER_VALUE} on {@code run_id} when the run holds no package there,
     *     {@code DATA_CORRUPTED} when the graph is not the one the manifest names
     */
    public static StoredPackage ofRun(TrackingService tracking, RunInfo run, String directory) {
        ArtifactFile manifestFile = file(tracking, run, directory, MANIFEST);
        ArtifactFile onnxFile = file(tracking, run, directory, ONNX);
        JsonNode manifest;
        try (InputStream in = tracking.openArtifact(manifestFile)) {
            manifest = readManifest(in.readAllBytes());
        } catch (IOException e) {
            throw StewardException.internal("reading the model manifest of run " + run.runId(), e);
        }
        if (!onnxFile.sha256().equals(manifest.path("model_digest").asText())) {
            throw StewardException.of(ErrorCode.DATA_CORRUPTED, "the ONNX graph of run " + run.runId() + " has digest " + onnxFile.sha256()
                    + " but its manifest says " + manifest.path("model_digest").asText());
        }
        return new StoredPackage(new ArtifactRef(manifestFile.sha256(), manifestFile.size()), new ArtifactRef(onnxFile.sha256(), onnxFile.size()),
                manifest);
    }

    private static ArtifactFile file(TrackingService tracking, RunInfo run, String directory, String file) {
        String path = directory.isEmpty() ? file : directory + "/" + file;
        try {
            return tracking.statRunArtifact(run, path);
        } catch (StewardException e) {
            if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                throw StewardException.invalid("run_id", "run " + run.runId() + " has no model package (" + path
                        + " is missing); train one with a train job");
            }
            throw e;
        }
    }

    static ObjectNode manifest(TrainingPlan plan, List<FittedColumn> columns, List<String> classes, TrainedModel model, Map<String, Double> metrics,
            long trainingRows, ObjectNode spec) {
        ObjectNode m = JSON.createObjectNode();
        m.put("format", "steward-model").put("format_version", FORMAT_VERSION);
        m.put("model_digest", Digests.sha256Hex(model.onnx()));
        m.put("task", plan.spec().task().wireName());
        m.put("algorithm", plan.spec().algorithm());
        ObjectNode hyper = m.putObject("hyperparameters");
        new TreeMap<>(plan.spec().hyperparameters()).forEach((k, v) -> hyper.set(k, JSON.valueToTree(v)));
        ArrayNode inputs = m.putArray("inputs");
        for (int i = 0; i < columns.size(); i++) {
            FittedColumn c = columns.get(i);
            ColumnSummary summary = plan.features().get(i).column();
            ObjectNode input = inputs.addObject();
            input.put("name", c.name()).put("datatype", c.categorical() ? "BYTES" : "FP64").put("onnx_type", c.categorical() ? "tensor(string)" : "tensor(double)");
            input.putArray("shape").add(-1).add(1);
            input.put("column_type", summary.type().name().toLowerCase()).put("missing", c.categorical() ? "empty string" : "NaN");
            if (c.categorical()) {
                FittedStep.OneHot oneHot = (FittedStep.OneHot) c.steps().get(c.steps().size() - 1);
                ArrayNode categories = input.putArray("categories");
                oneHot.categories().forEach(categories::add);
                input.put("unknown_categories", oneHot.errorOnUnknown() ? "error" : "ignore");
            }
        }
        ArrayNode outputs = m.putArray("outputs");
        if (plan.spec().task().classification()) {
            outputs.addObject().put("name", "label").put("datatype", "BYTES").put("onnx_type", "tensor(string)").putArray("shape").add(-1);
            outputs.addObject().put("name", "probabilities").put("datatype", "FP64").put("onnx_type", "tensor(double)").putArray("shape").add(-1)
                    .add(classes.size());
            ArrayNode cls = m.putArray("classes");
            classes.forEach(cls::add);
        } else {
            outputs.addObject().put("name", "prediction").put("datatype", "FP64").put("onnx_type", "tensor(double)").putArray("shape").add(-1);
        }
        ArrayNode preprocessing = m.putArray("preprocessing");
        for (FittedColumn c : columns) {
            ObjectNode column = preprocessing.addObject();
            column.put("column", c.name()).put("kind", c.categorical() ? "categorical" : "numeric");
            ArrayNode steps = column.putArray("steps");
            c.steps().forEach(s -> steps.add(step(s)));
        }
        ArrayNode features = m.putArray("features");
        columns.forEach(c -> c.featureNames().forEach(features::add));
        ObjectNode metricNode = m.putObject("metrics");
        new TreeMap<>(metrics).forEach((k, v) -> {
            if (Double.isFinite(v)) {
                metricNode.put(k, v);
            } else {
                metricNode.putNull(k);
            }
        });
        DatasetVersion v = plan.version();
        ObjectNode data = m.putArray("training_data").addObject();
        data.put("dataset", v.datasetName()).put("version", v.version()).put("sha256", v.sha256()).put("rows", v.rowCount())
                .put("training_rows", trainingRows).put("target", plan.target().name());
        m.set("spec", spec.deepCopy());
        m.putObject("code").put("steward_version", StewardVersion.get()).put("steward_commit", StewardVersion.commit())
                .put("steward_commit_dirty", StewardVersion.dirty()).put("java_specification", System.getProperty("java.specification.version"));
        ObjectNode libraries = m.putObject("libraries");
        new TreeMap<>(model.libraries()).forEach(libraries::put);
        ObjectNode files = m.putObject("files");
        files.putObject(ONNX).put("sha256", Digests.sha256Hex(model.onnx())).put("size", model.onnx().length);
        files.putObject(NATIVE).put("sha256", Digests.sha256Hex(model.nativeModel())).put("size", model.nativeModel().length)
                .put("format", model.nativeFormat());
        return m;
    }

    private static ObjectNode step(FittedStep s) {
        ObjectNode n = JSON.createObjectNode();
        if (s instanceof FittedStep.Impute i) {
            n.put("step", "impute").put("strategy", i.strategy()).put("value", i.value());
        } else if (s instanceof FittedStep.ImputeCategory i) {
            n.put("step", "impute").put("strategy", i.strategy()).put("value", i.value());
        } else if (s instanceof FittedStep.Standardize st) {
            n.put("step", "standardize").put("mean", st.mean()).put("scale", st.scale());
        } else if (s instanceof FittedStep.MinMax mm) {
            n.put("step", "min_max").put("min", mm.min()).put("range", mm.range());
        } else if (s instanceof FittedStep.Bucketize b) {
            ArrayNode boundaries = n.put("step", "bucketize").putArray("boundaries");
            for (double x : b.boundaries()) {
                boundaries.add(x);
            }
        } else {
            FittedStep.OneHot o = (FittedStep.OneHot) s;
            ArrayNode categories = n.put("step", "one_hot").put("handle_unknown", o.errorOnUnknown() ? "error" : "ignore").putArray("categories");
            o.categories().forEach(categories::add);
        }
        return n;
    }
}
