package dev.steward.core.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.tracking.TrackingService;
import dev.steward.core.training.ModelPackage;
import dev.steward.core.training.StoredPackage;
import dev.steward.core.util.Digests;
import dev.steward.spi.ErrorCategory;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactRef;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.serving.ModelRuntime;
import dev.steward.spi.tracking.ArtifactFile;
import dev.steward.spi.tracking.RunInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns models from anywhere into {@link StoredPackage}s of format version 1: the package a
 * Steward training run keeps, an ONNX graph built by any tool (skl2onnx, torch.onnx.export,
 * tf2onnx...), or an MLflow model a run logged. An imported graph is loaded in the
 * {@link ModelRuntime} and run once before anything is stored; its manifest (see
 * {@code docs/model-format.md}) and the graph are stored as blobs of the artifact store, and the
 * caller records the references in its own transaction. Nothing is stored when an import is
 * refused. Thread-safe.
 */
public final class PackageImporter {
    /** The kinds of {@code origin} in the manifest of an imported graph. */
    public static final String ONNX_UPLOAD = "onnx_upload";
    public static final String MLFLOW_MODEL = "mlflow_model";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final TrackingService tracking;
    private final ArtifactStore artifacts;
    private final ModelRuntime runtime;

    public PackageImporter(TrackingService tracking, ArtifactStore artifacts, ModelRuntime runtime) {
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
    }

    /**
     * The package a Steward training run keeps under {@code model/}: its blobs are the run's
     * artifact blobs; nothing is stored.
     *
     * @throws StewardException {@code RESOURCE_DOES_NOT_EXIST} for an unknown run, {@code INVALID_PARAMETER_VALUE} on
     *     {@code run_id} for a run without a package, {@code DATA_CORRUPTED} when its graph is not the one its manifest names
     */
    public StoredPackage fromRun(String runId) {
        requireNonNull(runId, "runId is null");
        return ModelPackage.ofRun(tracking, tracking.getRun(runId).info(), ModelPackage.DIRECTORY);
    }

    /**
     * Imports an ONNX graph built anywhere, with what {@code options} declare about it (a signature
     * file, {@link PackageImportOptions#parse}, and/or explicit options).
     *
     * @throws StewardException {@code INVALID_PARAMETER_VALUE} naming the field to fix: {@code model} when ONNX Runtime
     *     cannot load or run the graph (with its error) or the graph has inputs or outputs Steward cannot feed or serve;
     *     {@code task}, {@code classes}, {@code inputs.<input>.columns}, {@code outputs.<output>.role}... when the
     *     signature must say more. Nothing is stored then.
     */
    public StoredPackage fromOnnx(byte[] graph, PackageImportOptions options) {
        requireNonNull(graph, "graph is null");
        requireNonNull(options, "options is null");
        ObjectNode origin = JsonNodeFactory.instance.objectNode().put("kind", ONNX_UPLOAD);
        return store(graph, origin, model -> options);
    }

    /**
     * Imports what {@code mlflow.register_model("runs:/<run>/<artifactPath>", ...)} points at: the
     * folder {@code artifactPath} of the run's artifacts. A Steward package there is used as it is
     * (as {@link #fromRun}); an MLflow model with an {@code onnx} flavor is imported as
     * {@link #fromOnnx}, with what its MLmodel declares under {@code options}; any other MLflow
     * model, or one Steward cannot import, is {@link PackageImportResult.Failed} with a message
     * saying why and how to convert it. Pickles and other flavors' files are never read.
     *
     * @throws StewardException {@code RESOURCE_DOES_NOT_EXIST} for an unknown run, {@code INVALID_PARAMETER_VALUE} on
     *     {@code artifact_path} for a path that is not one
     */
    public PackageImportResult fromMlflowModel(String runId, String artifactPath, PackageImportOptions options) {
        requireNonNull(runId, "runId is null");
        requireNonNull(artifactPath, "artifactPath is null");
        requireNonNull(options, "options is null");
        RunInfo run = tracking.getRun(runId).info();
        String folder = folder(artifactPath);
        String where = "run " + runId + (folder.isEmpty() ? "" : " at '" + folder + "'");
        Optional<ArtifactFile> stewardManifest;
        try {
            stewardManifest = file(run, folder, ModelPackage.MANIFEST);
        } catch (StewardException e) {
            throw e.code() == ErrorCode.INVALID_PARAMETER_VALUE ? e.withField("artifact_path") : e;
        }
        try {
            if (stewardManifest.isPresent()) {
                return new PackageImportResult.Ready(ModelPackage.ofRun(tracking, run, folder));
            }
            Optional<ArtifactFile> mlmodel = file(run, folder, MlflowModelFile.NAME);
            if (mlmodel.isEmpty()) {
                return new PackageImportResult.Failed("there is no model in " + where + ": neither an MLflow model (" + MlflowModelFile.NAME
                        + ") nor a Steward package (" + ModelPackage.MANIFEST + ")");
            }
            if (mlmodel.get().size() > MlflowModelFile.MAX_BYTES) {
                return new PackageImportResult.Failed("the MLmodel file in " + where + " has " + mlmodel.get().size() + " bytes; an MLmodel file"
                        + " has at most " + MlflowModelFile.MAX_BYTES);
            }
            MlflowModelFile model = MlflowModelFile.parse(read(mlmodel.get()));
            Optional<String> data = model.onnxData();
            if (data.isEmpty()) {
                return new PackageImportResult.Failed("Steward serves ONNX graphs only, and the MLflow model in " + where + " has no onnx flavor"
                        + " (its flavors: " + model.flavors() + "); Steward never loads pickles or runs a flavor's code. Convert the model to ONNX"
                        + " and log it with mlflow.onnx.log_model(onnx_model, \"model\", save_as_external_data=False): for scikit-learn,"
                        + " onnx_model = skl2onnx.to_onnx(model, X[:1].astype(numpy.float32), options={'zipmap': False}); for PyTorch,"
                        + " torch.onnx.export(model, example, \"model.onnx\", dynamic_axes={\"input\": {0: \"batch\"}}) then onnx.load(\"model.onnx\");"
                        + " for TensorFlow/Keras, onnx_model, _ = tf2onnx.convert.from_keras(model); then register that model");
            }
            Optional<ArtifactFile> onnx = file(run, folder, data.get());
            if (onnx.isEmpty()) {
                return new PackageImportResult.Failed("the MLflow model in " + where + " names the ONNX file '" + data.get()
                        + "' in its onnx flavor, but the run has no such artifact");
            }
            ObjectNode origin = JsonNodeFactory.instance.objectNode().put("kind", MLFLOW_MODEL).put("run_id", runId)
                    .put("artifact_path", folder).put("flavor", "onnx").put("mlmodel_sha256", mlmodel.get().sha256());
            model.describe(origin);
            byte[] graph = read(onnx.get());
            return new PackageImportResult.Ready(store(graph, origin, loaded -> model.options(loaded.inputs()).overriddenBy(options)));
        } catch (StewardException e) {
            // What the run logged is the user's content: a model Steward cannot use fails the import, but a bad request still throws.
            if (e.code().category() != ErrorCategory.USER && e.code() != ErrorCode.DATA_CORRUPTED) {
                throw e;
            }
            String hint = e.getMessage().startsWith("ONNX Runtime cannot load") ? "; a graph whose weights mlflow.onnx.log_model saved as"
                    + " external data (save_as_external_data=True, its default) cannot be imported: log it with save_as_external_data=False" : "";
            return new PackageImportResult.Failed("the MLflow model in " + where + " cannot be imported: " + e.getMessage()
                    + e.field().map(f -> " (" + f + ")").orElse("") + hint);
        }
    }

    /** Loads and checks the graph, writes its manifest, and stores both only once everything was accepted. */
    private StoredPackage store(byte[] graph, ObjectNode origin, Function<ModelRuntime.LoadedModel, PackageImportOptions> options) {
        String digest = Digests.sha256Hex(graph);
        ObjectNode manifest;
        try (ModelRuntime.LoadedModel model = runtime.load(graph)) {
            origin.set("graph", GraphImport.describe(model.metadata()));
            manifest = GraphImport.manifest(model, options.apply(model), digest, graph.length, origin);
        }
        byte[] content;
        try {
            content = JSON.writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw StewardException.internal("writing the manifest of an imported graph", e);
        }
        // What was written must read back as a package: a failure here is Steward's bug, not the graph's.
        JsonNode read = ModelPackage.readManifest(content);
        ArtifactRef onnx = artifacts.put(new ByteArrayInputStream(graph), graph.length);
        ArtifactRef manifestRef = artifacts.put(new ByteArrayInputStream(content), content.length);
        return new StoredPackage(manifestRef, onnx, read);
    }

    private static String folder(String artifactPath) {
        String folder = artifactPath;
        while (folder.startsWith("/")) {
            folder = folder.substring(1);
        }
        while (folder.endsWith("/")) {
            folder = folder.substring(0, folder.length() - 1);
        }
        return folder;
    }

    private Optional<ArtifactFile> file(RunInfo run, String folder, String name) {
        try {
            return Optional.of(tracking.statRunArtifact(run, folder.isEmpty() ? name : folder + "/" + name));
        } catch (StewardException e) {
            if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private byte[] read(ArtifactFile file) {
        try (InputStream in = tracking.openArtifact(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw StewardException.internal("reading " + file.path(), e);
        }
    }
}
