package dev.steward.core.gates;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A gate's answer for one submitted model: passed when every clause passed. */
public record Decision(boolean passed, List<ClauseOutcome> clauses) {
    public Decision {
        clauses = List.copyOf(requireNonNull(clauses, "clauses is null"));
        if (passed != clauses.stream().allMatch(ClauseOutcome::passed)) {
            throw new IllegalArgumentException("a decision passes exactly when all its clauses pass");
        }
    }

    /** The decision of these clause outcomes. */
    public static Decision of(List<ClauseOutcome> clauses) {
        return new Decision(clauses.stream().allMatch(ClauseOutcome::passed), clauses);
    }
}
