package dev.steward.core.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.training.StoredPackage;
import dev.steward.spi.Caller;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactRef;
import dev.steward.spi.artifact.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Registration from wherever a model comes from — a Steward training run, an ONNX graph built
 * anywhere (uploaded as a blob), an MLflow model folder in a run's artifacts — through the
 * {@link PackageImporter}, and the resolution of model URIs ({@code models:/...}, {@code runs:/...})
 * to packages, for evaluation and serving. Thread-safe.
 */
public final class ModelRegistration {
    /** MLflow artifact URIs of a run's folder: {@code runs:/<run>/<path>} or {@code mlflow-artifacts:/<experiment>/<run>/artifacts/<path>}. */
    private static final Pattern ARTIFACT_URI = Pattern.compile("mlflow-artifacts:/+(?:[0-9]+)/([0-9a-f]{32})/artifacts/(.+?)/*");

    private final RegistryService registry;
    private final PackageImporter importer;
    private final ArtifactStore artifacts;
    private final long maxGraphBytes;

    public ModelRegistration(RegistryService registry, PackageImporter importer, ArtifactStore artifacts, long maxGraphBytes) {
        this.registry = requireNonNull(registry, "registry is null");
        this.importer = requireNonNull(importer, "importer is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.maxGraphBytes = maxGraphBytes;
    }

    /**
     * What to register: exactly one of a run id (its Steward package), a source URI (what MLflow
     * clients send: {@code runs:/<run>/model} or an artifact URI), or the digest of an uploaded
     * ONNX blob (with an optional signature).
     */
    public record Request(Optional<String> runId, Optional<String> source, Optional<String> onnxSha256, Optional<JsonNode> signature,
            Optional<String> description, Map<String, String> tags) {
        public Request {
            requireNonNull(runId, "runId is null");
            requireNonNull(source, "source is null");
            requireNonNull(onnxSha256, "onnxSha256 is null");
            requireNonNull(signature, "signature is null");
            requireNonNull(description, "description is null");
            tags = Map.copyOf(tags);
        }
    }

    /** Registers the next version of {@code name}; a source that is not servable becomes a failed version with the reason. */
    public RegistryService.VersionDetails register(Caller caller, String name, Request request, boolean createModel) {
        requireNonNull(caller, "caller is null");
        requireNonNull(request, "request is null");
        ModelNames.model(name);
        int given = (request.runId().isPresent() ? 1 : 0) + (request.source().isPresent() ? 1 : 0) + (request.onnxSha256().isPresent() ? 1 : 0);
        if (given != 1) {
            throw StewardException.invalid("source", "give exactly one of 'run_id' (a Steward training run), 'source' (an artifact URI such"
                    + " as runs:/<run_id>/model) or 'onnx_sha256' (an ONNX graph uploaded with PUT /api/v1/artifacts)");
        }
        if (request.signature().isPresent() && request.onnxSha256().isEmpty()) {
            throw StewardException.invalid("signature", "a signature goes with an uploaded ONNX graph (onnx_sha256)");
        }
        if (!createModel) {
            // An unknown model is the error (MLflow's), before the source is read and its package stored for nothing.
            registry.find(name);
        }
        if (request.onnxSha256().isPresent()) {
            String sha = request.onnxSha256().get();
            StoredPackage pkg = importer.fromOnnx(graph(sha), request.signature().map(sig -> PackageImportOptions.parse(sig, "signature"))
                    .orElse(PackageImportOptions.NONE));
            return registry.registerPackage(caller, name, pkg, new RegistryService.Source("onnx", "sha256:" + sha, Optional.empty()),
                    request.tags(), request.description(), createModel);
        }
        if (request.runId().isPresent()) {
            String runId = checkRunId(request.runId().get());
            StoredPackage pkg = importer.fromRun(runId);
            return registry.registerPackage(caller, name, pkg, new RegistryService.Source("run", "runs:/" + runId + "/model", Optional.of(runId)),
                    request.tags(), request.description(), createModel);
        }
        String source = request.source().get();
        String[] folder = runFolder(source);
        PackageImportResult imported = importer.fromMlflowModel(folder[0], folder[1], PackageImportOptions.NONE);
        RegistryService.Source from = new RegistryService.Source("mlflow", source, Optional.of(folder[0]));
        if (imported instanceof PackageImportResult.Ready ready) {
            return registry.registerPackage(caller, name, ready.model(), from, request.tags(), request.description(), createModel);
        }
        return registry.registerFailed(caller, name, from, ((PackageImportResult.Failed) imported).message(), request.tags(),
                request.description(), createModel);
    }

    /** The package a model URI names: a registered version's (which must be ready) or a run's. */
    public StoredPackage packageOf(String uri) {
        ModelUri parsed = ModelUri.parse(uri);
        if (parsed instanceof ModelUri.RunModel run) {
            PackageImportResult imported = importer.fromMlflowModel(run.runId(), run.path(), PackageImportOptions.NONE);
            if (imported instanceof PackageImportResult.Failed failed) {
                throw StewardException.invalid("model", parsed + ": " + failed.message());
            }
            return ((PackageImportResult.Ready) imported).model();
        }
        RegistryService.VersionDetails version = registry.resolve((ModelUri.Registered) parsed);
        if (!version.version().ready()) {
            throw StewardException.invalidState(parsed + " is version " + version.version().version() + ", which is " + version.version().status()
                    + version.version().statusMessage().map(m -> ": " + m).orElse("")).withField("model");
        }
        return registry.packageOf(version.version());
    }

    /** What a model URI names, as shown to people: the version, or the run's package. */
    public ObjectNode describe(String uri) {
        ModelUri parsed = ModelUri.parse(uri);
        if (parsed instanceof ModelUri.Registered registered) {
            ObjectNode view = ModelViews.version(registry.resolve(registered));
            view.put("uri", uri);
            return view;
        }
        StoredPackage pkg = packageOf(uri);
        ObjectNode view = RegistryService.JSON.createObjectNode().put("uri", uri).put("model_digest", pkg.modelDigest())
                .put("manifest_sha256", pkg.manifestBlob().sha256()).put("task", pkg.manifest().path("task").asText());
        view.set("inputs", pkg.manifest().path("inputs"));
        view.set("outputs", pkg.manifest().path("outputs"));
        return view;
    }

    /** The bytes of an uploaded ONNX graph, bounded (ONNX Runtime holds the graph in memory to load it). */
    private byte[] graph(String sha256) {
        ArtifactRef ref = artifacts.stat(ArtifactRef.requireValidDigest(sha256)).orElseThrow(() -> StewardException.invalid("onnx_sha256",
                "no blob with SHA-256 " + sha256 + ": upload the graph first (PUT /api/v1/artifacts)"));
        if (ref.size() > maxGraphBytes) {
            throw StewardException.invalid("onnx_sha256", "the graph is " + ref.size() + " bytes, more than the " + maxGraphBytes
                    + " an import reads into memory");
        }
        try (InputStream in = artifacts.open(sha256)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw StewardException.internal("reading the uploaded graph " + sha256, e);
        }
    }

    /** The run and folder of an artifact URI that MLflow clients register from. */
    private static String[] runFolder(String source) {
        if (source.startsWith("runs:/")) {
            ModelUri.RunModel run = (ModelUri.RunModel) ModelUri.parse(source);
            return new String[] {run.runId(), run.path()};
        }
        Matcher m = ARTIFACT_URI.matcher(source);
        if (m.matches() && !m.group(2).contains("..")) {
            return new String[] {m.group(1), m.group(2)};
        }
        throw StewardException.invalid("source", "'" + ModelNames.abbreviate(source) + "' is not an artifact location Steward holds: use"
                + " runs:/<run_id>/<path> or the run's mlflow-artifacts:/ URI");
    }

    private static String checkRunId(String runId) {
        if (!runId.matches("[0-9a-f]{32}")) {
            throw StewardException.invalid("run_id", "'" + ModelNames.abbreviate(runId) + "' is not a run id (32 hex digits)");
        }
        return runId;
    }
}
