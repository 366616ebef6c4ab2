package dev.steward.spi.registry;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * A registered model: a name under which versions are numbered. {@code id} stays when the name
 * changes. {@code createdBy} is the creator's name as people read it; the audit chain has the token id.
 */
public record RegisteredModelRecord(String id, String name, Optional<String> description, Map<String, String> tags, long createdAt,
        String createdBy, long updatedAt) {
    public RegisteredModelRecord {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        tags = Map.copyOf(tags);
        requireNonNull(createdBy, "createdBy is null");
    }

    public RegisteredModelRecord withTags(Map<String, String> newTags) {
        return new RegisteredModelRecord(id, name, description, newTags, createdAt, createdBy, updatedAt);
    }
}
