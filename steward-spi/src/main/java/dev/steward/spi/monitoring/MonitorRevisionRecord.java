package dev.steward.spi.monitoring;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One revision of a monitor: its spec and reference as they were, what made it ({@code create},
 * {@code update}, {@code delete}) and why. Windows name the revision that evaluated them, so a
 * window is read again with its own revision's spec and reference.
 */
public record MonitorRevisionRecord(String deployment, int revision, String specJson, String referenceDataset, int referenceVersion,
        String referenceSha256, long referenceRows, String referenceFeaturesJson, String change, Optional<String> reason, long createdAt,
        String createdBy, String createdByName) {
    public static final String CREATE = "create";
    public static final String UPDATE = "update";

    public MonitorRevisionRecord {
        requireNonNull(deployment, "deployment is null");
        requireNonNull(specJson, "specJson is null");
        requireNonNull(referenceDataset, "referenceDataset is null");
        requireNonNull(referenceSha256, "referenceSha256 is null");
        requireNonNull(referenceFeaturesJson, "referenceFeaturesJson is null");
        requireNonNull(change, "change is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(createdBy, "createdBy is null");
        requireNonNull(createdByName, "createdByName is null");
    }
}
