package dev.steward.server.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The job queue.
 *
 * @param concurrency how many jobs run at once ({@code jobs.concurrency}; 0 in the file means one per core)
 * @param directory where job logs and working directories live ({@code jobs.directory})
 * @param isolateTraining trainings run in worker JVMs ({@code jobs.training-isolation: process},
 *     the default): killed at once by guardrails and cancels, {@code -Xmx} from max_memory_mb; with
 *     {@code none} they run in the server's JVM, faster on small data, but a stopped training only
 *     stops being waited for
 * @param lease how long a running job stays its server's without a renewal ({@code jobs.lease-seconds});
 *     on a shared store another server interrupts a job whose lease ran out (its server died)
 */
public record JobsConfig(int concurrency, Path directory, boolean isolateTraining, Duration lease) {
    public JobsConfig {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        requireNonNull(directory, "directory is null");
        requireNonNull(lease, "lease is null");
    }
}
