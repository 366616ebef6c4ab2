package dev.steward.spi.tracking;

import static java.util.Objects.requireNonNull;

/** One key of an ordering, e.g. {@code metrics.acc DESC}. */
public record OrderBy(SearchEntity entity, String key, boolean ascending) {
    public OrderBy {
        requireNonNull(entity, "entity is null");
        requireNonNull(key, "key is null");
    }
}
