package dev.steward.core.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.steward.spi.StewardException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The sample sizes against the table that {@code docs/gates/sample_sizes.py} derived from the
 * paper's formulas ({@code src/test/resources/gates/sample-sizes.csv}), and against the figures
 * the paper and its reference implementation publish.
 */
class SampleSizesTest {
    private static final String F5 = "d < 0.1 +/- 0.01 /\\ n - o > 0.02 +/- 0.01";

    @Test
    void everyRowOfTheScriptsTableComesOutTheSame() throws IOException {
        List<String[]> rows = table();
        assertThat(rows).hasSizeGreaterThan(300);
        SoftAssertions softly = new SoftAssertions();
        for (String[] row : rows) {
            String condition = row[0];
            GateSettings settings = new GateSettings(GateCondition.parse(condition), Double.parseDouble(row[1]), Mode.FP_FREE,
                    Adaptivity.parse(row[2]), Integer.parseInt(row[3]));
            OptionalDouble bound = row[4].isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(row[4]));
            SampleSizePlan plan = SampleSizes.plan(settings, bound);
            ClauseSize size = plan.clauses().get(Integer.parseInt(row[5]));
            String what = String.join(",", Arrays.copyOf(row, 6));
            softly.assertThat(size.hoeffding()).as(what + " hoeffding").isEqualTo(Long.parseLong(row[6]));
            softly.assertThat(size.bennett()).as(what + " bennett").isEqualTo(row[7].isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(row[7])));
            softly.assertThat(size.chosen()).as(what + " chosen").isEqualTo(Long.parseLong(row[8]));
            softly.assertThat(size.method()).as(what + " method").isEqualTo(row[9]);
            softly.assertThat(plan.required()).as(what + " required").isEqualTo(Long.parseLong(row[10]));
            softly.assertThat(plan.labelledRows()).as(what + " labelled").isEqualTo(Long.parseLong(row[11]));
        }
        softly.assertAll();
    }

    @Test
    void reproducesTheReferenceImplementationsFigureForFullAdaptivity() {
        // easeml/ci notebooks/SimpleSampleCalculation.ipynb: n - o > 0.1 +/- 0.1, 0.99, full, 32 steps -> 5496
        SampleSizePlan plan = plan("n - o > 0.1 +/- 0.1", 0.99, Adaptivity.FULL, 32, OptionalDouble.empty());
        assertThat(plan.required()).isEqualTo(5_496);
        assertThat(plan.labelledRows()).isEqualTo(5_496);
        assertThat(plan.clauses().get(0).method()).isEqualTo(ClauseSize.HOEFFDING);
    }

    @Test
    void reproducesThePapersBennettFiguresForPEqualToATenth() {
        // Section 4: p = 0.1, 1 - delta = 0.9999, d < 0.1: "29K samples for 32 non-adaptive steps and 67K samples for 32 fully-adaptive steps"
        SampleSizePlan none = plan(F5, 0.9999, Adaptivity.NONE, 32, OptionalDouble.empty());
        SampleSizePlan full = plan(F5, 0.9999, Adaptivity.FULL, 32, OptionalDouble.empty());
        assertThat(none.disagreementBound()).hasValue(0.1);
        assertThat(none.clauses().get(1).method()).isEqualTo(ClauseSize.BENNETT);
        assertThat(none.labelledRows()).isBetween(29_000L, 29_999L).isEqualTo(29_048);
        assertThat(full.labelledRows()).isBetween(67_000L, 67_999L).isEqualTo(67_706);
        // the same with the bound given rather than implied by the d clause
        assertThat(plan(F5, 0.9999, Adaptivity.FULL, 32, OptionalDouble.of(0.1)).labelledRows()).isEqualTo(67_706);
        // Hoeffding alone would need ten times as many labels
        assertThat(none.clauses().get(1).hoeffding()).isGreaterThan(9 * none.labelledRows());
    }

    @Test
    void reproducesThePapersHoeffdingFigures() {
        // Section 1: one variable, eps = 0.01, 1 - delta = 0.9999: "more than 46K", 63K for 32 non-adaptive, 156K for 32 adaptive steps
        assertThat(plan("n > 0.8 +/- 0.01", 0.9999, Adaptivity.NONE, 1, OptionalDouble.empty()).required()).isBetween(46_000L, 46_999L);
        assertThat(plan("n > 0.8 +/- 0.01", 0.9999, Adaptivity.NONE, 32, OptionalDouble.empty()).required()).isBetween(63_000L, 63_999L);
        // Section 3 says 156,955 (rounded down; a sample size must be rounded up)
        assertThat(plan("n > 0.8 +/- 0.01", 0.9999, Adaptivity.FULL, 32, OptionalDouble.empty()).required()).isBetween(156_955L, 156_956L);
        // Section 3: F :- n > 0.8 +/- 0.05, delta = 0.0001, H = 32, fully adaptive: 6,279
        assertThat(plan("n > 0.8 +/- 0.05", 0.9999, Adaptivity.FULL, 32, OptionalDouble.empty()).required()).isEqualTo(6_279);
        // Section 5: eps = 0.02, delta = 0.002, H = 7: 44,268 (rounded down), "58K" fully adaptive
        assertThat(plan("n - o > 0.02 +/- 0.02", 0.998, Adaptivity.NONE, 7, OptionalDouble.empty()).required()).isBetween(44_268L, 44_269L);
        assertThat(plan("n - o > 0.02 +/- 0.02", 0.998, Adaptivity.FULL, 7, OptionalDouble.empty()).required()).isBetween(58_000L, 58_999L);
    }

    @Test
    void hybridNeedsNoMoreRowsThanNoAdaptivity() {
        for (double reliability : new double[] {0.99, 0.999, 0.9999}) {
            long none = plan("n - o > 0.02 +/- 0.01", reliability, Adaptivity.NONE, 32, OptionalDouble.empty()).required();
            assertThat(plan("n - o > 0.02 +/- 0.01", reliability, Adaptivity.HYBRID, 32, OptionalDouble.empty()).required()).isEqualTo(none);
            assertThat(plan("n - o > 0.02 +/- 0.01", reliability, Adaptivity.FULL, 32, OptionalDouble.empty()).required()).isGreaterThan(2 * none);
        }
    }

    @Test
    void aConditionOnTheDisagreementAloneNeedsNoLabels() {
        SampleSizePlan plan = plan("d < 0.1 +/- 0.01", 0.999, Adaptivity.FULL, 32, OptionalDouble.empty());
        assertThat(plan.labelledRows()).isZero();
        assertThat(plan.needsLabels()).isFalse();
        assertThat(plan.required()).isEqualTo(plan.clauses().get(0).chosen()).isPositive();
        assertThat(plan.unlabelledRows()).isEqualTo(plan.required());
        assertThat(plan.clauses().get(0).needsLabels()).isFalse();
    }

    @Test
    void labelsAreNeededOnlyForTheRowsOfClausesOnAccuracies() {
        SampleSizePlan plan = plan("n > 0.8 +/- 0.05 /\\ d < 0.1 +/- 0.01", 0.999, Adaptivity.NONE, 32, OptionalDouble.empty());
        long accuracyRows = plan.clauses().get(0).chosen();
        long disagreementRows = plan.clauses().get(1).chosen();
        assertThat(disagreementRows).isGreaterThan(accuracyRows);
        assertThat(plan.labelledRows()).isEqualTo(accuracyRows);
        assertThat(plan.required()).isEqualTo(disagreementRows);
        assertThat(plan.unlabelledRows()).isEqualTo(disagreementRows - accuracyRows);
    }

    @Test
    void theSmallerOfTheGivenAndTheImpliedBoundIsUsed() {
        assertThat(plan(F5, 0.999, Adaptivity.NONE, 32, OptionalDouble.of(0.05)).disagreementBound()).hasValue(0.05);
        assertThat(plan(F5, 0.999, Adaptivity.NONE, 32, OptionalDouble.of(0.5)).disagreementBound()).hasValue(0.1);
        assertThat(plan("2 * d < 0.3 +/- 0.02", 0.999, Adaptivity.NONE, 32, OptionalDouble.empty()).disagreementBound()).hasValue(0.15);
        assertThat(plan("d > 0.1 +/- 0.01 /\\ n - o > 0 +/- 0.01", 0.999, Adaptivity.NONE, 32, OptionalDouble.empty()).disagreementBound()).isEmpty();
    }

    @Test
    void bennettIsOfferedButNotChosenWhenHoeffdingNeedsFewerRows() {
        ClauseSize size = plan("n - o > 0.1 +/- 0.1", 0.99, Adaptivity.NONE, 32, OptionalDouble.of(1.0)).clauses().get(0);
        assertThat(size.bennett()).isPresent();
        assertThat(size.bennett().getAsLong()).isGreaterThan(size.hoeffding());
        assertThat(size.method()).isEqualTo(ClauseSize.HOEFFDING);
        assertThat(size.chosen()).isEqualTo(size.hoeffding());
    }

    @Test
    void scalingAClauseByAConstantChangesNothing() {
        ClauseSize one = plan("n - o > 0.02 +/- 0.01", 0.999, Adaptivity.FULL, 32, OptionalDouble.of(0.1)).clauses().get(0);
        ClauseSize two = plan("2 * n - 2 * o > 0.04 +/- 0.02", 0.999, Adaptivity.FULL, 32, OptionalDouble.of(0.1)).clauses().get(0);
        assertThat(two.hoeffding()).isEqualTo(one.hoeffding());
        assertThat(two.bennett()).isEqualTo(one.bennett());
    }

    @Test
    void clausesOtherThanAnAccuracyDifferenceGetNoBennettSize() {
        SampleSizePlan plan = plan("n - 1.1 * o > 0.01 +/- 0.01 /\\ n > 0.8 +/- 0.01 /\\ d < 0.1 +/- 0.01", 0.999, Adaptivity.NONE, 32, OptionalDouble.of(0.1));
        assertThat(plan.clauses()).allSatisfy(size -> assertThat(size.bennett()).isEmpty());
    }

    @Test
    void rejectsABoundOutsideZeroToOneAndSizesBeyondReason() {
        for (double bound : new double[] {0, -0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> plan("n - o > 0 +/- 0.01", 0.99, Adaptivity.NONE, 1, OptionalDouble.of(bound)))
                    .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("disagreementBound"));
        }
        assertThatThrownBy(() -> plan("n > 0.5 +/- 1e-9", 0.99, Adaptivity.NONE, 1, OptionalDouble.empty()))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("condition"))
                .hasMessageContaining("would need more than 10^15 rows");
    }

    @Test
    void anUnlabelledDisagreementGivesAHoeffdingUpperBound() {
        DisagreementBound bound = SampleSizes.fromUnlabelled(0.08, 10_000, 0.001);
        assertThat(bound.upper()).isCloseTo(0.08 + Math.sqrt(Math.log(1000) / 20_000), within(1e-15));
        assertThat(bound.observed()).isEqualTo(0.08);
        assertThat(bound.unlabelledRows()).isEqualTo(10_000);
        assertThat(SampleSizes.fromUnlabelled(0.999, 10, 0.001).upper()).isEqualTo(1.0);
        // as many rows as it takes for the slack seen above
        assertThat(SampleSizes.unlabelledRowsFor(bound.upper() - 0.08, 0.001)).isBetween(10_000L, 10_001L);
        assertThatThrownBy(() -> SampleSizes.fromUnlabelled(0.1, 0, 0.01))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("unlabelledRows"));
        assertThatThrownBy(() -> SampleSizes.fromUnlabelled(1.1, 10, 0.01))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("observedDisagreement"));
        assertThatThrownBy(() -> SampleSizes.fromUnlabelled(0.1, 10, 1))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("delta"));
        assertThatThrownBy(() -> SampleSizes.unlabelledRowsFor(0, 0.01))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("slack"));
    }

    @Test
    void theBoundOnTheDisagreementGetsHalfOfAClausesShare() {
        GateSettings none = settings(F5, 0.9999, Adaptivity.NONE, 32);
        assertThat(SampleSizes.disagreementDelta(none)).isCloseTo((1 - 0.9999) / (2 * 2 * 32), within(1e-18));
        GateSettings full = settings(F5, 0.9999, Adaptivity.FULL, 32);
        assertThat(SampleSizes.disagreementDelta(full)).isCloseTo((1 - 0.9999) / (2 * 2 * Math.pow(2, 32)), within(1e-24));
    }

    @Test
    void theLargestFullyAdaptivePlanStillGivesAUsableBoundOnTheDisagreement() {
        GateSettings settings = settings(F5, 0.99, Adaptivity.FULL, GateSettings.MAX_STEPS);
        double delta = SampleSizes.disagreementDelta(settings);
        assertThat(delta).isPositive();
        DisagreementBound bound = SampleSizes.fromUnlabelled(0.05, 1_000_000_000L, delta);
        assertThat(bound.upper()).isCloseTo(0.05 + Math.sqrt(-Math.log(delta) / 2e9), within(1e-12)).isLessThan(0.06);
        assertThat(SampleSizes.plan(settings, OptionalDouble.of(bound.upper())).labelledRows()).isPositive();
    }

    private static SampleSizePlan plan(String condition, double reliability, Adaptivity adaptivity, int steps, OptionalDouble bound) {
        return SampleSizes.plan(settings(condition, reliability, adaptivity, steps), bound);
    }

    private static GateSettings settings(String condition, double reliability, Adaptivity adaptivity, int steps) {
        return new GateSettings(GateCondition.parse(condition), reliability, Mode.FP_FREE, adaptivity, steps);
    }

    private static List<String[]> table() throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = SampleSizesTest.class.getResourceAsStream("/gates/sample-sizes.csv");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String header = reader.readLine();
            assertThat(header).isEqualTo("condition,reliability,adaptivity,steps,bound,clause,hoeffding,bennett,chosen,method,required,labelled");
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                rows.add(line.split(",", -1));
            }
        }
        return rows;
    }
}
