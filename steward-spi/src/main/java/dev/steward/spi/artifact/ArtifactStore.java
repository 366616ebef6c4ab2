package dev.steward.spi.artifact;

import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Content-addressed storage of immutable blobs. Implementations stream (never hold a whole blob
 * in memory), make a blob visible only once it is completely and durably written, and verify the
 * digest before serving it. Thread-safe.
 */
public interface ArtifactStore extends AutoCloseable {
    /**
     * Stores the content read from {@code content} (not closed) and returns its address. Storing
     * content that is already there returns the same address and only renews the blob's
     * {@link StoredBlob#lastWritten() last-written time}, which protects it from a garbage
     * collection running meanwhile.
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

    /** Every stored blob, in no particular order; the caller closes the stream. */
    Stream<StoredBlob> list();

    /**
     * Deletes a blob unless it was stored (or stored again) at or after {@code writtenBefore}, as
     * one step with respect to {@link #put}: a put that renews the blob either happens before and
     * keeps it, or after and stores it anew. True when the blob was deleted.
     */
    boolean delete(String sha256, Instant writtenBefore);

    /** Where blobs live, for humans (a path or URL). */
    String location();

    /** Throws a {@code StewardException} when the store is not usable (missing, read-only). */
    void check();

    @Override
    void close();
}
