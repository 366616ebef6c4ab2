package dev.steward.spi.data;

import static java.util.Objects.requireNonNull;

/** A dataset: a name with its numbered versions. */
public record DatasetInfo(String name, long createdAt, String createdBy, int versionCount, int latestVersion) {
    public DatasetInfo {
        requireNonNull(name, "name is null");
        requireNonNull(createdBy, "createdBy is null");
    }
}
