package dev.steward.core.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.steward.spi.StewardException;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class GateDecisionTest {
    private static final long ROWS = 1_000_000;

    @Test
    void fpFreePassesOnlyWhenTheEstimateClearsTheThresholdByTheTolerance() {
        GateSettings settings = settings("n - o > 0.02 +/- 0.01", Mode.FP_FREE);
        assertThat(decide(settings, 0.835, 0.80).passed()).isTrue();
        assertThat(decide(settings, 0.825, 0.80).passed()).isFalse();
        assertThat(decide(settings, 0.805, 0.80).passed()).isFalse();
    }

    @Test
    void fnFreeFailsOnlyWhenTheEstimateMissesTheThresholdByMoreThanTheTolerance() {
        GateSettings settings = settings("n - o > 0.02 +/- 0.01", Mode.FN_FREE);
        assertThat(decide(settings, 0.835, 0.80).passed()).isTrue();
        assertThat(decide(settings, 0.825, 0.80).passed()).isTrue();
        assertThat(decide(settings, 0.815, 0.80).passed()).isTrue();
        assertThat(decide(settings, 0.805, 0.80).passed()).isFalse();
    }

    @Test
    void reportsEachClausesEstimateAndInterval() {
        GateSettings settings = settings("n - o > 0.02 +/- 0.01 /\\ d < 0.1 +/- 0.01", Mode.FP_FREE);
        Decision decision = GateDecision.decide(settings, new Estimates(0.85, 0.80, 0.095, ROWS, ROWS));

        assertThat(decision.passed()).isFalse();
        ClauseOutcome difference = decision.clauses().get(0);
        assertThat(difference.estimate()).isCloseTo(0.05, within(1e-12));
        assertThat(difference.lower()).isCloseTo(0.04, within(1e-12));
        assertThat(difference.upper()).isCloseTo(0.06, within(1e-12));
        assertThat(difference.passed()).isTrue();
        ClauseOutcome disagreement = decision.clauses().get(1);
        assertThat(disagreement.clause().text()).isEqualTo("d < 0.1 +/- 0.01");
        assertThat(disagreement.upper()).isCloseTo(0.105, within(1e-12));
        assertThat(disagreement.passed()).isFalse();
    }

    @Test
    void aDisagreementConditionIsDecidedWithoutLabels() {
        GateSettings settings = settings("d < 0.1 +/- 0.01", Mode.FP_FREE);
        long rows = SampleSizes.plan(settings, OptionalDouble.empty()).required();
        assertThat(GateDecision.decide(settings, new Estimates(0, 0, 0.05, 0, rows)).passed()).isTrue();
        assertThat(GateDecision.decide(settings, new Estimates(0, 0, 0.095, 0, rows)).passed()).isFalse();
    }

    @Test
    void refusesATestSetSmallerThanThePlan() {
        GateSettings settings = settings("n - o > 0.02 +/- 0.01 /\\ d < 0.2 +/- 0.01", Mode.FP_FREE);
        SampleSizePlan plan = SampleSizes.plan(settings, OptionalDouble.empty());
        assertThatThrownBy(() -> GateDecision.decide(plan, new Estimates(0.9, 0.8, 0.1, plan.labelledRows() - 1, ROWS)))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("labelledRows"))
                .hasMessageStartingWith("the gate needs at least " + plan.labelledRows() + " labelled rows");
        assertThatThrownBy(() -> GateDecision.decide(plan, new Estimates(0.9, 0.8, 0.1, plan.labelledRows(), plan.required() - 1)))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("rows"));
        assertThat(GateDecision.decide(plan, new Estimates(0.9, 0.8, 0.1, plan.labelledRows(), plan.required())).passed()).isTrue();
    }

    @Test
    void aPlanWithABoundOnTheDisagreementDecidesOnFewerLabels() {
        GateSettings settings = settings("n - o > 0.02 +/- 0.01", Mode.FP_FREE);
        SampleSizePlan hoeffding = SampleSizes.plan(settings, OptionalDouble.empty());
        SampleSizePlan bennett = SampleSizes.plan(settings, OptionalDouble.of(0.1));
        Estimates estimates = new Estimates(0.85, 0.80, 0.08, bennett.labelledRows(), bennett.required());

        assertThat(GateDecision.decide(bennett, estimates).passed()).isTrue();
        assertThatThrownBy(() -> GateDecision.decide(hoeffding, estimates)).isInstanceOf(StewardException.class);
    }

    private static Decision decide(GateSettings settings, double n, double o) {
        return GateDecision.decide(settings, new Estimates(n, o, 0.1, ROWS, ROWS));
    }

    private static GateSettings settings(String condition, Mode mode) {
        return new GateSettings(GateCondition.parse(condition), 0.999, mode, Adaptivity.NONE, 32);
    }
}
