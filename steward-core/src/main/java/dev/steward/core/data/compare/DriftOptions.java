package dev.steward.core.data.compare;

import static java.util.Objects.requireNonNull;

import dev.steward.core.stats.MultipleTesting;
import dev.steward.spi.StewardException;
import java.util.List;

/**
 * How to compare two samples.
 *
 * @param correction of the per-column p-values for testing many columns at once
 * @param alpha a column drifted when its corrected p-value is below this
 * @param bins quantile bins of the reference for PSI and Jensen–Shannon on numeric columns
 * @param columns the columns to compare; empty for all shared ones
 */
public record DriftOptions(MultipleTesting correction, double alpha, int bins, List<String> columns) {
    public static final DriftOptions DEFAULTS = new DriftOptions(MultipleTesting.BENJAMINI_HOCHBERG, 0.05, 10, List.of());

    public DriftOptions {
        requireNonNull(correction, "correction is null");
        if (!(alpha > 0 && alpha < 1)) {
            throw StewardException.invalid("alpha", "alpha must lie strictly between 0 and 1, not " + alpha);
        }
        if (bins < 2 || bins > 1000) {
            throw StewardException.invalid("bins", "bins must be between 2 and 1000, not " + bins);
        }
        columns = List.copyOf(columns);
    }
}
