package dev.steward.core.gates;

import static java.util.Objects.requireNonNull;

/**
 * How one clause fared: its left-hand side's estimate, the interval estimate ± tolerance within
 * which the true value lies with the gate's reliability, and whether the clause passed in the
 * gate's {@link Mode}.
 */
public record ClauseOutcome(Clause clause, double estimate, double lower, double upper, boolean passed) {
    public ClauseOutcome {
        requireNonNull(clause, "clause is null");
    }
}
