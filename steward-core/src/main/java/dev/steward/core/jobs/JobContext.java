package dev.steward.core.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.spi.Caller;
import dev.steward.spi.jobs.JobRecord;
import dev.steward.spi.tracking.Run;
import java.nio.file.Path;
import java.util.Map;

/** What a running job sees. */
public interface JobContext {
    JobRecord job();

    ObjectNode spec();

    /** The tracked run of this attempt. */
    Run run();

    /** Who the job acts as in the audit log and tracking (the scheduler, on behalf of {@link JobRecord#createdBy()}). */
    Caller caller();

    /** Appends a line to the job's log. */
    void log(String line);

    /** The job's log file (an attempt's output goes here). */
    Path logFile();

    /** A private working directory for this attempt. */
    Path workDirectory();

    boolean cancelled();

    /**
     * MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN (an editor token that lives as long as the job),
     * MLFLOW_RUN_ID and MLFLOW_EXPERIMENT_ID for processes the job starts.
     */
    Map<String, String> mlflowEnvironment();

    /** Tracking, to log params, metrics and artifacts into {@link #run()} (as {@link #caller()}). */
    dev.steward.core.tracking.TrackingService tracking();

    /**
     * Records that a guardrail stopped part of the work while the job itself goes on: tags the
     * run with it and audits {@code job.guardrail}.
     */
    void guardrail(String name, String reason);

    /** Queues a child job (a sweep's trial) at this job's priority. */
    JobRecord submitChild(String kind, ObjectNode spec);
}
