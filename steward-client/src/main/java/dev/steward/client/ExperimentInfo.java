package dev.steward.client;

import java.util.Map;

/** An experiment as the native API shows it. */
public record ExperimentInfo(String id, String name, String artifactLocation, String lifecycleStage, String createdAt, String updatedAt,
        Map<String, String> tags) {
    public ExperimentInfo {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
