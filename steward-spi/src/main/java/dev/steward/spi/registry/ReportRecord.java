package dev.steward.spi.registry;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The report of one promotion attempt: every criterion with what was observed, what was expected
 * and the evidence used ({@code reportJson}).
 *
 * @param passed every criterion passed
 * @param promoted the version was promoted (passed, or an admin overrode a failed report)
 */
public record ReportRecord(String id, String modelId, int version, String environment, Optional<Integer> policyRevision, boolean passed,
        boolean promoted, Optional<String> overrideReason, String reportJson, long createdAt, String createdBy, String createdByName) {
    public ReportRecord {
        requireNonNull(id, "id is null");
        requireNonNull(modelId, "modelId is null");
        requireNonNull(environment, "environment is null");
        requireNonNull(policyRevision, "policyRevision is null");
        requireNonNull(overrideReason, "overrideReason is null");
        requireNonNull(reportJson, "reportJson is null");
        requireNonNull(createdBy, "createdBy is null");
        requireNonNull(createdByName, "createdByName is null");
    }
}
