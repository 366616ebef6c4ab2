package dev.steward.spi.tracking;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One condition of a parsed filter, e.g. {@code metrics.acc > 0.9}. Exactly one kind of value
 * is meaningful, as the entity and comparator imply: {@code number} for metrics and numeric
 * attributes, {@code values} (one element, or several for IN / NOT IN) for everything else.
 */
public record SearchClause(SearchEntity entity, String key, SearchComparator comparator, double number, List<String> values) {
    public SearchClause {
        requireNonNull(entity, "entity is null");
        requireNonNull(key, "key is null");
        requireNonNull(comparator, "comparator is null");
        values = List.copyOf(values);
    }

    public static SearchClause numeric(SearchEntity entity, String key, SearchComparator comparator, double number) {
        return new SearchClause(entity, key, comparator, number, List.of());
    }

    public static SearchClause text(SearchEntity entity, String key, SearchComparator comparator, List<String> values) {
        return new SearchClause(entity, key, comparator, Double.NaN, values);
    }

    /** The single string value of a text clause. */
    public String text() {
        return values.get(0);
    }
}
