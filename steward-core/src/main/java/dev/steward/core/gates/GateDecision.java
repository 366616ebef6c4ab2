package dev.steward.core.gates;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.StewardException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Decides a gate for one submitted model from what was measured on its test set. Each clause's
 * left-hand side is estimated from the measured {@code n}, {@code o} and {@code d}; on a test set of
 * the planned size the true value lies within the clause's tolerance of that estimate, with the
 * gate's reliability, in every evaluation the plan covers. The {@link Mode} then decides the case
 * where the interval straddles the threshold. Stateless.
 *
 * <p>What the submitter may be told of the decision, and whether it retires the test set, is the
 * {@link Adaptivity}'s to say ({@link Adaptivity#releases}, {@link Adaptivity#endsBudget}).
 */
public final class GateDecision {
    private GateDecision() {
    }

    /**
     * Decides with the plan {@code SampleSizes.plan(settings, OptionalDouble.empty())}: the test set
     * must have the rows it asks for.
     */
    public static Decision decide(GateSettings settings, Estimates estimates) {
        return decide(SampleSizes.plan(settings, OptionalDouble.empty()), estimates);
    }

    /**
     * Decides on a test set sized by {@code plan} (for instance one that used a bound on the
     * disagreement). Fewer labelled rows, or fewer rows, than the plan asks for are an error: the
     * tolerance would no longer hold with the gate's reliability.
     */
    public static Decision decide(SampleSizePlan plan, Estimates estimates) {
        requireNonNull(plan, "plan is null");
        requireNonNull(estimates, "estimates is null");
        if (estimates.labelledRows() < plan.labelledRows()) {
            throw StewardException.invalid("labelledRows", "the gate needs at least " + plan.labelledRows() + " labelled rows to decide '"
                    + plan.settings().condition().text() + "' with reliability " + plan.settings().reliability() + ", not " + estimates.labelledRows());
        }
        if (estimates.rows() < plan.required()) {
            throw StewardException.invalid("rows", "the gate needs at least " + plan.required() + " rows predicted by both models to decide '"
                    + plan.settings().condition().text() + "' with reliability " + plan.settings().reliability() + ", not " + estimates.rows());
        }
        Mode mode = plan.settings().mode();
        List<ClauseOutcome> outcomes = new ArrayList<>();
        for (Clause clause : plan.settings().condition().clauses()) {
            double estimate = clause.value(estimates);
            double lower = estimate - clause.tolerance();
            double upper = estimate + clause.tolerance();
            outcomes.add(new ClauseOutcome(clause, estimate, lower, upper, mode.passes(clause.comparison(), lower, upper, clause.threshold())));
        }
        return Decision.of(outcomes);
    }
}
