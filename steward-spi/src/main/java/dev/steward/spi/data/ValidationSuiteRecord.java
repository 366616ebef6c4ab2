package dev.steward.spi.data;

import static java.util.Objects.requireNonNull;

/**
 * One immutable version of a named validation suite: its definition exactly as submitted (YAML or
 * JSON) and the digest of those bytes.
 */
public record ValidationSuiteRecord(String name, int version, String sha256, String definition, long createdAt, String createdBy) {
    public ValidationSuiteRecord {
        requireNonNull(name, "name is null");
        requireNonNull(sha256, "sha256 is null");
        requireNonNull(definition, "definition is null");
        requireNonNull(createdBy, "createdBy is null");
    }
}
