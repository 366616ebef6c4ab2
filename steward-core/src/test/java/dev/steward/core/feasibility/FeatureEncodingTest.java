package dev.steward.core.feasibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureEncodingTest {
    @Test
    void numbersAreStandardisedOnTheTrainingRowsAndMissingOnesImputedAndFlagged() {
        // Training rows 0-3: mean 2.5, sample standard deviation sqrt(5/3).
        FeatureColumn x = new FeatureColumn.Numeric("x", new double[] {1, 2, 3, 4, Double.NaN, 100, Double.POSITIVE_INFINITY});
        FeatureColumn complete = new FeatureColumn.Numeric("c", new double[] {1, 1, 1, 1, 1, 1, 1});
        FeatureEncoding encoding = FeatureEncoding.fit(List.of(x, complete), new int[] {0, 1, 2, 3});
        double sd = Math.sqrt(5.0 / 3);

        // x has no missing training value, so no flag; the constant column encodes to 0.
        assertThat(encoding.dimensions()).isEqualTo(2);
        assertThat(encoding.encode(new int[] {0, 3, 4, 5, 6})).containsExactly(new double[] {-1.5 / sd, 0, 1.5 / sd, 0, 0, 0,
                97.5 / sd, 0, 0, 0}, within(1e-12));

        FeatureEncoding flagged = FeatureEncoding.fit(List.of(x), new int[] {0, 1, 4});
        assertThat(flagged.dimensions()).isEqualTo(2);
        assertThat(flagged.encode(new int[] {0, 4, 6})).containsExactly(new double[] {-0.5 / Math.sqrt(0.5), 0, 0, 1, 0, 1}, within(1e-12));
    }

    @Test
    void categoriesBecomeIndicatorsWithOneForRareOnesAndOneForMissing() {
        String[] values = new String[30];
        for (int i = 0; i < 30; i++) {
            values[i] = "c" + (i < 8 ? 0 : i);
        }
        values[29] = null;
        FeatureEncoding encoding = FeatureEncoding.fit(List.of(new FeatureColumn.Categorical("k", values)), range(30));

        // 22 categories in training: the 20 most frequent (c0, then by name: c10 ... c28), one for the others (c8, c9), one for missing.
        assertThat(encoding.dimensions()).isEqualTo(FeatureEncoding.MAX_CATEGORIES + 2);
        double[] first = encoding.encode(new int[] {0});
        assertThat(first[0]).isEqualTo(1);
        assertThat(sum(first)).isEqualTo(1);
        double[] rare = encoding.encode(new int[] {9});
        assertThat(rare[FeatureEncoding.MAX_CATEGORIES]).isEqualTo(1);
        assertThat(sum(rare)).isEqualTo(1);
        double[] missing = encoding.encode(new int[] {29});
        assertThat(missing[FeatureEncoding.MAX_CATEGORIES + 1]).isEqualTo(1);
        assertThat(sum(missing)).isEqualTo(1);
    }

    @Test
    void aCategoryTrainingNeverSawSetsNoIndicator() {
        FeatureColumn colour = new FeatureColumn.Categorical("colour", new String[] {"red", "blue", "red", "green"});
        FeatureEncoding encoding = FeatureEncoding.fit(List.of(colour), new int[] {0, 1, 2});

        assertThat(encoding.dimensions()).isEqualTo(2);
        assertThat(encoding.encode(new int[] {0, 1, 3})).containsExactly(1, 0, 0, 1, 0, 0);
        assertThat(FeatureEncoding.maxWidth(false, 3)).isEqualTo(5);
        assertThat(FeatureEncoding.maxWidth(false, 500)).isEqualTo(22);
        assertThat(FeatureEncoding.maxWidth(true, 500)).isEqualTo(2);
    }

    private static int[] range(int n) {
        return java.util.stream.IntStream.range(0, n).toArray();
    }

    private static double sum(double[] values) {
        return java.util.Arrays.stream(values).sum();
    }
}
