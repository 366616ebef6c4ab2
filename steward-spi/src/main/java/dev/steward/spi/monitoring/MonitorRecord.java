package dev.steward.spi.monitoring;

import static java.util.Objects.requireNonNull;

/**
 * A deployment's monitor (one per deployment, named by it): its current revision, spec and the
 * reference that revision compares live traffic with. A deleted monitor keeps its row
 * ({@code deleted}), so that creating it again continues its revisions and window numbers.
 *
 * @param specJson the current revision's spec, canonical JSON
 * @param referenceDataset the dataset whose version is the reference
 * @param referenceSha256 the artifact holding the prepared reference (the engine's bytes)
 * @param referenceRows rows of the reference
 * @param referenceFeaturesJson the features compared, a JSON array of column names
 * @param updatedAt when the head last changed: what replicas compare to pick up changes
 */
public record MonitorRecord(String deployment, int revision, String specJson, String referenceDataset, int referenceVersion,
        String referenceSha256, long referenceRows, String referenceFeaturesJson, long createdAt, String createdBy, long updatedAt,
        String updatedBy, boolean deleted) {
    public MonitorRecord {
        requireNonNull(deployment, "deployment is null");
        requireNonNull(specJson, "specJson is null");
        requireNonNull(referenceDataset, "referenceDataset is null");
        requireNonNull(referenceSha256, "referenceSha256 is null");
        requireNonNull(referenceFeaturesJson, "referenceFeaturesJson is null");
        requireNonNull(createdBy, "createdBy is null");
        requireNonNull(updatedBy, "updatedBy is null");
    }
}
