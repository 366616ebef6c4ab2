package dev.steward.core.data.compare;

import static java.util.Objects.requireNonNull;

import dev.steward.core.data.SchemaDiff;
import java.util.List;

/**
 * Two versions of a dataset compared column by column.
 *
 * @param driftedColumns how many compared columns drifted
 */
public record DatasetComparison(String dataset, int referenceVersion, int currentVersion, DriftOptions options, SchemaDiff schema,
        List<ColumnDrift> columns, int testedColumns, int driftedColumns) {
    public DatasetComparison {
        requireNonNull(dataset, "dataset is null");
        requireNonNull(options, "options is null");
        requireNonNull(schema, "schema is null");
        columns = List.copyOf(columns);
    }

    public boolean drifted() {
        return driftedColumns > 0;
    }
}
