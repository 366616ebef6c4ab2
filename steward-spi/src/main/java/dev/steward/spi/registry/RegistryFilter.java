package dev.steward.spi.registry;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.tracking.SearchComparator;
import java.util.List;

/**
 * One condition of a registry search, as MLflow's registry filters have them: {@code name LIKE '%x%'},
 * {@code tags.k = 'v'}, {@code run_id = '...'}, {@code run_id IN (...)}, {@code source_path = '...'}.
 *
 * @param key the tag key, for {@link Field#TAG}; empty otherwise
 */
public record RegistryFilter(Field field, String key, SearchComparator comparator, List<String> values) {
    public enum Field { NAME, TAG, RUN_ID, SOURCE_PATH, VERSION }

    public RegistryFilter {
        requireNonNull(field, "field is null");
        requireNonNull(key, "key is null");
        requireNonNull(comparator, "comparator is null");
        values = List.copyOf(values);
    }
}
