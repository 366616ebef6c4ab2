package dev.steward.spi.artifact;

import java.io.InputStream;
import java.util.Optional;

/**
 * Content-addressed storage of immutable blobs. Implementations stream (never hold a whole blob
 * in memory), make a blob visible only once it is completely and durably written, and verify the
 * digest before serving it. Thread-safe.
 */
public interface ArtifactStore extends AutoCloseable {
    /**
     * Stores the content read from {@code content} (not closed) and returns its address. Storing
     * content that is already there is a no-op that returns the same address.
     *
     * @throws dev.steward.spi.StewardException with {@code REQUEST_TOO_LARGE} when the content is
     *     longer than {@code maxBytes}; nothing is stored then
     */
    ArtifactRef put(InputStream content, long maxBytes);

    /**
     * Opens a stored blob for reading, after checking that its bytes still hash to its address.
     *
     * @throws dev.steward.spi.StewardException with {@code RESOURCE_DOES_NOT_EXIST} when absent,
     *     {@code DATA_CORRUPTED} when the stored bytes no longer match the digest
     */
    InputStream open(String sha256);

    /** The address and size of a stored blob, without verifying it. */
    Optional<ArtifactRef> stat(String sha256);

    /** Where blobs live, for humans (a path or URL). */
    String location();

    /** Throws a {@code StewardException} when the store is not usable (missing, read-only). */
    void check();

    @Override
    void close();
}
