package dev.steward.spi.tracking;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Storage of experiments, runs and their data. Only the core tracking service calls it; it
 * validates input, so implementations store what they are given: experiment ids are decimal
 * numbers within a long, and no string holds a NUL character.
 */
public interface TrackingRepository {
    /** Inserts an experiment and returns its new numeric id; {@code artifactLocation} may contain {@code {id}}. */
    String insertExperiment(String name, String artifactLocation, long time);

    /** Inserts the experiment with a given id (the default experiment "0"). */
    void insertExperimentWithId(String id, String name, String artifactLocation, long time);

    Optional<Experiment> findExperiment(String id);

    Optional<Experiment> findExperimentByName(String name);

    void renameExperiment(String id, String name, long time);

    void setExperimentLifecycle(String id, String lifecycleStage, long time);

    void setExperimentTag(String id, String key, String value);

    List<Experiment> searchExperiments(ExperimentQuery query);

    void insertRun(RunInfo info);

    Optional<RunInfo> findRunInfo(String runId);

    /** Locks the run's row until the transaction ends, where the database supports it, and returns it. */
    Optional<RunInfo> lockRun(String runId);

    Optional<Run> findRun(String runId);

    void updateRun(String runId, RunStatus status, Optional<Long> endTime, String runName);

    void setRunLifecycle(String runId, String lifecycleStage, Optional<Long> deletedTime);

    void setRunSeal(String runId, Optional<String> sealDigest);

    /** The params already stored for these keys. */
    Map<String, String> findParams(String runId, Collection<String> keys);

    void insertParams(String runId, List<KeyValue> params);

    /** Appends metric points to the history and keeps the latest value per key up to date. */
    void insertMetrics(String runId, List<Metric> metrics);

    void upsertTags(String runId, List<KeyValue> tags);

    /** False when the tag did not exist. */
    boolean deleteTag(String runId, String key);

    void insertInputs(String runId, List<DatasetInput> inputs);

    /** The whole history of one metric, ordered by step, then timestamp. */
    List<Metric> metricHistory(String runId, String key, int offset, int limit);

    /** Every metric point of the run, for sealing, ordered by key, step, timestamp, value. */
    List<Metric> allMetrics(String runId);

    List<Run> searchRuns(RunQuery query);

    void putArtifactFile(ArtifactFile file);

    Optional<ArtifactFile> findArtifactFile(String path);

    /** Files whose path starts with {@code prefix} (a directory path ending in '/', or empty for all), by path. */
    List<ArtifactFile> listArtifactFiles(String prefix);

    boolean deleteArtifactFile(String path);

    /** Runs that logged a Steward dataset version as an input, with the input's context (training, evaluation, ...), oldest first. */
    List<RunInput> runsWithInput(String datasetVersionId);

    /** A run and the context in which it read a dataset. */
    record RunInput(RunInfo run, java.util.Optional<String> context) {
    }
}
