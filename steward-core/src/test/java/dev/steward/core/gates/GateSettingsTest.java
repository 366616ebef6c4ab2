package dev.steward.core.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.steward.spi.StewardException;
import org.junit.jupiter.api.Test;

class GateSettingsTest {
    private static final GateCondition CONDITION = GateCondition.parse("n - o > 0.02 +/- 0.01");

    @Test
    void modesAndAdaptivitiesRoundTripTheirWireNames() {
        for (Mode mode : Mode.values()) {
            assertThat(Mode.parse(mode.wireName())).isEqualTo(mode);
        }
        for (Adaptivity adaptivity : Adaptivity.values()) {
            assertThat(Adaptivity.parse(adaptivity.wireName())).isEqualTo(adaptivity);
        }
        assertThat(Mode.parse(" FP-Free ")).isEqualTo(Mode.FP_FREE);
        assertThat(Adaptivity.parse("firstChange")).isEqualTo(Adaptivity.HYBRID);
        assertThat(Adaptivity.FULL.wireName()).isEqualTo("full");
        assertThat(Mode.FN_FREE.wireName()).isEqualTo("fn-free");
    }

    @Test
    void unknownNamesAreErrorsOfTheirFieldListingTheChoices() {
        assertThatThrownBy(() -> Mode.parse("fp"))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("mode"))
                .hasMessage("unknown mode 'fp': use fp-free (no false pass) or fn-free (no false fail)");
        assertThatThrownBy(() -> Adaptivity.parse("partial"))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("adaptivity"))
                .hasMessage("unknown adaptivity 'partial': use none, hybrid or full");
    }

    @Test
    void noneTellsTheSubmitterNothingWhileHybridAndFullTellEveryOutcome() {
        assertThat(Adaptivity.NONE.releases(true)).isFalse();
        assertThat(Adaptivity.NONE.releases(false)).isFalse();
        for (Adaptivity told : new Adaptivity[] {Adaptivity.HYBRID, Adaptivity.FULL}) {
            assertThat(told.releases(true)).isTrue();
            assertThat(told.releases(false)).isTrue();
        }
    }

    @Test
    void onlyAPassUnderHybridRetiresTheTestSetEarly() {
        assertThat(Adaptivity.HYBRID.endsBudget(true)).isTrue();
        assertThat(Adaptivity.HYBRID.endsBudget(false)).isFalse();
        for (Adaptivity adaptivity : new Adaptivity[] {Adaptivity.NONE, Adaptivity.FULL}) {
            assertThat(adaptivity.endsBudget(true)).isFalse();
            assertThat(adaptivity.endsBudget(false)).isFalse();
        }
    }

    @Test
    void fullAdaptivityCoversTwoToTheStepsHistoriesTheOthersTheSteps() {
        assertThat(Adaptivity.NONE.logHistories(32)).isEqualTo(Math.log(32));
        assertThat(Adaptivity.HYBRID.logHistories(32)).isEqualTo(Math.log(32));
        assertThat(Adaptivity.FULL.logHistories(32)).isEqualTo(32 * Math.log(2));
    }

    @Test
    void fpFreePassesOnlyClearPassesAndFnFreeFailsOnlyClearFails() {
        // threshold 0.1 with tolerance 0.01: [lower, upper] = estimate ± 0.01
        assertThat(Mode.FP_FREE.passes(Comparison.GREATER, 0.105, 0.125, 0.1)).isTrue();
        assertThat(Mode.FP_FREE.passes(Comparison.GREATER, 0.095, 0.115, 0.1)).isFalse();
        assertThat(Mode.FN_FREE.passes(Comparison.GREATER, 0.095, 0.115, 0.1)).isTrue();
        assertThat(Mode.FN_FREE.passes(Comparison.GREATER, 0.075, 0.095, 0.1)).isFalse();
        assertThat(Mode.FP_FREE.passes(Comparison.LESS, 0.075, 0.095, 0.1)).isTrue();
        assertThat(Mode.FP_FREE.passes(Comparison.LESS, 0.095, 0.115, 0.1)).isFalse();
        assertThat(Mode.FN_FREE.passes(Comparison.LESS, 0.095, 0.115, 0.1)).isTrue();
        assertThat(Mode.FN_FREE.passes(Comparison.LESS, 0.105, 0.125, 0.1)).isFalse();
    }

    @Test
    void settingsCheckReliabilityAndSteps() {
        assertThat(new GateSettings(CONDITION, 0.999, Mode.FP_FREE, Adaptivity.FULL, 32).delta()).isCloseTo(0.001, within(1e-15));
        for (double reliability : new double[] {0, 1, -0.5, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> new GateSettings(CONDITION, reliability, Mode.FP_FREE, Adaptivity.FULL, 32))
                    .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("reliability"));
        }
        for (int steps : new int[] {0, -1, 1025}) {
            assertThatThrownBy(() -> new GateSettings(CONDITION, 0.99, Mode.FP_FREE, Adaptivity.FULL, steps))
                    .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("steps"))
                    .hasMessage("must be between 1 and 1024, not " + steps);
        }
        assertThat(new GateSettings(CONDITION, 0.99, Mode.FP_FREE, Adaptivity.FULL, 1024).steps()).isEqualTo(1024);
    }

    @Test
    void settingsReadTheirWireForm() {
        GateSettings settings = GateSettings.of("n - o > 0.02 +/- 0.01", 0.9999, "fp-free", "full", 32);
        assertThat(settings.condition().clauses()).hasSize(1);
        assertThat(settings.mode()).isEqualTo(Mode.FP_FREE);
        assertThat(settings.adaptivity()).isEqualTo(Adaptivity.FULL);
        assertThatThrownBy(() -> GateSettings.of("n - o > 0.02 +/- 0.01", 0.9999, "fp-free", "always", 32))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("adaptivity"));
    }

    @Test
    void estimatesAreRatesOnAtLeastTheirLabelledRows() {
        assertThat(new Estimates(0, 0, 0.2, 0, 500).rows()).isEqualTo(500);
        assertThatThrownBy(() -> new Estimates(1.2, 0.8, 0.1, 10, 10))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("n"));
        assertThatThrownBy(() -> new Estimates(0.9, 0.8, Double.NaN, 10, 10))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("d"));
        assertThatThrownBy(() -> new Estimates(0.9, 0.8, 0.1, 10, 9))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("rows"));
        assertThatThrownBy(() -> new Estimates(0.9, 0.8, 0.1, -1, 9))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).contains("labelledRows"));
    }
}
