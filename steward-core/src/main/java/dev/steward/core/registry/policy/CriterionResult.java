package dev.steward.core.registry.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What one criterion found: what was observed, what was expected, whether it passed, and the ids of
 * the evidence (evaluation runs, validation reports, approvals) it used.
 */
public record CriterionResult(String kind, String description, boolean passed, String observed, String expected, List<Evidence> evidence) {
    public CriterionResult {
        requireNonNull(kind, "kind is null");
        requireNonNull(description, "description is null");
        requireNonNull(observed, "observed is null");
        requireNonNull(expected, "expected is null");
        evidence = List.copyOf(evidence);
    }

    /** A piece of evidence: {@code type} (evaluation_run, validation_report, approval, dataset_version, ...) and its id. */
    public record Evidence(String type, String id) {
        public Evidence {
            requireNonNull(type, "type is null");
            requireNonNull(id, "id is null");
        }
    }
}
