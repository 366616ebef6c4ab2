package dev.steward.spi.tracking;

import static java.util.Objects.requireNonNull;

/** A param or tag: a key and its string value. */
public record KeyValue(String key, String value) {
    public KeyValue {
        requireNonNull(key, "key is null");
        requireNonNull(value, "value is null");
    }
}
