package dev.steward.spi.data;

import static java.util.Objects.requireNonNull;

/**
 * The stored outcome of running a suite version on a dataset version.
 *
 * @param report the full report as JSON (each check with its outcome, observed and expected values)
 */
public record ValidationReportRecord(String id, String versionId, String suiteName, int suiteVersion, boolean passed, String report,
        long createdAt, String createdBy) {
    public ValidationReportRecord {
        requireNonNull(id, "id is null");
        requireNonNull(versionId, "versionId is null");
        requireNonNull(suiteName, "suiteName is null");
        requireNonNull(report, "report is null");
        requireNonNull(createdBy, "createdBy is null");
    }
}
