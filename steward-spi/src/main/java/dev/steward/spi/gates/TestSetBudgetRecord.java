package dev.steward.spi.gates;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The step budget a dataset version carries once it is used as the test set of a statistical
 * gate: the gate's settings (fixed at first use), how many steps are spent, and when and why it
 * was retired (budget spent, or the first pass in hybrid adaptivity).
 *
 * @param datasetVersionId the test set
 * @param condition the condition text as the gate was first used with
 * @param reliability {@code 1 - δ}
 * @param mode {@code fp-free} or {@code fn-free}
 * @param adaptivity {@code none}, {@code hybrid} or {@code full}
 * @param steps {@code H}, the number of evaluations the test set may serve
 * @param stepsUsed evaluations spent so far
 */
public record TestSetBudgetRecord(String datasetVersionId, String datasetName, int datasetVersion, String condition, double reliability,
        String mode, String adaptivity, int steps, int stepsUsed, Optional<Long> retiredAt, Optional<String> retiredReason, long createdAt,
        String createdBy) {
    public TestSetBudgetRecord {
        requireNonNull(datasetVersionId, "datasetVersionId is null");
        requireNonNull(datasetName, "datasetName is null");
        requireNonNull(condition, "condition is null");
        requireNonNull(mode, "mode is null");
        requireNonNull(adaptivity, "adaptivity is null");
        requireNonNull(retiredAt, "retiredAt is null");
        requireNonNull(retiredReason, "retiredReason is null");
        requireNonNull(createdBy, "createdBy is null");
    }

    public boolean retired() {
        return retiredAt.isPresent();
    }

    public int stepsLeft() {
        return retired() ? 0 : Math.max(0, steps - stepsUsed);
    }
}
