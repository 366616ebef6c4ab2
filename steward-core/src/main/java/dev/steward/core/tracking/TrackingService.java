package dev.steward.core.tracking;

import static java.util.Objects.requireNonNull;

import dev.steward.core.audit.AuditLog;
import dev.steward.core.tracking.search.SearchParser;
import dev.steward.core.util.NulCharacters;
import dev.steward.spi.Actor;
import dev.steward.spi.Caller;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactRef;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.store.MetadataStore;
import dev.steward.spi.store.StoreTransaction;
import dev.steward.spi.tracking.ArtifactFile;
import dev.steward.spi.tracking.DatasetInput;
import dev.steward.spi.tracking.Experiment;
import dev.steward.spi.tracking.ExperimentQuery;
import dev.steward.spi.tracking.KeyValue;
import dev.steward.spi.tracking.Lifecycle;
import dev.steward.spi.tracking.Metric;
import dev.steward.spi.tracking.Run;
import dev.steward.spi.tracking.RunInfo;
import dev.steward.spi.tracking.RunQuery;
import dev.steward.spi.tracking.RunStatus;
import dev.steward.spi.tracking.TrackingRepository;
import dev.steward.spi.tracking.ViewType;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Experiment tracking in MLflow's model: experiments, runs, params, metrics, tags, dataset inputs
 * and the artifact tree. Validates every input with MLflow's rules and messages. Governance
 * changes (creating, renaming, deleting, restoring, ending runs) are audited in the same
 * transaction; metric points are not, but the run's whole content is sealed by a digest recorded
 * in the audit event of its end. Thread-safe.
 */
public final class TrackingService {
    public static final String DEFAULT_EXPERIMENT_ID = "0";
    public static final String DEFAULT_EXPERIMENT_NAME = "Default";
    /** Where experiments keep artifacts by default: served by this server's artifact proxy. */
    public static final String ARTIFACT_SCHEME = "mlflow-artifacts:";
    public static final String RUN_NAME_TAG = "mlflow.runName";
    private static final int DEFAULT_RUN_RESULTS = 1000;
    private static final int DEFAULT_EXPERIMENT_RESULTS = 1000;

    private final MetadataStore store;
    private final ArtifactStore artifacts;
    private final AuditLog audit;
    private final Clock clock;

    public TrackingService(MetadataStore store, ArtifactStore artifacts, AuditLog audit, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Creates MLflow's default experiment "0" on first start. */
    public void ensureDefaultExperiment(Caller caller) {
        store.write(tx -> {
            TrackingRepository repository = tx.repository(TrackingRepository.class);
            if (repository.findExperiment(DEFAULT_EXPERIMENT_ID).isEmpty()) {
                repository.insertExperimentWithId(DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME, ARTIFACT_SCHEME + "/0", now());
                audit.record(tx, caller, "experiment.create", "experiment", DEFAULT_EXPERIMENT_ID, Map.of("name", DEFAULT_EXPERIMENT_NAME));
            }
            return null;
        });
    }

    // ---- experiments -------------------------------------------------------------------------

    public String createExperiment(Caller caller, String name, Optional<String> artifactLocation, List<KeyValue> tags) {
        TrackingLimits.experimentName(name);
        artifactLocation.ifPresent(location -> NulCharacters.refuse("artifact_location", "The artifact location", location));
        artifactLocation.ifPresent(location -> {
            if (location.startsWith("runs:")) {
                throw StewardException.invalid("artifact_location", "Artifact location cannot be a runs:/ URI. Given: '" + location + "'");
            }
        });
        tags.forEach(TrackingLimits::experimentTag);
        return store.write(tx -> {
            TrackingRepository repository = tx.repository(TrackingRepository.class);
            if (repository.findExperimentByName(name).isPresent()) {
                throw StewardException.alreadyExists("Experiment(name=" + name + ") already exists.");
            }
            String id = repository.insertExperiment(name, artifactLocation.filter(l -> !l.isEmpty()).orElse(ARTIFACT_SCHEME + "/{id}"), now());
            for (KeyValue tag : tags) {
                repository.setExperimentTag(id, tag.key(), tag.value());
            }
            audit.record(tx, caller, "experiment.create", "experiment", id, Map.of("name", name));
            return id;
        });
    }

    public Experiment getExperiment(String id) {
        TrackingLimits.experimentId(id);
        return store.read(tx -> experiment(tx, id));
    }

    public Experiment getExperimentByName(String name) {
        if (name == null || name.isEmpty()) {
            throw StewardException.invalid("experiment_name", "Missing value for required parameter 'experiment_name'.");
        }
        NulCharacters.refuse("experiment_name", "The experiment name", name);
        return store.read(tx -> tx.repository(TrackingRepository.class).findExperimentByName(name))
                .orElseThrow(() -> StewardException.notFound("Could not find experiment with name '" + name + "'"));
    }

    public Page<Experiment> searchExperiments(ViewType viewType, String filter, List<String> orderBy, Integer maxResults, String pageToken) {
        int limit = TrackingLimits.maxResults(maxResults, DEFAULT_EXPERIMENT_RESULTS);
        int offset = PageToken.offset(pageToken);
        ExperimentQuery query = new ExperimentQuery(SearchParser.parseFilter(filter == null ? "" : filter, SearchParser.Target.EXPERIMENTS),
                viewType, SearchParser.parseOrderBy(orderBy, SearchParser.Target.EXPERIMENTS), offset, limit);
        List<Experiment> found = store.read(tx -> tx.repository(TrackingRepository.class).searchExperiments(query));
        return new Page<>(found, found.size() == limit ? Optional.of(PageToken.of(offset + limit)) : Optional.empty());
    }

    public void renameExperiment(Caller caller, String id, String newName) {
        TrackingLimits.experimentId(id);
        TrackingLimits.experimentName(newName);
        store.write(tx -> {
            Experiment experiment = experiment(tx, id);
            if (!experiment.active()) {
                throw StewardException.invalid("experiment_id", "Cannot rename a non-active experiment.");
            }
            TrackingRepository repository = tx.repository(TrackingRepository.class);
            if (!experiment.name().equals(newName) && repository.findExperimentByName(newName).isPresent()) {
                throw StewardException.alreadyExists("Experiment(name=" + newName + ") already exists.");
            }
            repository.renameExperiment(id, newName, now());
            audit.record(tx, caller, "experiment.rename", "experiment", id, Map.of("name", newName, "previous_name", experiment.name()));
            return null;
        });
    }

    public void deleteExperiment(Caller caller, String id) {
        setExperimentLifecycle(caller, id, Lifecycle.DELETED, "experiment.delete");
    }

    public void restoreExperiment(Caller caller, String id) {
        setExperimentLifecycle(caller, id, Lifecycle.ACTIVE, "experiment.restore");
    }

    private void setExperimentLifecycle(Caller caller, String id, String stage, String action) {
        TrackingLimits.experimentId(id);
        store.write(tx -> {
            Experiment experiment = experiment(tx, id);
            if (stage.equals(Lifecycle.ACTIVE) && experiment.active()) {
                throw StewardException.invalid("experiment_id", "Cannot restore an active experiment.");
            }
            if (stage.equals(Lifecycle.DELETED) && !experiment.active()) {
                throw StewardException.invalid("experiment_id", "The experiment " + id + " must be in the 'active' state."
                        + " Current state is " + experiment.lifecycleStage() + ".");
            }
            tx.repository(TrackingRepository.class).setExperimentLifecycle(id, stage, now());
            audit.record(tx, caller, action, "experiment", id, Map.of("name", experiment.name()));
            return null;
        });
    }

    public void setExperimentTag(Caller caller, String id, KeyValue tag) {
        TrackingLimits.experimentId(id);
        TrackingLimits.experimentTag(tag);
        store.write(tx -> {
            Experiment experiment = experiment(tx, id);
            if (!experiment.active()) {
                throw StewardException.invalid("experiment_id", "The experiment " + id + " must be in the 'active' state."
                        + " Current state is " + experiment.lifecycleStage() + ".");
            }
            tx.repository(TrackingRepository.class).setExperimentTag(id, tag.key(), tag.value());
            audit.record(tx, caller, "experiment.set_tag", "experiment", id, Map.of("key", tag.key(), "value", tag.value()));
            return null;
        });
    }

    // ---- runs --------------------------------------------------------------------------------

    /**
     * Starts a run. The run name comes from {@code runName}, else from the {@code mlflow.runName}
     * tag, else is generated; the tag is always set to it, as MLflow does.
     */
    public Run createRun(Caller caller, String experimentId, Optional<String> userId, Optional<Long> startTime, List<KeyValue> tags,
            Optional<String> runName) {
        String experimentIdOrDefault = experimentId == null || experimentId.isEmpty() ? DEFAULT_EXPERIMENT_ID : experimentId;
        TrackingLimits.experimentId(experimentIdOrDefault);
        userId.ifPresent(user -> NulCharacters.refuse("user_id", "The user id", user));
        tags.forEach(TrackingLimits::tag);
        Optional<String> tagName = tags.stream().filter(t -> t.key().equals(RUN_NAME_TAG)).map(KeyValue::value).findFirst();
        String name = runName.filter(n -> !n.isEmpty()).or(() -> tagName.filter(n -> !n.isEmpty())).orElseGet(RunNames::random);
        if (runName.isPresent() && tagName.isPresent() && !runName.get().equals(tagName.get()) && !runName.get().isEmpty()) {
            throw StewardException.invalid("run_name", "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with"
                    + " different values (run_name='" + runName.get() + "', mlflow.runName='" + tagName.get() + "').");
        }
        TrackingLimits.runName(name);
        String runId = HexFormat.of().formatHex(uuidBytes());
        long start = startTime.orElseGet(this::now);
        Map<String, String> allTags = new LinkedHashMap<>();
        tags.forEach(tag -> allTags.put(tag.key(), tag.value()));
        allTags.put(RUN_NAME_TAG, name);
        return store.write(tx -> {
            Experiment experiment = experiment(tx, experimentIdOrDefault);
            if (!experiment.active()) {
                throw StewardException.invalid("experiment_id", "The experiment " + experiment.id() + " must be in the 'active' state."
                        + " Current state is " + experiment.lifecycleStage() + ".");
            }
            RunInfo info = new RunInfo(runId, experiment.id(), name, userId.filter(u -> !u.isEmpty()).orElse(caller.actor().name()),
                    RunStatus.RUNNING, start, Optional.empty(), experiment.artifactLocation() + "/" + runId + "/artifacts",
                    Lifecycle.ACTIVE, Optional.empty());
            TrackingRepository repository = tx.repository(TrackingRepository.class);
            List<KeyValue> runTags = allTags.entrySet().stream().map(e -> new KeyValue(e.getKey(), e.getValue()))
                    .sorted(Comparator.comparing(KeyValue::key)).toList();
            repository.insertRun(info);
            repository.upsertTags(runId, runTags);
            audit.record(tx, caller, "run.create", "run", runId, Map.of("experiment_id", experiment.id(), "run_name", name));
            // What was just written, as the store would read it back (tags in key order), without reading it back.
            return new Run(info, List.of(), List.of(), runTags, List.of());
        });
    }

    /** The id of the experiment named {@code name}, created when there is none (a concurrent creation is tolerated). */
    public String experimentNamed(Caller caller, String name) {
        requireNonNull(caller, "caller is null");
        try {
            return getExperimentByName(name).id();
        } catch (StewardException missing) {
            try {
                return createExperiment(caller, name, Optional.empty(), List.of());
            } catch (StewardException raced) {
                return getExperimentByName(name).id();
            }
        }
    }

    /** Runs that read a Steward dataset version (training, evaluation, ...), oldest first: lineage from data to runs. */
    public List<TrackingRepository.RunInput> runsReading(String datasetVersionId) {
        requireNonNull(datasetVersionId, "datasetVersionId is null");
        return store.read(tx -> tx.repository(TrackingRepository.class).runsWithInput(datasetVersionId));
    }

    public Run getRun(String runId) {
        TrackingLimits.runId(runId);
        return store.read(tx -> tx.repository(TrackingRepository.class).findRun(runId))
                .orElseThrow(() -> runNotFound(runId));
    }

    /**
     * Changes a run's status, end time or name. Moving to a terminal status seals the run: the
     * digest of its content goes into the run and into the audit event.
     */
    public RunInfo updateRun(Caller caller, String runId, Optional<RunStatus> status, Optional<Long> endTime, Optional<String> runName) {
        TrackingLimits.runId(runId);
        runName.ifPresent(TrackingLimits::runName);
        return store.write(tx -> {
            TrackingRepository repository = tx.repository(TrackingRepository.class);
            RunInfo info = activeRun(tx, runId);
            RunStatus newStatus = status.orElse(info.status());
            Optional<Long> newEnd = endTime.isPresent() ? endTime : (newStatus.terminal() && !info.status().terminal()
                    ? Optional.of(now()) : info.endTime());
            String newName = runName.filter(n -> !n.isEmpty()).orElse(info.runName());
            repository.updateRun(runId, newStatus, newEnd, newName);
            if (!newName.equals(info.runName())) {
                repository.upsertTags(runId, List.of(new KeyValue(RUN_NAME_TAG, newName)));
            }
            Map<String, String> details = new TreeMap<>();
            details.put("status", newStatus.name());
            if (!newName.equals(info.runName())) {
                details.put("run_name", newName);
            }
            if (newStatus.terminal()) {
                String seal = seal(tx, runId);
                repository.setRunSeal(runId, Optional.of(seal));
                details.put("seal", seal);
            } else if (info.sealDigest().isPresent()) {
                repository.setRunSeal(runId, Optional.empty());
            }
            if (newStatus != info.status() || !newName.equals(info.runName()) || newStatus.terminal()) {
                audit.record(tx, caller, "run.update", "run", runId, details);
            }
            return repository.findRunInfo(runId).orElseThrow();
        });
    }

    public void deleteRun(Caller caller, String runId) {
        setRunLifecycle(caller, runId, Lifecycle.DELETED, "run.delete");
    }

    public void restoreRun(Caller caller, String runId) {
        setRunLifecycle(caller, runId, Lifecycle.ACTIVE, "run.restore");
    }

    private void setRunLifecycle(Caller caller, String runId, String stage, String action) {
        TrackingLimits.runId(runId);
        store.write(tx -> {
            TrackingRepository repository = tx.repository(TrackingRepository.class);
            RunInfo info = repository.lockRun(runId).orElseThrow(() -> runNotFound(runId));
            if (stage.equals(Lifecycle.DELETED) && !info.active()) {
                throw StewardException.invalid("run_id", "The run " + runId + " must be in the 'active' state. Current state is "
                        + info.lifecycleStage() + ".");
            }
            if (stage.equals(Lifecycle.ACTIVE) && info.active()) {
                throw StewardException.invalid("run_id", "The run " + runId + " must be in the 'deleted' state. Current state is active.");
            }
            repository.setRunLifecycle(runId, stage, stage.equals(Lifecycle.DELETED) ? Optional.of(now()) : Optional.empty());
            audit.record(tx, caller, action, "run", runId, Map.of("experiment_id", info.experimentId()));
            return null;
        });
    }

    public void logMetric(Caller caller, String runId, Metric metric) {
        logBatch(caller, runId, List.of(metric), List.of(), List.of());
    }

    public void logParam(Caller caller, String runId, KeyValue param) {
        logBatch(caller, runId, List.of(), List.of(param), List.of());
    }

    public void setTag(Caller caller, String runId, KeyValue tag) {
        logBatch(caller, runId, List.of(), List.of(), List.of(tag));
    }

    /**
     * Logs metrics, params and tags atomically: either all are stored or, on any error, none.
     * Params are immutable: logging a different value for a logged key is an error.
     */
    public void logBatch(Caller caller, String runId, List<Metric> metrics, List<KeyValue> params, List<KeyValue> tags) {
        TrackingLimits.runId(runId);
        TrackingLimits.batch(metrics, params, tags);
        store.write(tx -> {
            TrackingRepository repository = tx.repository(TrackingRepository.class);
            RunInfo info = activeRun(tx, runId);
            if (!params.isEmpty()) {
                Map<String, String> existing = repository.findParams(runId, params.stream().map(KeyValue::key).toList());
                List<KeyValue> fresh = new ArrayList<>();
                for (KeyValue param : params) {
                    String old = existing.get(param.key());
                    if (old == null) {
                        fresh.add(param);
                    } else if (!old.equals(param.value())) {
                        throw StewardException.invalid("params", "Changing param values is not allowed. Param with key='" + param.key()
                                + "' was already logged with value='" + old + "' for run ID='" + runId + "'. Attempted logging new value '"
                                + param.value() + "'.");
                    }
                }
                repository.insertParams(runId, fresh);
            }
            repository.insertMetrics(runId, metrics);
            if (!tags.isEmpty()) {
                repository.upsertTags(runId, tags);
                tags.stream().filter(t -> t.key().equals(RUN_NAME_TAG)).reduce((a, b) -> b).ifPresent(t -> {
                    TrackingLimits.runName(t.value());
                    repository.updateRun(runId, info.status(), info.endTime(), t.value());
                });
            }
            resealIfEnded(tx, caller, info);
            return null;
        });
    }

    public void deleteTag(Caller caller, String runId, String key) {
        TrackingLimits.runId(runId);
        NulCharacters.refuse("key", "The tag key", key);
        store.write(tx -> {
            RunInfo info = activeRun(tx, runId);
            if (!tx.repository(TrackingRepository.class).deleteTag(runId, key)) {
                throw StewardException.notFound("No tag with name: " + key + " in run with id " + runId);
            }
            resealIfEnded(tx, caller, info);
            return null;
        });
    }

    public void logInputs(Caller caller, String runId, List<DatasetInput> inputs) {
        TrackingLimits.runId(runId);
        inputs.forEach(TrackingLimits::input);
        store.write(tx -> {
            RunInfo info = activeRun(tx, runId);
            tx.repository(TrackingRepository.class).insertInputs(runId, inputs);
            resealIfEnded(tx, caller, info);
            return null;
        });
    }

    /** A metric's full history (all of it when {@code maxResults} is absent). */
    public Page<Metric> metricHistory(String runId, String key, Integer maxResults, String pageToken) {
        TrackingLimits.runId(runId);
        if (key == null || key.isEmpty()) {
            throw StewardException.invalid("metric_key", "Missing value for required parameter 'metric_key'. See the API docs for more"
                    + " information about request parameters.");
        }
        NulCharacters.refuse("metric_key", "The metric key", key);
        int limit = maxResults == null ? Integer.MAX_VALUE : TrackingLimits.maxResults(maxResults, 0);
        int offset = PageToken.offset(pageToken);
        List<Metric> history = store.read(tx -> {
            tx.repository(TrackingRepository.class).findRunInfo(runId).orElseThrow(() -> runNotFound(runId));
            return tx.repository(TrackingRepository.class).metricHistory(runId, key, offset, limit);
        });
        return new Page<>(history, maxResults != null && history.size() == limit ? Optional.of(PageToken.of(offset + limit))
                : Optional.empty());
    }

    /** MLflow's search-runs: the filter is parsed here and translated to SQL by the store. */
    public Page<Run> searchRuns(List<String> experimentIds, String filter, ViewType viewType, Integer maxResults, List<String> orderBy,
            String pageToken) {
        experimentIds.forEach(TrackingLimits::experimentId);
        int limit = TrackingLimits.maxResults(maxResults, DEFAULT_RUN_RESULTS);
        int offset = PageToken.offset(pageToken);
        RunQuery query = new RunQuery(experimentIds, SearchParser.parseFilter(filter == null ? "" : filter, SearchParser.Target.RUNS),
                viewType, SearchParser.parseOrderBy(orderBy, SearchParser.Target.RUNS), offset, limit);
        List<Run> runs = store.read(tx -> tx.repository(TrackingRepository.class).searchRuns(query));
        return new Page<>(runs, runs.size() == limit ? Optional.of(PageToken.of(offset + limit)) : Optional.empty());
    }

    /** Recomputes a run's seal and compares it with the one recorded when the run ended. */
    public SealCheck verifySeal(String runId) {
        TrackingLimits.runId(runId);
        return store.read(tx -> {
            RunInfo info = tx.repository(TrackingRepository.class).findRunInfo(runId).orElseThrow(() -> runNotFound(runId));
            return new SealCheck(runId, info.sealDigest(), seal(tx, runId));
        });
    }

    // ---- artifact tree -----------------------------------------------------------------------

    /** Stores a file at {@code path} of the artifact tree (replacing what was there). */
    public ArtifactFile putArtifact(Caller caller, String path, InputStream content, long maxBytes) {
        String clean = ArtifactPaths.file(path);
        ArtifactRef ref = artifacts.put(content, maxBytes);
        ArtifactFile file = new ArtifactFile(clean, ref.sha256(), ref.size(), now());
        store.write(tx -> {
            tx.repository(TrackingRepository.class).putArtifactFile(file);
            runOfArtifact(tx, clean).ifPresent(info -> resealIfEnded(tx, caller, info));
            return null;
        });
        return file;
    }

    public ArtifactFile statArtifact(String path) {
        String clean = ArtifactPaths.file(path);
        return store.read(tx -> tx.repository(TrackingRepository.class).findArtifactFile(clean))
                .orElseThrow(() -> StewardException.notFound("No such file or directory: '" + clean + "'"));
    }

    public InputStream openArtifact(ArtifactFile file) {
        return artifacts.open(file.sha256());
    }

    public void deleteArtifact(Caller caller, String path) {
        String clean = ArtifactPaths.file(path);
        store.write(tx -> {
            TrackingRepository repository = tx.repository(TrackingRepository.class);
            if (!repository.deleteArtifactFile(clean)) {
                List<ArtifactFile> inside = repository.listArtifactFiles(clean + "/");
                if (inside.isEmpty()) {
                    throw StewardException.notFound("No such file or directory: '" + clean + "'");
                }
                inside.forEach(file -> repository.deleteArtifactFile(file.path()));
            }
            runOfArtifact(tx, clean).ifPresent(info -> resealIfEnded(tx, caller, info));
            return null;
        });
    }

    /** The immediate children of a directory of the artifact tree ({@code ""} is the root). */
    public List<ArtifactEntry> listArtifacts(String directory) {
        String clean = ArtifactPaths.directory(directory);
        List<ArtifactFile> files = store.read(tx -> tx.repository(TrackingRepository.class)
                .listArtifactFiles(clean.isEmpty() ? "" : clean + "/"));
        return ArtifactPaths.children(clean, files);
    }

    /** Lists a run's artifacts under {@code path} (relative to the run's artifact root), as MLflow's artifacts/list. */
    public List<ArtifactEntry> listRunArtifacts(RunInfo info, String path) {
        Optional<String> root = ArtifactPaths.treeRoot(info.artifactUri());
        if (root.isEmpty()) {
            return List.of();
        }
        String relative = path == null ? "" : ArtifactPaths.directory(path);
        String directory = relative.isEmpty() ? root.get() : root.get() + "/" + relative;
        return listArtifacts(directory).stream()
                .map(entry -> new ArtifactEntry(entry.path().substring(root.get().length() + 1), entry.isDir(), entry.fileSize()))
                .toList();
    }

    /** A file of a run's artifacts ({@code path} relative to the run's artifact root): the blob it names. */
    public ArtifactFile statRunArtifact(RunInfo info, String path) {
        String root = ArtifactPaths.treeRoot(info.artifactUri()).orElseThrow(() -> StewardException.notFound("run " + info.runId()
                + " keeps its artifacts at " + info.artifactUri() + ", outside Steward's artifact store"));
        return statArtifact(root + "/" + ArtifactPaths.file(path));
    }

    /** Opens a file of a run's artifacts ({@code path} relative to the run's artifact root). */
    public InputStream openRunArtifact(RunInfo info, String path) {
        return openArtifact(statRunArtifact(info, path));
    }

    /** Stores a file at {@code path} relative to a run's artifact root (which must be in Steward's artifact tree). */
    public ArtifactFile putRunArtifact(Caller caller, String runId, String path, InputStream content, long maxBytes) {
        RunInfo info = getRun(runId).info();
        String root = ArtifactPaths.treeRoot(info.artifactUri()).orElseThrow(() -> StewardException.invalid("artifact_uri",
                "run " + runId + " keeps its artifacts at " + info.artifactUri() + ", outside Steward's artifact store"));
        return putArtifact(caller, root + "/" + ArtifactPaths.file(path), content, maxBytes);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private Experiment experiment(StoreTransaction tx, String id) {
        return tx.repository(TrackingRepository.class).findExperiment(id)
                .orElseThrow(() -> StewardException.notFound("No Experiment with id=" + id + " exists"));
    }

    private RunInfo activeRun(StoreTransaction tx, String runId) {
        RunInfo info = tx.repository(TrackingRepository.class).lockRun(runId).orElseThrow(() -> runNotFound(runId));
        if (!info.active()) {
            throw StewardException.invalid("run_id", "The run " + runId + " must be in the 'active' state. Current state is "
                    + info.lifecycleStage() + ".");
        }
        return info;
    }

    private static StewardException runNotFound(String runId) {
        return StewardException.notFound("Run with id=" + runId + " not found");
    }

    private String seal(StoreTransaction tx, String runId) {
        TrackingRepository repository = tx.repository(TrackingRepository.class);
        Run run = repository.findRun(runId).orElseThrow(() -> runNotFound(runId));
        List<ArtifactFile> files = ArtifactPaths.treeRoot(run.info().artifactUri())
                .map(root -> repository.listArtifactFiles(root + "/"))
                .orElse(List.of());
        return RunSeal.of(run, repository.allMetrics(runId), files);
    }

    /** A change to an ended run re-seals it, with an audit event, so the seal always covers the content. */
    private void resealIfEnded(StoreTransaction tx, Caller caller, RunInfo info) {
        if (!info.status().terminal()) {
            return;
        }
        String seal = seal(tx, info.runId());
        tx.repository(TrackingRepository.class).setRunSeal(info.runId(), Optional.of(seal));
        audit.record(tx, caller, "run.reseal", "run", info.runId(), Map.of("seal", seal));
    }

    private Optional<RunInfo> runOfArtifact(StoreTransaction tx, String path) {
        String[] parts = path.split("/");
        if (parts.length >= 3 && parts[2].equals("artifacts")) {
            return tx.repository(TrackingRepository.class).findRunInfo(parts[1])
                    .filter(info -> ArtifactPaths.treeRoot(info.artifactUri()).map(root -> path.startsWith(root + "/")).orElse(false));
        }
        return Optional.empty();
    }

    private long now() {
        return clock.millis();
    }

    private static byte[] uuidBytes() {
        UUID uuid = UUID.randomUUID();
        return java.nio.ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array();
    }

    /** The actor recorded for server-internal changes. */
    public static Caller system() {
        return new Caller(Actor.SYSTEM, "0".repeat(64));
    }
}
