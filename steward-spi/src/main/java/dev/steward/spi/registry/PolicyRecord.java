package dev.steward.spi.registry;

import static java.util.Objects.requireNonNull;

/** A revision of the promotion policy of one model and environment, stored verbatim; {@code createdBy} is a name (the audit has the id). */
public record PolicyRecord(String modelId, String environment, int revision, String definition, String sha256, long createdAt, String createdBy) {
    public PolicyRecord {
        requireNonNull(modelId, "modelId is null");
        requireNonNull(environment, "environment is null");
        requireNonNull(definition, "definition is null");
        requireNonNull(sha256, "sha256 is null");
        requireNonNull(createdBy, "createdBy is null");
    }
}
