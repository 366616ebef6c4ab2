package dev.steward.spi.artifact;

import java.util.Collection;
import java.util.Set;

/**
 * Store port: which blobs the metadata refers to (run artifacts, dataset versions and their
 * profiles, model packages, ...). Garbage collection deletes only blobs nobody refers to; every
 * table that stores a digest must be known here.
 */
public interface ArtifactReferences {
    /** Those of {@code sha256s} that something in the store refers to. */
    Set<String> referenced(Collection<String> sha256s);
}
