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

    /**
     * Starts a queued job: stores {@code started} (status running, its run and owner) with a lease
     * until {@code leaseUntil} (epoch ms) if the job is still queued; false otherwise.
     */
    boolean claim(JobRecord started, long leaseUntil);

    /** Extends the leases of every running job {@code owner} holds; returns how many. */
    int renewLeases(String owner, long leaseUntil);

    /** Running jobs whose lease ended before {@code now} (their owner stopped renewing), or that never had one. */
    List<JobRecord> expiredLeases(long now);
}
