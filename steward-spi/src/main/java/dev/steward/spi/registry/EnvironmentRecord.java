package dev.steward.spi.registry;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** A place versions are promoted to ({@code staging}, {@code production}, or one an admin declared). */
public record EnvironmentRecord(String name, Optional<String> description, long createdAt, String createdBy) {
    public EnvironmentRecord {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(createdBy, "createdBy is null");
    }
}
