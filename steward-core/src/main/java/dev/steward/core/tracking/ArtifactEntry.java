package dev.steward.core.tracking;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** An entry of an artifact directory listing: a file with its size, or a directory. */
public record ArtifactEntry(String path, boolean isDir, Optional<Long> fileSize) {
    public ArtifactEntry {
        requireNonNull(path, "path is null");
        requireNonNull(fileSize, "fileSize is null");
    }
}
