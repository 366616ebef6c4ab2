package dev.steward.spi.tracking;

import static java.util.Objects.requireNonNull;

/** One point of a metric's history: NaN and infinities are allowed values. */
public record Metric(String key, double value, long timestamp, long step) {
    public Metric {
        requireNonNull(key, "key is null");
    }
}
