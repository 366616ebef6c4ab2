package dev.steward.core.data.compare;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How one column's distribution moved from the reference to the current sample.
 *
 * @param test {@code ks} (two-sample Kolmogorov–Smirnov) for numbers, {@code chi2} for categories
 * @param adjustedPValue after the multiple-testing correction across the compared columns
 * @param wasserstein the Wasserstein-1 distance divided by the reference's population standard
 *     deviation (numbers only; empty when that deviation is 0)
 * @param skipped why the column was not compared (then every statistic is empty)
 */
public record ColumnDrift(String column, String kind, Optional<String> test, OptionalDouble statistic, OptionalDouble pValue,
        OptionalDouble adjustedPValue, boolean drifted, OptionalDouble psi, OptionalDouble jensenShannon, OptionalDouble wasserstein,
        long referenceCount, long currentCount, long referenceMissing, long currentMissing, Optional<String> skipped) {
    public ColumnDrift {
        requireNonNull(column, "column is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(test, "test is null");
        requireNonNull(statistic, "statistic is null");
        requireNonNull(pValue, "pValue is null");
        requireNonNull(adjustedPValue, "adjustedPValue is null");
        requireNonNull(psi, "psi is null");
        requireNonNull(jensenShannon, "jensenShannon is null");
        requireNonNull(wasserstein, "wasserstein is null");
        requireNonNull(skipped, "skipped is null");
    }

    /** A column of a type that is not compared. */
    public static ColumnDrift notCompared(String column, String reason) {
        return skipped(column, "other", reason);
    }

    static ColumnDrift skipped(String column, String kind, String reason) {
        return new ColumnDrift(column, kind, Optional.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), false,
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), 0, 0, 0, 0, Optional.of(reason));
    }

    ColumnDrift withAdjusted(double adjusted, double alpha) {
        return new ColumnDrift(column, kind, test, statistic, pValue, OptionalDouble.of(adjusted), adjusted < alpha, psi, jensenShannon,
                wasserstein, referenceCount, currentCount, referenceMissing, currentMissing, skipped);
    }
}
