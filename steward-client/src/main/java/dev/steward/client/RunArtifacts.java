package dev.steward.client;

import java.util.List;
import java.util.Optional;

/** One level of a run's artifact tree. */
public record RunArtifacts(String rootUri, List<Entry> files) {
    public RunArtifacts {
        files = files == null ? List.of() : List.copyOf(files);
    }

    /**
     * A file or directory.
     *
     * @param path relative to the run's artifact root
     * @param size in bytes, for files
     */
    public record Entry(String path, boolean isDir, Optional<Long> size) {
        public Entry {
            size = size == null ? Optional.empty() : size;
        }
    }
}
