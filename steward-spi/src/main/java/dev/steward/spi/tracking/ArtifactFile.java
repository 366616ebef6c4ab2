package dev.steward.spi.tracking;

import static java.util.Objects.requireNonNull;

/**
 * A file in the MLflow artifact tree: a path (relative to the artifact root, no leading slash)
 * naming an immutable blob in the artifact store.
 */
public record ArtifactFile(String path, String sha256, long size, long createdAt) {
    public ArtifactFile {
        requireNonNull(path, "path is null");
        requireNonNull(sha256, "sha256 is null");
    }
}
