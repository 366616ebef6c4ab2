package dev.steward.core.feasibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BayesErrorTest {
    @Test
    void theLowerBoundIsZeroForAPerfectNeighbourAndChanceForAGuessingOne() {
        assertThat(BayesError.lowerBound(0, 2)).isZero();
        assertThat(BayesError.lowerBound(0.5, 2)).isEqualTo(0.5);
        assertThat(BayesError.lowerBound(2.0 / 3, 3)).isEqualTo(2.0 / 3, within(1e-15));
        // Beyond chance the square root's argument is negative: clamped, the bound stays at chance.
        assertThat(BayesError.lowerBound(0.9, 3)).isEqualTo(2.0 / 3, within(1e-15));
    }

    @Test
    void theLowerBoundOfTheAsymptotic1NnErrorOfTwoGaussiansIsCoverAndHarts() {
        // N(-1, 1) against N(1, 1), equal priors: R = E[2 eta (1 - eta)] = 0.2247998 (SciPy quad), BER = Phi(-1) = 0.1586553.
        double bound = BayesError.lowerBound(0.22479975460334672, 2);

        assertThat(bound).isEqualTo(0.12905509479394833, within(1e-12));
        assertThat(bound).isLessThan(0.15865525393145707);
    }

    @Test
    void aMultiClassBoundSolvesCoverAndHartsInequalityForTheBayesError() {
        // R <= B (2 - C/(C-1) B) with equality at the bound: plugging it back gives R.
        for (int classes : new int[] {2, 3, 10}) {
            for (double r = 0; r < BayesError.chance(classes); r += 0.05) {
                double b = BayesError.lowerBound(r, classes);
                assertThat(b * (2 - classes / (classes - 1.0) * b)).as("C=%d R=%f", classes, r).isEqualTo(r, within(1e-12));
                assertThat(b).isBetween(r / 2, r);
            }
        }
    }

    @Test
    void labelNoiseMovesTheBayesErrorLinearlyTowardsChance() {
        // FeeBee's Gaussians: BER 0.1587 becomes 0.2952 at rho = 0.4 and 0.4317 at rho = 0.8.
        assertThat(BayesError.withLabelNoise(0.15865525393145707, 0.4, 2)).isEqualTo(0.2952, within(5e-5));
        assertThat(BayesError.withLabelNoise(0.15865525393145707, 0.8, 2)).isEqualTo(0.4317, within(5e-5));
        assertThat(BayesError.withLabelNoise(0.1, 1, 4)).isEqualTo(0.75);
        assertThat(BayesError.withLabelNoise(0.1, 0, 4)).isEqualTo(0.1);
        assertThatThrownBy(() -> BayesError.withLabelNoise(0.1, 1.5, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wilsonIntervalsMatchTheTextbookValues() {
        // Wilson (1927) for 50 of 100 and 0 of 10 at 95%, worked out by hand: [0.4038, 0.5962] and [0, 0.2775].
        assertThat(BayesError.wilson(0.5, 100, 1.959964)).containsExactly(new double[] {0.4038, 0.5962}, within(5e-5));
        assertThat(BayesError.wilson(0, 10, 1.959964)).containsExactly(new double[] {0, 0.2775}, within(5e-5));
    }
}
