package dev.steward.core.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Runs one kind of job. Implementations are stateless and thread-safe. */
public interface JobRunner {
    /** The kind this runner runs, e.g. {@code command}. */
    String kind();

    /**
     * Checks a spec before anything is queued: a mistake is an {@code INVALID_PARAMETER_VALUE}
     * naming the field. Returns the spec with defaults filled in.
     */
    ObjectNode validate(ObjectNode spec);

    /**
     * Runs the job in its tracked run. Returning normally means success; throw
     * {@link JobFailure} to fail with a reason. Must stop promptly once
     * {@link JobContext#cancelled()} is true.
     *
     * @return {@link Outcome#DONE}, or {@link Outcome#AWAITING_CHILDREN} when the job queued child
     *     jobs and finishes in {@link #complete} once they all ended (it holds no worker meanwhile)
     */
    Outcome run(JobContext context) throws Exception;

    /**
     * Called when the last child of a job that awaited its children ended, with all its children so
     * far: finishes the job ({@link Outcome#DONE}), or queues more children and awaits them too.
     */
    default Outcome complete(JobContext context, java.util.List<dev.steward.spi.jobs.JobRecord> children) throws Exception {
        throw new IllegalStateException(kind() + " jobs have no children");
    }

    enum Outcome { DONE, AWAITING_CHILDREN }
}
