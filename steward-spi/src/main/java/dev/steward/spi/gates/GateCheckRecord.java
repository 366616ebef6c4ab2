package dev.steward.spi.gates;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One evaluation of a candidate against a test set by a statistical gate: the step it spent, the
 * models compared, the outcome and the whole result as JSON (estimates, sample sizes), which is
 * released to the submitter only as the gate's adaptivity allows.
 *
 * @param outcome {@code pass} or {@code fail}
 * @param released what the submitter was told: {@code outcome} (pass or fail) or {@code nothing}
 * @param detailsJson the estimates, the plan and the clause outcomes
 * @param runId the tracking run that keeps the check (with the test set as its input)
 */
public record GateCheckRecord(String id, String datasetVersionId, int step, String candidate, String candidateDigest, Optional<String> baseline,
        Optional<String> baselineDigest, String outcome, String released, String detailsJson, Optional<String> runId, long createdAt,
        String createdBy) {
    public GateCheckRecord {
        requireNonNull(id, "id is null");
        requireNonNull(datasetVersionId, "datasetVersionId is null");
        requireNonNull(candidate, "candidate is null");
        requireNonNull(candidateDigest, "candidateDigest is null");
        requireNonNull(baseline, "baseline is null");
        requireNonNull(baselineDigest, "baselineDigest is null");
        requireNonNull(outcome, "outcome is null");
        requireNonNull(released, "released is null");
        requireNonNull(detailsJson, "detailsJson is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(createdBy, "createdBy is null");
    }
}
