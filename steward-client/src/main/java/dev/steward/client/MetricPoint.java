package dev.steward.client;

import static java.util.Objects.requireNonNull;

/** One metric value at a step and time (epoch milliseconds). */
public record MetricPoint(String key, double value, long timestamp, long step) {
    public MetricPoint {
        requireNonNull(key, "key is null");
    }
}
