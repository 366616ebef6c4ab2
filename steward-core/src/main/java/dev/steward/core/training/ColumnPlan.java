package dev.steward.core.training;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.data.ColumnSummary;
import java.util.List;

/** A feature column as the spec asks it to be prepared: categorical or numeric, and its declared steps in order. */
record ColumnPlan(ColumnSummary column, boolean categorical, List<TrainingSpec.Step> steps) {
    ColumnPlan {
        requireNonNull(column, "column is null");
        steps = List.copyOf(steps);
    }

    String name() {
        return column.name();
    }
}
