package dev.steward.spi.monitoring;

import static java.util.Objects.requireNonNull;

/** The latest on-demand evaluation of a monitor's open window (a partial report, never a window). */
public record MonitorRunRecord(String deployment, int revision, String reportJson, long createdAt, String createdBy) {
    public MonitorRunRecord {
        requireNonNull(deployment, "deployment is null");
        requireNonNull(reportJson, "reportJson is null");
        requireNonNull(createdBy, "createdBy is null");
    }
}
