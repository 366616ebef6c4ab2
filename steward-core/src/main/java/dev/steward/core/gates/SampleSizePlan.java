package dev.steward.core.gates;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.OptionalDouble;

/**
 * How large a test set a gate needs so that every one of its {@code steps} evaluations is right
 * with the gate's reliability.
 *
 * @param clauses the rows each clause needs, in the condition's order
 * @param required the rows the test set must have, labelled or not: the most any clause needs
 * @param labelledRows how many of those rows must carry labels: the most any clause that uses {@code n} or {@code o} needs (0 when only {@code d} is used)
 * @param disagreementBound the bound on {@code d} the Bennett sizes used — the one given to {@link SampleSizes#plan}, or one implied by a
 *     {@code d < c} clause of the condition, whichever is smaller — or empty when there was none
 * @param settings the settings planned for
 */
public record SampleSizePlan(List<ClauseSize> clauses, long required, long labelledRows, OptionalDouble disagreementBound, GateSettings settings) {
    public SampleSizePlan {
        clauses = List.copyOf(requireNonNull(clauses, "clauses is null"));
        requireNonNull(disagreementBound, "disagreementBound is null");
        requireNonNull(settings, "settings is null");
        if (labelledRows < 0 || required < labelledRows) {
            throw new IllegalArgumentException("labelled rows " + labelledRows + " must lie between 0 and the required " + required);
        }
    }

    /** The rows beyond the labelled ones that need the two models' predictions but no label (the whole test set when only {@code d} is used). */
    public long unlabelledRows() {
        return required - labelledRows;
    }

    /** Whether any row must be labelled. */
    public boolean needsLabels() {
        return labelledRows > 0;
    }
}
