package dev.steward.core.gates;

import static java.util.Objects.requireNonNull;

import java.util.OptionalLong;

/**
 * The rows one clause needs: by Hoeffding's inequality always, by Bennett's inequality when a bound
 * on the disagreement applies to it, and the smaller of the two.
 *
 * @param clause the clause
 * @param hoeffding rows by Hoeffding's inequality
 * @param bennett rows by Bennett's inequality, for an accuracy difference {@code c * (n - o)} under a disagreement bound
 * @param chosen the smaller of the two
 * @param method {@value #HOEFFDING} or {@value #BENNETT}: which one was chosen
 */
public record ClauseSize(Clause clause, long hoeffding, OptionalLong bennett, long chosen, String method) {
    public static final String HOEFFDING = "hoeffding";
    public static final String BENNETT = "bennett";

    public ClauseSize {
        requireNonNull(clause, "clause is null");
        requireNonNull(bennett, "bennett is null");
        requireNonNull(method, "method is null");
        long expected = method.equals(BENNETT) ? bennett.orElseThrow(() -> new IllegalArgumentException("no Bennett size to choose")) : hoeffding;
        if ((!method.equals(HOEFFDING) && !method.equals(BENNETT)) || chosen != expected) {
            throw new IllegalArgumentException("chosen " + chosen + " by " + method + " does not match hoeffding " + hoeffding + ", bennett " + bennett);
        }
    }

    /** Whether these rows must be labelled: false for a clause over {@code d} only, whose rows need predictions but no labels. */
    public boolean needsLabels() {
        return clause.needsLabels();
    }
}
