package dev.steward.spi.registry;

import static java.util.Objects.requireNonNull;

/** A name pointing at one version of a model, e.g. {@code champion}. */
public record AliasRecord(String modelId, String alias, int version, long updatedAt, String updatedBy) {
    public AliasRecord {
        requireNonNull(modelId, "modelId is null");
        requireNonNull(alias, "alias is null");
        requireNonNull(updatedBy, "updatedBy is null");
    }
}
