package dev.steward.spi.registry;

import static java.util.Objects.requireNonNull;

/** An evaluation of a model (by digest) on a dataset version, kept as evidence: its run and its metrics as JSON. */
public record EvaluationRecord(String modelDigest, String datasetVersionId, String runId, String metricsJson, long createdAt) {
    public EvaluationRecord {
        requireNonNull(modelDigest, "modelDigest is null");
        requireNonNull(datasetVersionId, "datasetVersionId is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(metricsJson, "metricsJson is null");
    }
}
