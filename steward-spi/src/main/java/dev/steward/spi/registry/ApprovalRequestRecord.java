package dev.steward.spi.registry;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** A request that a version be approved for an environment. */
public record ApprovalRequestRecord(String id, String modelId, int version, String environment, Optional<String> comment, String requestedBy,
        String requestedByName, long createdAt) {
    public ApprovalRequestRecord {
        requireNonNull(id, "id is null");
        requireNonNull(modelId, "modelId is null");
        requireNonNull(environment, "environment is null");
        requireNonNull(comment, "comment is null");
        requireNonNull(requestedBy, "requestedBy is null");
        requireNonNull(requestedByName, "requestedByName is null");
    }
}
