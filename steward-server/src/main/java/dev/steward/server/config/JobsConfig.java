package dev.steward.server.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * The job queue.
 *
 * @param concurrency how many jobs run at once ({@code jobs.concurrency}; 0 in the file means one per core)
 * @param directory where job logs and working directories live ({@code jobs.directory})
 */
public record JobsConfig(int concurrency, Path directory) {
    public JobsConfig {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        requireNonNull(directory, "directory is null");
    }
}
