package dev.steward.core.gates;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Simulated test sets at the planned sizes: the gate's error rates stay within δ = 1 − reliability.
 *
 * <p>Each row of a simulated test set is one draw of a binary classification problem, where the
 * two models disagree on a row exactly when one of them is right: with {@code a} the share of rows
 * only the new model gets right and {@code b} the share only the old one gets right,
 * {@code d = a + b} and {@code n - o = a - b}. Trials are seeded and independent.
 *
 * <p>Every bound asserted below is at least 4 binomial standard deviations away from the count
 * expected by the normal approximation (given in each test), so a failure means a broken gate,
 * not bad luck. The Hoeffding and Bennett bounds are conservative, so the true error rates are well
 * below δ; each boundary test also checks that the point estimate alone would be wrong about half
 * the time, so the tolerance is what keeps the gate right.
 */
class GateSimulationTest {
    private static final int TRIALS = 4000;

    /** The truth of a simulated problem; the remaining rows are split into both right and both wrong. */
    private record Truth(double n, double o, double d) {
        double newOnly() {
            return (d + n - o) / 2;
        }

        double oldOnly() {
            return (d - n + o) / 2;
        }

        double bothRight() {
            return o - oldOnly();
        }
    }

    private record Run(int passed, int estimateAboveThreshold) {
    }

    @Test
    void atTheBoundaryFpFreeFalselyPassesLessOftenThanDelta() {
        // N = 4 ln(2 / 0.05) / (2 * 0.05^2) = 2952 rows; true n - o = 0.02 = threshold, every row disagrees (worst variance).
        // A pass needs the estimate above 0.07: z = 0.05 / sqrt(0.9996 / 2952) = 2.72, rate 0.0033, expected 13 of 4000, sd 3.6.
        // Bound delta * 4000 = 200: 51 sd above.
        GateSettings settings = settings("n - o > 0.02 +/- 0.05", 0.95, Mode.FP_FREE);
        assertThat(SampleSizes.plan(settings, OptionalDouble.empty()).labelledRows()).isEqualTo(2952);
        Run run = run(settings, OptionalDouble.empty(), new Truth(0.51, 0.49, 1.0), 11);

        assertThat(run.passed()).as("false passes of %d", TRIALS).isLessThanOrEqualTo((int) (0.05 * TRIALS));
        // half the point estimates exceed the threshold (expected 2000, sd 32): 1600 is 12 sd below
        assertThat(run.estimateAboveThreshold()).isGreaterThan(1600);
    }

    @Test
    void atTheBoundaryFpFreeFalselyPassesLessOftenThanDeltaAtReliabilityNinetyNine() {
        // N = 4 ln(2 / 0.01) / 0.005 = 4239 rows; z = 0.05 / sqrt(0.9996 / 4239) = 3.26, rate 0.00057, expected 2.3, sd 1.5.
        // Bound 0.01 * 4000 = 40: 25 sd above.
        GateSettings settings = settings("n - o > 0.02 +/- 0.05", 0.99, Mode.FP_FREE);
        Run run = run(settings, OptionalDouble.empty(), new Truth(0.51, 0.49, 1.0), 12);

        assertThat(run.passed()).as("false passes of %d", TRIALS).isLessThanOrEqualTo((int) (0.01 * TRIALS));
        assertThat(run.estimateAboveThreshold()).isGreaterThan(1600);
    }

    @Test
    void twoTolerancesAboveTheThresholdFpFreePassesWithAtLeastTheReliability() {
        // The expected power: when the true value clears the threshold by twice the tolerance, a fail needs the estimate to fall
        // more than one tolerance below the truth, which the plan makes rarer than delta; so the gate passes with probability at
        // least the reliability, 0.95. Here: true n - o = 0.12, a fail needs the estimate below 0.07, z = 0.05 / sqrt(0.9856 / 2952)
        // = 2.74, fail rate 0.0031, expected 12 fails of 4000, sd 3.5. Bound 200 fails: 53 sd above.
        GateSettings settings = settings("n - o > 0.02 +/- 0.05", 0.95, Mode.FP_FREE);
        Run run = run(settings, OptionalDouble.empty(), new Truth(0.56, 0.44, 1.0), 13);

        assertThat(run.passed()).as("passes of %d", TRIALS).isGreaterThanOrEqualTo((int) (0.95 * TRIALS));
    }

    @Test
    void atTheBoundaryFnFreeFalselyFailsLessOftenThanDelta() {
        // A fail needs the estimate below -0.03: z = 2.72 as above, expected 13 of 4000, sd 3.6; bound 200 fails.
        GateSettings settings = settings("n - o > 0.02 +/- 0.05", 0.95, Mode.FN_FREE);
        Run run = run(settings, OptionalDouble.empty(), new Truth(0.51, 0.49, 1.0), 14);

        assertThat(TRIALS - run.passed()).as("false fails of %d", TRIALS).isLessThanOrEqualTo((int) (0.05 * TRIALS));
    }

    @Test
    void aDisagreementClauseNeedsNoLabelsAndKeepsItsErrorRatesBelowDelta() {
        // N = ln(1 / 0.05) / (2 * 0.05^2) = 600 unlabelled rows. At true d = 0.5 a pass needs the estimate below 0.45:
        // z = 0.05 / sqrt(0.25 / 600) = 2.45, rate 0.0072, expected 29 of 4000, sd 5.3; bound 200 is 32 sd above.
        // At true d = 0.4 a fail needs the estimate above 0.45: z = 0.05 / sqrt(0.24 / 600) = 2.5, expected 25 fails, sd 5; bound 200.
        GateSettings settings = settings("d < 0.5 +/- 0.05", 0.95, Mode.FP_FREE);
        SampleSizePlan plan = SampleSizes.plan(settings, OptionalDouble.empty());
        assertThat(plan.labelledRows()).isZero();
        assertThat(plan.required()).isEqualTo(600);

        Run boundary = run(settings, OptionalDouble.empty(), new Truth(0.6, 0.6, 0.5), 15);
        assertThat(boundary.passed()).as("false passes of %d", TRIALS).isLessThanOrEqualTo((int) (0.05 * TRIALS));
        assertThat(boundary.estimateAboveThreshold()).as("estimates below the threshold").isGreaterThan(1600);

        Run margin = run(settings, OptionalDouble.empty(), new Truth(0.6, 0.6, 0.4), 16);
        assertThat(margin.passed()).as("passes of %d", TRIALS).isGreaterThanOrEqualTo((int) (0.95 * TRIALS));
    }

    @Test
    void aBennettSizedTestSetKeepsItsErrorRatesBelowDelta() {
        // With d <= 0.1: N = ln(2 / 0.05) / (0.1 h(0.2)) = 1964 labelled rows, where Hoeffding would need 18,445.
        // At the boundary (n - o = 0.02, d = 0.1, the largest variance the bound allows) a pass needs the estimate above 0.04:
        // z = 0.02 / sqrt(0.0996 / 1964) = 2.81, rate 0.0025, expected 10 of 4000, sd 3.2; bound 200 is 59 sd above.
        // Two tolerances above (n - o = 0.06) a fail needs the estimate below 0.04: z = 2.85, expected 9 fails; bound 200.
        GateSettings settings = settings("n - o > 0.02 +/- 0.02", 0.95, Mode.FP_FREE);
        OptionalDouble bound = OptionalDouble.of(0.1);
        SampleSizePlan plan = SampleSizes.plan(settings, bound);
        assertThat(plan.clauses().get(0).method()).isEqualTo(ClauseSize.BENNETT);
        assertThat(plan.labelledRows()).isEqualTo(1964);
        assertThat(plan.clauses().get(0).hoeffding()).isEqualTo(18_445);

        Run boundary = run(settings, bound, new Truth(0.80, 0.78, 0.1), 17);
        assertThat(boundary.passed()).as("false passes of %d", TRIALS).isLessThanOrEqualTo((int) (0.05 * TRIALS));
        assertThat(boundary.estimateAboveThreshold()).isGreaterThan(1600);

        Run margin = run(settings, bound, new Truth(0.84, 0.78, 0.1), 18);
        assertThat(margin.passed()).as("passes of %d", TRIALS).isGreaterThanOrEqualTo((int) (0.95 * TRIALS));
    }

    @Test
    void aBoundMeasuredOnUnlabelledRowsKeepsTheWholeGateBelowDelta() {
        // Each trial measures d on fresh unlabelled rows (slack 0.02 at the delta the plan reserves for it), plans with that
        // bound, then labels the rows the plan asks for. At the boundary with d = 0.1 the bound is near 0.12 and the plan near
        // 2,330 labelled rows: a pass needs the estimate above 0.04, z = 0.02 / sqrt(0.0996 / 2330) = 3.06, rate 0.0011,
        // expected 1.1 of 1000, sd 1; bound 0.05 * 1000 = 50 is 48 sd above.
        GateSettings settings = settings("n - o > 0.02 +/- 0.02", 0.95, Mode.FP_FREE);
        double delta = SampleSizes.disagreementDelta(settings);
        long unlabelled = SampleSizes.unlabelledRowsFor(0.02, delta);
        assertThat(unlabelled).isEqualTo(4612);
        Truth truth = new Truth(0.80, 0.78, 0.1);
        SplittableRandom random = new SplittableRandom(19);
        int trials = 1000;
        int passed = 0;
        long labelled = 0;
        for (int trial = 0; trial < trials; trial++) {
            Estimates pool = sample(random, truth, 0, unlabelled);
            DisagreementBound bound = SampleSizes.fromUnlabelled(pool.d(), unlabelled, delta);
            SampleSizePlan plan = SampleSizes.plan(settings, OptionalDouble.of(bound.upper()));
            Estimates test = sample(random, truth, plan.labelledRows(), plan.required());
            labelled += plan.labelledRows();
            if (GateDecision.decide(plan, test).passed()) {
                passed++;
            }
        }
        assertThat(passed).as("false passes of %d", trials).isLessThanOrEqualTo((int) (0.05 * trials));
        assertThat(labelled / trials).as("mean labelled rows").isBetween(2000L, 2700L);
    }

    private static Run run(GateSettings settings, OptionalDouble bound, Truth truth, long seed) {
        SampleSizePlan plan = SampleSizes.plan(settings, bound);
        Clause clause = settings.condition().clauses().get(0);
        SplittableRandom random = new SplittableRandom(seed);
        int passed = 0;
        int estimateBeyond = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            Estimates estimates = sample(random, truth, plan.labelledRows(), plan.required());
            if (GateDecision.decide(plan, estimates).passed()) {
                passed++;
            }
            double value = clause.value(estimates);
            if (clause.comparison() == Comparison.GREATER ? value > clause.threshold() : value < clause.threshold()) {
                estimateBeyond++;
            }
        }
        return new Run(passed, estimateBeyond);
    }

    /** A simulated test set: accuracies on the first {@code labelled} rows, the disagreement on all {@code rows}. */
    private static Estimates sample(SplittableRandom random, Truth truth, long labelled, long rows) {
        double newOnly = truth.newOnly();
        double disagree = newOnly + truth.oldOnly();
        double agreeRight = disagree + truth.bothRight();
        long newRight = 0;
        long oldRight = 0;
        long disagreements = 0;
        for (long row = 0; row < rows; row++) {
            double u = random.nextDouble();
            boolean onlyNew = u < newOnly;
            boolean onlyOld = !onlyNew && u < disagree;
            boolean both = u >= disagree && u < agreeRight;
            if (onlyNew || onlyOld) {
                disagreements++;
            }
            if (row < labelled) {
                newRight += onlyNew || both ? 1 : 0;
                oldRight += onlyOld || both ? 1 : 0;
            }
        }
        double n = labelled == 0 ? 0 : (double) newRight / labelled;
        double o = labelled == 0 ? 0 : (double) oldRight / labelled;
        return new Estimates(n, o, (double) disagreements / rows, labelled, rows);
    }

    private static GateSettings settings(String condition, double reliability, Mode mode) {
        return new GateSettings(GateCondition.parse(condition), reliability, mode, Adaptivity.NONE, 1);
    }
}
