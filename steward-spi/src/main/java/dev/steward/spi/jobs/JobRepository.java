package dev.steward.spi.jobs;

import java.util.List;
import java.util.Optional;

/** Storage of jobs. */
public interface JobRepository {
    void insert(JobRecord job);

    Optional<JobRecord> find(String id);

    /** Newest first; optionally only one status and only the trials of one sweep. */
    List<JobRecord> list(Optional<String> status, Optional<String> parentId, int limit);

    /** Queued jobs in the order they should start: priority (highest first), then submission. */
    List<JobRecord> queued();

    List<JobRecord> withStatus(String status);

    /**
     * Replaces a job's mutable fields with {@code updated}'s if its status is still
     * {@code expectedStatus}; false (and nothing changed) otherwise.
     */
    boolean update(JobRecord updated, String expectedStatus);
}
