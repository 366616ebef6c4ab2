package dev.steward.server.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Model serving.
 *
 * @param logDirectory where request-log segments are written ({@code serving.log-dir}, default {@code $STEWARD_HOME/logs})
 * @param logSegmentBytes a segment is closed and a new one started past this size ({@code serving.log-segment-mb})
 * @param logSegmentAge ... or this age ({@code serving.log-segment-minutes})
 * @param logRetention closed segments older than this are deleted ({@code serving.log-retention-hours}; 0 keeps them)
 * @param logQueue entries waiting to be written before new ones are dropped and counted ({@code serving.log-queue})
 * @param intraOpThreads ONNX Runtime threads within one call ({@code serving.intra-op-threads}; 0 = chosen for the machine)
 * @param pollInterval how often a server looks for deployment changes made by other replicas ({@code serving.poll-ms})
 */
public record ServingConfig(Path logDirectory, long logSegmentBytes, Duration logSegmentAge, Duration logRetention, int logQueue,
        int intraOpThreads, Duration pollInterval) {
    public ServingConfig {
        requireNonNull(logDirectory, "logDirectory is null");
        requireNonNull(logSegmentAge, "logSegmentAge is null");
        requireNonNull(logRetention, "logRetention is null");
        requireNonNull(pollInterval, "pollInterval is null");
        if (logSegmentBytes < 1 || logQueue < 1 || intraOpThreads < 0) {
            throw new IllegalArgumentException("bad serving settings");
        }
    }
}
