package dev.steward.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The MMD against the NumPy reference of {@code docs/monitoring/fixtures.py} ({@code mmd.csv}), and
 * its permutation test's behaviour: calibrated under the null hypothesis, and catching a change in
 * correlation that no marginal shows.
 */
class MaximumMeanDiscrepancyTest {
    private static final double RELATIVE = 1e-9;

    @Test
    void bandwidthAndStatisticMatchTheNumpyReference() {
        Map<String, double[][][]> samples = samples();
        List<Map<String, String>> cases = FixtureCsv.read("mmd.csv");
        assertThat(cases).hasSize(7);
        SoftAssertions softly = new SoftAssertions();
        for (Map<String, String> c : cases) {
            String name = c.get("case");
            double[][] x = samples.get(name)[0];
            double[][] y = samples.get(name)[1];
            softly.assertThat(x.length).as(name + " rows of x").isEqualTo(Integer.parseInt(c.get("rows_x")));
            softly.assertThat(y.length).as(name + " rows of y").isEqualTo(Integer.parseInt(c.get("rows_y")));
            double bandwidth = MaximumMeanDiscrepancy.medianHeuristic(x, y);
            softly.assertThat(bandwidth).as(name + " bandwidth").isEqualTo(FixtureCsv.number(c.get("bandwidth")));
            double expected = FixtureCsv.number(c.get("mmd2"));
            double actual = MaximumMeanDiscrepancy.mmd2(x, y, bandwidth);
            softly.assertThat(FixtureCsv.close(actual, expected, RELATIVE, 1e-15)).as(name + " MMD² " + actual + " vs " + expected).isTrue();
            double fixed = FixtureCsv.number(c.get("fixed_bandwidth"));
            double expectedFixed = FixtureCsv.number(c.get("mmd2_fixed"));
            double actualFixed = MaximumMeanDiscrepancy.mmd2(x, y, fixed);
            softly.assertThat(FixtureCsv.close(actualFixed, expectedFixed, RELATIVE, 1e-15)).as(name + " MMD² at σ = " + fixed + ": " + actualFixed
                    + " vs " + expectedFixed).isTrue();
            MaximumMeanDiscrepancy.Result result = MaximumMeanDiscrepancy.test(x, y, 50, 7);
            softly.assertThat(result.statistic()).as(name + " test statistic").isEqualTo(actual);
            softly.assertThat(result.bandwidth()).as(name + " test bandwidth").isEqualTo(bandwidth);
            softly.assertThat(result.permutations()).isEqualTo(50);
            softly.assertThat(MaximumMeanDiscrepancy.test(x, y, fixed, 50, 7).statistic()).as(name + " test statistic at σ = " + fixed).isEqualTo(actualFixed);
        }
        softly.assertAll();
    }

    @Test
    void pValuesAreCalibratedUnderTheNullHypothesis() {
        SplittableRandom random = new SplittableRandom(20260512);
        int trials = 200;
        int rejected = 0;
        for (int t = 0; t < trials; t++) {
            double[][] x = gaussian(random, 60, 3, 0.0);
            double[][] y = gaussian(random, 60, 3, 0.0);
            MaximumMeanDiscrepancy.Result result = MaximumMeanDiscrepancy.test(x, y, 100, random.nextLong());
            assertThat(result.pValue()).isBetween(1.0 / 101, 1.0);
            if (result.pValue() <= 0.05) {
                rejected++;
            }
        }
        double rate = (double) rejected / trials;
        double bound = 0.05 + 3 * Math.sqrt(0.05 * 0.95 / trials);
        assertThat(rate).as("share of %d null trials with p <= 0.05 (bound %.4f)", trials, bound).isLessThanOrEqualTo(bound);
    }

    /**
     * x: 500 rows of a standard bivariate normal with ρ = 0; y: 500 rows with ρ = 0.8 whose
     * columns are then replaced, rank for rank, by x's values. Both samples have exactly the same
     * marginals (so each KS statistic is 0) and differ only in their dependence.
     */
    @Test
    void aCorrelationShiftWithEqualMarginalsIsCaughtByMmdAndNotByTheMarginalKsTests() {
        SplittableRandom random = new SplittableRandom(42);
        double[][] x = correlated(random, 500, 0.0);
        double[][] y = correlated(random, 500, 0.8);
        for (int k = 0; k < 2; k++) {
            int column = k;
            double[] values = Arrays.stream(x).mapToDouble(r -> r[column]).sorted().toArray();
            Integer[] order = new Integer[y.length];
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, (a, b) -> Double.compare(y[a][column], y[b][column]));
            for (int rank = 0; rank < order.length; rank++) {
                y[order[rank]][column] = values[rank];
            }
        }
        double correlation = 0;
        for (double[] row : y) {
            correlation += row[0] * row[1];
        }
        assertThat(correlation / y.length).as("y's correlation after matching the marginals").isGreaterThan(0.7);

        MaximumMeanDiscrepancy.Result result = MaximumMeanDiscrepancy.test(x, y, 200, 1);
        assertThat(result.pValue()).as("MMD p-value").isLessThan(0.01);
        double[] marginal = new double[2];
        for (int k = 0; k < 2; k++) {
            int column = k;
            marginal[k] = KolmogorovSmirnov.twoSample(Arrays.stream(x).mapToDouble(r -> r[column]).toArray(),
                    Arrays.stream(y).mapToDouble(r -> r[column]).toArray()).pValue();
        }
        double[] adjusted = MultipleTesting.BONFERRONI.adjust(marginal);
        assertThat(Arrays.stream(adjusted).min().orElseThrow()).as("smallest Bonferroni-adjusted KS p-value of the marginals %s", Arrays.toString(marginal))
                .isGreaterThan(0.05);
    }

    @Test
    void aMeanShiftIsCaughtAndTheResultIsTheSameOnOneThreadAsOnMany() throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        double[][] x = gaussian(random, 300, 4, 0.0);
        double[][] y = gaussian(random, 250, 4, 0.3);
        MaximumMeanDiscrepancy.Result parallel = MaximumMeanDiscrepancy.test(x, y, 203, 99);
        ForkJoinPool single = new ForkJoinPool(1);
        try {
            MaximumMeanDiscrepancy.Result sequential = single.submit(() -> MaximumMeanDiscrepancy.test(x, y, 203, 99)).get();
            assertThat(sequential).isEqualTo(parallel);
        } finally {
            single.shutdown();
        }
        assertThat(MaximumMeanDiscrepancy.test(x, y, 203, 99)).isEqualTo(parallel);
        assertThat(parallel.pValue()).isEqualTo(1.0 / 204);
        assertThat(parallel.statistic()).isPositive();
    }

    @Test
    void stoppingEarlyTakesTheFullTestsDecisionWithFewerPermutationsAndKeepsEveryPermutationOfADrift() {
        SplittableRandom random = new SplittableRandom(77);
        int trials = 200;
        int rejectedEarly = 0;
        long permutationsDone = 0;
        for (int t = 0; t < trials; t++) {
            double[][] x = gaussian(random, 60, 3, 0.0);
            double[][] y = gaussian(random, 60, 3, 0.0);
            long seed = random.nextLong();
            MaximumMeanDiscrepancy.Result full = MaximumMeanDiscrepancy.test(x, y, 200, seed);
            MaximumMeanDiscrepancy.Result early = MaximumMeanDiscrepancy.test(x, y, 200, seed, 0.05);
            assertThat(early.pValue() < 0.05).as("trial %d: full p %.4f, early p %.4f", t, full.pValue(), early.pValue())
                    .isEqualTo(full.pValue() < 0.05);
            assertThat(early.statistic()).isEqualTo(full.statistic());
            if (early.pValue() < 0.05) {
                rejectedEarly++;
                assertThat(early).as("a rejection runs every permutation").isEqualTo(full);
            }
            permutationsDone += early.permutations();
        }
        double rate = (double) rejectedEarly / trials;
        assertThat(rate).isLessThanOrEqualTo(0.05 + 3 * Math.sqrt(0.05 * 0.95 / trials));
        assertThat((double) permutationsDone / trials).as("permutations per null trial, of 200").isLessThan(80);

        double[][] x = gaussian(random, 300, 4, 0.0);
        double[][] shifted = gaussian(random, 250, 4, 0.3);
        MaximumMeanDiscrepancy.Result drift = MaximumMeanDiscrepancy.test(x, shifted, 203, 99, 0.05);
        assertThat(drift).isEqualTo(MaximumMeanDiscrepancy.test(x, shifted, 203, 99));
        assertThat(drift.permutations()).isEqualTo(203);
        assertThatThrownBy(() -> MaximumMeanDiscrepancy.test(x, shifted, 203, 99, 1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onALargePoolTheMedianIsSampledWithinItsRankError() {
        SplittableRandom random = new SplittableRandom(11);
        double[][] x = gaussian(random, 1600, 2, 0.0);
        double[][] y = gaussian(random, 1400, 2, 0.5);
        double sigma = MaximumMeanDiscrepancy.medianHeuristic(x, y);
        double[][] pooled = new double[3000][];
        System.arraycopy(x, 0, pooled, 0, 1600);
        System.arraycopy(y, 0, pooled, 1600, 1400);
        double[] all = new double[3000 * 2999 / 2];
        int k = 0;
        for (int i = 0; i < 3000; i++) {
            for (int j = i + 1; j < 3000; j++) {
                double a = pooled[i][0] - pooled[j][0];
                double b = pooled[i][1] - pooled[j][1];
                all[k++] = a * a + b * b;
            }
        }
        Arrays.sort(all);
        double median = 2 * sigma * sigma;
        int below = Arrays.binarySearch(all, median);
        double rank = (double) (below >= 0 ? below : -below - 1) / all.length;
        // The median of 2^20 sampled pairs: its rank has a standard deviation of 0.5 / 1024.
        assertThat(rank).as("rank of the sampled median among the %d exact pair distances", all.length).isBetween(0.495, 0.505);
    }

    @Test
    void identicalRowsFallBackToUnitBandwidth() {
        double[][] x = {{3, 3}, {3, 3}, {3, 3}};
        assertThat(MaximumMeanDiscrepancy.medianHeuristic(x, x)).isEqualTo(1.0);
        MaximumMeanDiscrepancy.Result result = MaximumMeanDiscrepancy.test(x, x, 20, 5);
        assertThat(result.statistic()).isZero();
        assertThat(result.pValue()).isEqualTo(1.0);
    }

    @Test
    void refusesInputsItCannotTest() {
        double[][] two = {{1, 2}, {3, 4}};
        assertThatThrownBy(() -> MaximumMeanDiscrepancy.test(new double[0][], two, 10, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least two rows");
        assertThatThrownBy(() -> MaximumMeanDiscrepancy.mmd2(new double[][] {{1, 2}}, two, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MaximumMeanDiscrepancy.medianHeuristic(two, new double[][] {{1, 2}, {3}})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("y[1] has 1 values where the rows have 2");
        assertThatThrownBy(() -> MaximumMeanDiscrepancy.mmd2(two, new double[][] {{1, Double.NaN}, {3, 4}}, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> MaximumMeanDiscrepancy.mmd2(two, two, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bandwidth");
        assertThatThrownBy(() -> MaximumMeanDiscrepancy.test(two, two, 0, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("permutations");
        assertThatThrownBy(() -> MaximumMeanDiscrepancy.test(two, two, Double.NaN, 10, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bandwidth");
        double[][] many = new double[MaximumMeanDiscrepancy.MAX_POOLED_ROWS][];
        Arrays.fill(many, new double[] {1});
        assertThatThrownBy(() -> MaximumMeanDiscrepancy.test(many, new double[][] {{1}, {2}}, 10, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most " + MaximumMeanDiscrepancy.MAX_POOLED_ROWS);
    }

    /** case → {x, y} from {@code mmd_samples.csv}. */
    private static Map<String, double[][][]> samples() {
        Map<String, List<double[]>> x = new LinkedHashMap<>();
        Map<String, List<double[]>> y = new LinkedHashMap<>();
        for (Map<String, String> row : FixtureCsv.read("mmd_samples.csv")) {
            (row.get("side").equals("x") ? x : y).computeIfAbsent(row.get("case"), k -> new ArrayList<>()).add(FixtureCsv.doubles(row.get("values")));
        }
        Map<String, double[][][]> samples = new LinkedHashMap<>();
        x.forEach((name, rows) -> samples.put(name, new double[][][] {rows.toArray(double[][]::new), y.get(name).toArray(double[][]::new)}));
        return samples;
    }

    static double[][] gaussian(SplittableRandom random, int n, int d, double shift) {
        double[][] rows = new double[n][d];
        for (double[] row : rows) {
            for (int k = 0; k < d; k++) {
                row[k] = shift + random.nextGaussian();
            }
        }
        return rows;
    }

    /** Standard normal pairs with correlation rho: both marginals N(0, 1). */
    static double[][] correlated(SplittableRandom random, int n, double rho) {
        double[][] rows = new double[n][2];
        double c = Math.sqrt(1 - rho * rho);
        for (double[] row : rows) {
            double a = random.nextGaussian();
            row[0] = a;
            row[1] = rho * a + c * random.nextGaussian();
        }
        return rows;
    }
}
