package dev.steward.spi.jobs;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A queued, running or finished job.
 *
 * @param kind what runs it, e.g. {@code command} or {@code sweep}
 * @param status one of {@link #QUEUED}, {@link #RUNNING}, {@link #SUCCEEDED}, {@link #FAILED},
 *     {@link #CANCELLED}, {@link #INTERRUPTED}
 * @param priority higher starts first; equal priorities start in submission order
 * @param spec the job's specification as JSON
 * @param runId the tracked run of the current attempt, once it started
 * @param parentId the sweep a trial belongs to
 * @param attempt 1 for the first run, one more for each retry
 * @param message why it failed, was cancelled or interrupted
 */
public record JobRecord(String id, String kind, String status, int priority, String spec, Optional<String> runId, Optional<String> parentId,
        int attempt, Optional<String> message, long createdAt, Optional<Long> startedAt, Optional<Long> endedAt, String createdBy) {
    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";
    public static final String INTERRUPTED = "interrupted";

    public JobRecord {
        requireNonNull(id, "id is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(status, "status is null");
        requireNonNull(spec, "spec is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(parentId, "parentId is null");
        requireNonNull(message, "message is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(endedAt, "endedAt is null");
        requireNonNull(createdBy, "createdBy is null");
    }

    public boolean finished() {
        return status.equals(SUCCEEDED) || status.equals(FAILED) || status.equals(CANCELLED) || status.equals(INTERRUPTED);
    }

    public JobRecord withStatus(String newStatus, Optional<String> newMessage) {
        return new JobRecord(id, kind, newStatus, priority, spec, runId, parentId, attempt, newMessage, createdAt, startedAt, endedAt, createdBy);
    }

    public JobRecord started(String newRunId, long time) {
        return new JobRecord(id, kind, RUNNING, priority, spec, Optional.of(newRunId), parentId, attempt, Optional.empty(), createdAt,
                Optional.of(time), Optional.empty(), createdBy);
    }

    public JobRecord ended(String newStatus, Optional<String> newMessage, long time) {
        return new JobRecord(id, kind, newStatus, priority, spec, runId, parentId, attempt, newMessage, createdAt, startedAt, Optional.of(time),
                createdBy);
    }

    public JobRecord requeued() {
        return new JobRecord(id, kind, QUEUED, priority, spec, Optional.empty(), parentId, attempt + 1, Optional.empty(), createdAt,
                Optional.empty(), Optional.empty(), createdBy);
    }
}
