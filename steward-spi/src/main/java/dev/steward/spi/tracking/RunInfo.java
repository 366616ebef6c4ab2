package dev.steward.spi.tracking;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The attributes of a run.
 *
 * @param startTime epoch milliseconds
 * @param endTime epoch milliseconds, once the run ended
 * @param sealDigest SHA-256 over the run's params, metrics, tags and artifacts, recorded when the run ended
 */
public record RunInfo(String runId, String experimentId, String runName, String userId, RunStatus status, long startTime,
        Optional<Long> endTime, String artifactUri, String lifecycleStage, Optional<String> sealDigest) {
    public RunInfo {
        requireNonNull(runId, "runId is null");
        requireNonNull(experimentId, "experimentId is null");
        requireNonNull(runName, "runName is null");
        requireNonNull(userId, "userId is null");
        requireNonNull(status, "status is null");
        requireNonNull(endTime, "endTime is null");
        requireNonNull(artifactUri, "artifactUri is null");
        requireNonNull(lifecycleStage, "lifecycleStage is null");
        requireNonNull(sealDigest, "sealDigest is null");
    }

    public boolean active() {
        return Lifecycle.ACTIVE.equals(lifecycleStage);
    }
}
