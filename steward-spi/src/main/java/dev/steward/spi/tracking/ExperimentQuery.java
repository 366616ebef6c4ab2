package dev.steward.spi.tracking;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A parsed, validated experiment search. Filters use attributes {@code name}, times, and tags. */
public record ExperimentQuery(List<SearchClause> filter, ViewType viewType, List<OrderBy> orderBy, int offset, int limit) {
    public ExperimentQuery {
        filter = List.copyOf(filter);
        requireNonNull(viewType, "viewType is null");
        orderBy = List.copyOf(orderBy);
        if (offset < 0 || limit < 1) {
            throw new IllegalArgumentException("offset must be >= 0 and limit >= 1: " + offset + ", " + limit);
        }
    }
}
