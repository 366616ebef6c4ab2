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
 * @param owner the server instance that runs (or ran) the current attempt; it holds a lease on the
 *     job while it runs (see {@link JobRepository#renewLeases})
 */
public record JobRecord(String id, String kind, String status, int priority, String spec, Optional<String> runId, Optional<String> parentId,
        int attempt, Optional<String> message, long createdAt, Optional<Long> startedAt, Optional<Long> endedAt, String createdBy,
        Optional<String> owner) {
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
        requireNonNull(owner, "owner is null");
    }

    /** A new job, queued. */
    public static JobRecord queued(String id, String kind, int priority, String spec, Optional<String> parentId, long createdAt, String createdBy) {
        return new JobRecord(id, kind, QUEUED, priority, spec, Optional.empty(), parentId, 1, Optional.empty(), createdAt, Optional.empty(),
                Optional.empty(), createdBy, Optional.empty());
    }

    public boolean finished() {
        return status.equals(SUCCEEDED) || status.equals(FAILED) || status.equals(CANCELLED) || status.equals(INTERRUPTED);
    }

    public JobRecord withStatus(String newStatus, Optional<String> newMessage) {
        return new JobRecord(id, kind, newStatus, priority, spec, runId, parentId, attempt, newMessage, createdAt, startedAt, endedAt, createdBy,
                owner);
    }

    /** Started by server instance {@code newOwner} in run {@code newRunId}. */
    public JobRecord started(String newRunId, long time, String newOwner) {
        return new JobRecord(id, kind, RUNNING, priority, spec, Optional.of(newRunId), parentId, attempt, Optional.empty(), createdAt,
                Optional.of(time), Optional.empty(), createdBy, Optional.of(newOwner));
    }

    public JobRecord ended(String newStatus, Optional<String> newMessage, long time) {
        return new JobRecord(id, kind, newStatus, priority, spec, runId, parentId, attempt, newMessage, createdAt, startedAt, Optional.of(time),
                createdBy, owner);
    }

    public JobRecord requeued() {
        return new JobRecord(id, kind, QUEUED, priority, spec, Optional.empty(), parentId, attempt + 1, Optional.empty(), createdAt,
                Optional.empty(), Optional.empty(), createdBy, Optional.empty());
    }
}
