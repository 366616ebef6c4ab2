package dev.steward.spi.registry;

import java.util.List;

/**
 * A page of a registry search: all filters hold, ordered by {@code order} (then by name and
 * version, so pages never overlap), {@code limit} rows from {@code offset}.
 */
public record RegistryQuery(List<RegistryFilter> filters, List<Order> order, int limit, int offset) {
    /** {@code field}: {@code name}, {@code creation_timestamp}, {@code last_updated_timestamp}, {@code version_number}. */
    public record Order(String field, boolean ascending) {
    }

    public RegistryQuery {
        filters = List.copyOf(filters);
        order = List.copyOf(order);
        if (limit < 1 || offset < 0) {
            throw new IllegalArgumentException("limit must be positive and offset not negative: " + limit + ", " + offset);
        }
    }
}
