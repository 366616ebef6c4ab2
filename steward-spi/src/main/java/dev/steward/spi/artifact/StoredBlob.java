package dev.steward.spi.artifact;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A blob as an artifact store lists it.
 *
 * @param lastWritten when it was last stored: its first put, or a later put of the same content
 */
public record StoredBlob(ArtifactRef ref, Instant lastWritten) {
    public StoredBlob {
        requireNonNull(ref, "ref is null");
        requireNonNull(lastWritten, "lastWritten is null");
    }
}
