package dev.steward.spi.tracking;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * An experiment: a named group of runs.
 *
 * @param id numeric id as a string (MLflow's convention); {@code "0"} is the default experiment
 * @param lifecycleStage {@code active} or {@code deleted}
 * @param creationTime epoch milliseconds
 * @param lastUpdateTime epoch milliseconds
 */
public record Experiment(String id, String name, String artifactLocation, String lifecycleStage, long creationTime,
        long lastUpdateTime, Map<String, String> tags) {
    public Experiment {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(artifactLocation, "artifactLocation is null");
        requireNonNull(lifecycleStage, "lifecycleStage is null");
        tags = Map.copyOf(tags);
    }

    public boolean active() {
        return Lifecycle.ACTIVE.equals(lifecycleStage);
    }
}
