package dev.steward.core.gates;

import static java.util.Objects.requireNonNull;

import dev.steward.spi.StewardException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * How many test rows a gate needs, after ease.ml/ci (Renggli et al., MLSys 2019, sections 3 and 4).
 * Stateless.
 *
 * <p>The failure probability δ = 1 − reliability is split evenly over the condition's {@code K}
 * clauses and over the histories of the {@link Adaptivity} ({@code H} for none and hybrid,
 * {@code 2^H} for full): each clause, in each history, may fail with probability
 * δ<sub>c</sub> = δ / (K · histories). A clause with tolerance ε then needs:
 *
 * <ul>
 *   <li><b>Hoeffding</b> (always): each of its {@code k} variables is estimated to within its share
 *       of ε, with probability 1 − δ<sub>c</sub> / k (one-sided, as only the side that could flip
 *       the decision matters). Sharing ε in proportion to the coefficients' sizes makes every
 *       variable need the same rows:
 *       <pre>N = (Σ|c<sub>v</sub>|)² · ln(k · K · histories / δ) / (2ε²)</pre>
 *       For {@code n - o > 0.1 +/- 0.1}, reliability 0.99, full adaptivity, 32 steps that is
 *       4 · ln(2 · 2³² / 0.01) / 0.02 → 5,496, as ease.ml/ci's reference implementation says.
 *   <li><b>Bennett</b> (for {@code c * (n - o)} clauses, when {@code d ≤ p} is known): a row where
 *       the models agree adds 0 to {@code n - o}, so each row's {@code (nᵢ − oᵢ)²} has mean at
 *       most {@code p} and Bennett's inequality bounds the deviation by exp(−N p h(ε/p)), with
 *       h(u) = (1 + u) ln(1 + u) − u. Half of the clause's share is kept for the bound on {@code d}
 *       (the paper's two-level test), half for the deviation:
 *       <pre>N = ln(2 · K · histories / δ) / (p · h(ε' / p)),  ε' = ε / |c|</pre>
 *       For the paper's {@code d < 0.1 +/- 0.01 /\ n - o > 0.02 +/- 0.01} at reliability 0.9999
 *       and 32 steps: 29,048 labelled rows without adaptivity and 67,706 with full adaptivity (the paper's
 *       "29K" and "67K", whose ln H − ln(δ/4) is this formula with K = 2).
 * </ul>
 *
 * Each clause takes the smaller of the two; the test set needs the most any clause needs, and
 * labels only on the rows that the clauses using {@code n} or {@code o} need: a clause over
 * {@code d} alone needs predictions of both models but no labels.
 *
 * <p>The bound {@code p} comes from the caller (known, or measured on unlabelled rows with
 * {@link #fromUnlabelled}) or from the condition itself: a clause {@code c * d < A} implies
 * {@code d < A / c} for every model that could pass it — in fp-free mode a pass of that clause means
 * {@code d < A} except with that clause's own failure probability, and in fn-free mode a condition
 * that truly holds has {@code d < A} — so its clauses on {@code n - o} may use Bennett's inequality
 * with {@code p = A / c} (the paper's difference-based optimization).
 */
public final class SampleSizes {
    private static final double MAX_ROWS = 1e15;

    private SampleSizes() {
    }

    /**
     * The rows a gate needs; {@code disagreementBound} is an upper bound {@code p} on {@code d},
     * in (0, 1], when one is known (see {@link #fromUnlabelled}), or empty.
     */
    public static SampleSizePlan plan(GateSettings settings, OptionalDouble disagreementBound) {
        requireNonNull(settings, "settings is null");
        requireNonNull(disagreementBound, "disagreementBound is null");
        disagreementBound.ifPresent(p -> {
            if (!(p > 0 && p <= 1)) {
                throw StewardException.invalid("disagreementBound", "a bound on the disagreement must lie in (0, 1], not " + p);
            }
        });
        List<Clause> clauses = settings.condition().clauses();
        OptionalDouble bound = min(disagreementBound, impliedBound(clauses));
        double logShare = logInverseClauseShare(settings);
        List<ClauseSize> sizes = new ArrayList<>();
        long required = 0;
        long labelled = 0;
        for (Clause clause : clauses) {
            long hoeffding = hoeffding(clause, logShare);
            OptionalLong bennett = clause.isAccuracyDifference() && bound.isPresent()
                    ? OptionalLong.of(bennett(clause, logShare, bound.getAsDouble()))
                    : OptionalLong.empty();
            ClauseSize size = bennett.isPresent() && bennett.getAsLong() < hoeffding
                    ? new ClauseSize(clause, hoeffding, bennett, bennett.getAsLong(), ClauseSize.BENNETT)
                    : new ClauseSize(clause, hoeffding, bennett, hoeffding, ClauseSize.HOEFFDING);
            sizes.add(size);
            required = Math.max(required, size.chosen());
            if (size.needsLabels()) {
                labelled = Math.max(labelled, size.chosen());
            }
        }
        return new SampleSizePlan(sizes, required, labelled, bound, settings);
    }

    /**
     * An upper confidence bound on {@code d} from the two models' predictions on unlabelled rows:
     * the observed rate plus Hoeffding's one-sided deviation √(ln(1/δ) / 2m), at most 1. The true
     * disagreement exceeds it with probability at most {@code delta}. Give it
     * {@link #disagreementDelta(GateSettings)} so that the plan's reliability covers the bound too.
     */
    public static DisagreementBound fromUnlabelled(double observedDisagreement, long unlabelledRows, double delta) {
        if (!(observedDisagreement >= 0 && observedDisagreement <= 1)) {
            throw StewardException.invalid("observedDisagreement", "must be a rate between 0 and 1, not " + observedDisagreement);
        }
        if (unlabelledRows < 1) {
            throw StewardException.invalid("unlabelledRows", "a disagreement needs at least one row, not " + unlabelledRows);
        }
        checkDelta(delta);
        double deviation = Math.sqrt(-Math.log(delta) / (2.0 * unlabelledRows));
        return new DisagreementBound(observedDisagreement, unlabelledRows, delta, Math.min(1, observedDisagreement + deviation));
    }

    /**
     * The unlabelled rows {@link #fromUnlabelled} needs for its bound to exceed the observed rate by
     * at most {@code slack}: ⌈ln(1/δ) / (2 slack²)⌉. A slack near the tolerance of the clauses it
     * serves is a fair choice: unlabelled rows are cheap, and a bound of d + slack costs Bennett's
     * sizes little when the slack is small against d.
     */
    public static long unlabelledRowsFor(double slack, double delta) {
        if (!(slack > 0 && slack < 1)) {
            throw StewardException.invalid("slack", "must lie strictly between 0 and 1, not " + slack);
        }
        checkDelta(delta);
        return rows(-Math.log(delta) / (2 * slack * slack), "slack", "a disagreement bound with slack " + slack);
    }

    /**
     * The failure probability to give {@link #fromUnlabelled} under these settings: the half of a
     * clause's share δ / (K · histories) that the Bennett sizes keep for the bound on {@code d}. A
     * bound measured with it, fed to {@link #plan}, keeps the whole gate within its reliability.
     */
    public static double disagreementDelta(GateSettings settings) {
        requireNonNull(settings, "settings is null");
        double delta = Math.exp(-(Math.log(2) + logInverseClauseShare(settings)));
        if (delta == 0) {
            throw StewardException.invalid("steps", settings.adaptivity().wireName() + " adaptivity over " + settings.steps()
                    + " steps leaves a failure probability too small to represent for a bound on d");
        }
        return delta;
    }

    /** ln(K · histories / δ): the log of one over each clause's share of the failure probability. */
    private static double logInverseClauseShare(GateSettings settings) {
        return Math.log(settings.condition().clauses().size()) + settings.adaptivity().logHistories(settings.steps()) - Math.log(settings.delta());
    }

    private static long hoeffding(Clause clause, double logShare) {
        double sum = 0;
        for (double coefficient : clause.coefficients().values()) {
            sum += Math.abs(coefficient);
        }
        double log = Math.log(clause.variables().size()) + logShare;
        return rows(sum * sum * log / (2 * clause.tolerance() * clause.tolerance()), "condition", "the clause '" + clause.text() + "'");
    }

    private static long bennett(Clause clause, double logShare, double bound) {
        double epsilon = clause.tolerance() / Math.abs(clause.coefficient(Variable.N));
        double log = Math.log(2) + logShare;
        return rows(log / (bound * h(epsilon / bound)), "condition", "the clause '" + clause.text() + "'");
    }

    /** Bennett's h(u) = (1 + u) ln(1 + u) − u. */
    private static double h(double u) {
        return (1 + u) * Math.log1p(u) - u;
    }

    /** The smallest A / c over clauses {@code c * d < A} with A, c > 0; see the class comment. */
    private static OptionalDouble impliedBound(List<Clause> clauses) {
        OptionalDouble bound = OptionalDouble.empty();
        for (Clause clause : clauses) {
            double c = clause.coefficient(Variable.D);
            if (clause.variables().size() == 1 && c > 0 && clause.comparison() == Comparison.LESS && clause.threshold() > 0) {
                bound = min(bound, OptionalDouble.of(Math.min(1, clause.threshold() / c)));
            }
        }
        return bound;
    }

    private static OptionalDouble min(OptionalDouble a, OptionalDouble b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isEmpty() ? a : OptionalDouble.of(Math.min(a.getAsDouble(), b.getAsDouble()));
    }

    /**
     * Rounds a bound up to whole rows. The bound is a real number computed in floating point; a
     * hair's breadth (1e-9 rows) is forgiven so that this and the reference script
     * ({@code docs/gates/sample_sizes.py}) round alike.
     */
    private static long rows(double bound, String field, String what) {
        if (!(bound < MAX_ROWS)) {
            throw StewardException.invalid(field, what + " would need more than 10^15 rows: give it a larger tolerance");
        }
        return Math.max(1, (long) Math.ceil(bound - 1e-9));
    }

    private static void checkDelta(double delta) {
        if (!(delta > 0 && delta < 1)) {
            throw StewardException.invalid("delta", "a failure probability must lie strictly between 0 and 1, not " + delta);
        }
    }
}
