package dev.steward.spi.serving;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A deployment's head: its current revision and spec, and whether it is stopped (the emergency
 * cut-out, with its reason). Deleted deployments keep their rows ({@code deletedAt}); a deleted
 * deployment's name can be used again.
 *
 * @param id stable id, {@code dep_} + 16 hex
 * @param specJson the current revision's spec, canonical JSON
 * @param stopped whether every request is refused
 * @param changedAt when the head last changed (a new revision, a stop, a resume): what replicas poll
 */
public record DeploymentRecord(String id, String name, int revision, String specJson, boolean stopped, Optional<String> stopReason,
        long createdAt, String createdBy, long changedAt, Optional<Long> deletedAt) {
    public DeploymentRecord {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(specJson, "specJson is null");
        requireNonNull(stopReason, "stopReason is null");
        requireNonNull(createdBy, "createdBy is null");
        requireNonNull(deletedAt, "deletedAt is null");
    }
}
