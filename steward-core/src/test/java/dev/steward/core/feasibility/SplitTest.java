package dev.steward.core.feasibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitTest {
    @Test
    void eachClassIsHeldOutInProportionAndEveryRowLandsOnOneSide() {
        // 90 rows of class 0, 10 of class 1, 1 of class 2.
        int[] labels = IntStream.range(0, 101).map(i -> i < 90 ? 0 : i < 100 ? 1 : 2).toArray();

        Split split = Split.stratified(labels, 3, 0.2, new Random(5));

        assertThat(Arrays.stream(split.test()).filter(r -> labels[r] == 0).count()).isEqualTo(18);
        assertThat(Arrays.stream(split.test()).filter(r -> labels[r] == 1).count()).isEqualTo(2);
        // A class of one row is trained on: there is nothing to hold it out against.
        assertThat(split.train()).contains(100);
        assertThat(IntStream.concat(Arrays.stream(split.train()), Arrays.stream(split.test())).sorted().toArray())
                .containsExactly(IntStream.range(0, 101).toArray());
        assertThat(split.test()).isSorted();
        assertThat(split.train()).isNotEqualTo(Arrays.stream(split.train()).sorted().toArray());
    }

    @Test
    void theSameSeedGivesTheSameSplit() {
        int[] labels = IntStream.range(0, 50).map(i -> i % 3).toArray();

        assertThat(Split.stratified(labels, 3, 0.2, new Random(9)).train()).containsExactly(Split.stratified(labels, 3, 0.2, new Random(9))
                .train());
        assertThat(Split.stratified(labels, 3, 0.2, new Random(9)).train()).isNotEqualTo(Split.stratified(labels, 3, 0.2, new Random(10))
                .train());
    }

    @Test
    void uniformLabelNoiseChangesALabelWithProbabilityRhoTimesTheShareOfOtherClasses() {
        int[] labels = new int[100_000];
        int[] noisy = LabelNoise.uniform(labels, 4, 0.4, new Random(1));

        double changed = Arrays.stream(noisy).filter(l -> l != 0).count() / (double) labels.length;
        // 0.4 * 3/4 = 0.3, and a standard deviation of sqrt(0.3 * 0.7 / 100000) = 0.0014.
        assertThat(changed).isEqualTo(0.3, within(0.006));
        assertThat(Arrays.stream(noisy).filter(l -> l == 3).count() / (double) labels.length).isEqualTo(0.1, within(0.006));
        assertThat(LabelNoise.uniform(labels, 4, 0, new Random(1))).containsOnly(0);
    }
}
