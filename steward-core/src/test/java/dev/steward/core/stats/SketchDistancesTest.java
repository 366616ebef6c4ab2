package dev.steward.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.Test;

/**
 * The sketch distances against the exact figures on the same samples: equal when the sketches
 * retain every value; within the bounds of {@link SketchDistances}' documentation, computed from
 * the sketches' own a-priori rank error ε (k = 200: 1.33% for one rank, 1.65% for a bin), on
 * samples of 10⁵ and 10⁶ values. KLL compacts with its own unseeded randomness, so the figures vary
 * from run to run inside those bounds (each holds with 99% confidence a priori; the errors seen
 * are a tenth of them).
 */
class SketchDistancesTest {
    private static final int K = 200;
    private static final int POINTS = 1000;

    @Test
    void onSketchesThatRetainEveryValueTheyEqualTheExactStatistics() {
        SplittableRandom random = new SplittableRandom(1);
        double[] a = draw(150, () -> Math.round(random.nextGaussian() * 100) / 100.0);
        double[] b = draw(120, () -> 0.3 + Math.round(random.nextGaussian() * 120) / 100.0);
        KllDoublesSketch sa = sketch(a);
        KllDoublesSketch sb = sketch(b);
        assertThat(sa.isEstimationMode()).isFalse();
        assertThat(SketchDistances.ksStatistic(sa, sb)).isCloseTo(KolmogorovSmirnov.twoSample(a, b).statistic(), within(1e-15));
        assertThat(SketchDistances.wasserstein(sa, sb)).isCloseTo(Distances.wasserstein(a, b), within(1e-12));
        double[] sorted = a.clone();
        Arrays.sort(sorted);
        QuantileBins bins = QuantileBins.fromSorted(sorted, 10);
        long[] counts = bins.histogram(b);
        double[] fractions = SketchDistances.fractions(sb, bins.edges());
        for (int i = 0; i < counts.length; i++) {
            assertThat(fractions[i]).as("bin %d", i).isCloseTo((double) counts[i] / b.length, within(1e-15));
        }
        assertThat(SketchDistances.histogram(sb, bins.edges())).containsExactly(counts);
        // A value on an edge falls in the bin above it, as in QuantileBins.
        double edge = bins.edges()[3];
        double[] onEdge = SketchDistances.fractions(sketch(new double[] {edge}), bins.edges());
        assertThat(onEdge[bins.bin(edge)]).isEqualTo(1.0);
        assertThat(bins.bin(edge)).isEqualTo(4);
        // On points ranks the integral converges to the exact one.
        assertThat(SketchDistances.wasserstein(sa, sb, 100_000)).isCloseTo(Distances.wasserstein(a, b), within(1e-3));
    }

    @Test
    void onLargeSamplesTheyStayWithinTheSketchesRankError() {
        SplittableRandom random = new SplittableRandom(20260512);
        check("10^5 normal vs shifted normal", draw(100_000, random::nextGaussian), draw(100_000, () -> 0.1 + random.nextGaussian()));
        check("10^6 normal vs wider normal", draw(1_000_000, random::nextGaussian), draw(1_000_000, () -> 1.3 * random.nextGaussian()));
        check("10^6 vs 10^5 exponentials, different rates", draw(1_000_000, () -> -Math.log(1 - random.nextDouble())),
                draw(100_000, () -> -0.8 * Math.log(1 - random.nextDouble())));
        check("10^5 identical distributions", draw(100_000, random::nextGaussian), draw(100_000, random::nextGaussian));
    }

    private static void check(String name, double[] a, double[] b) {
        KllDoublesSketch sa = sketch(a);
        KllDoublesSketch sb = sketch(b);
        assertThat(sa.isEstimationMode()).isTrue();
        double epsA = sa.getNormalizedRankError(false);
        double epsB = sb.getNormalizedRankError(false);
        double[] x = a.clone();
        double[] y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);

        double ks = KolmogorovSmirnov.twoSampleSorted(x, y).statistic();
        double sketchKs = SketchDistances.ksStatistic(sa, sb);
        assertThat(Math.abs(sketchKs - ks)).as("%s: KS %.5f from sketches vs %.5f exact (bound %.4f)", name, sketchKs, ks, epsA + epsB)
                .isLessThanOrEqualTo(epsA + epsB);

        double w = Distances.wassersteinSorted(x, y);
        double moved = quantileSpread(x, epsA) + quantileSpread(y, epsB);
        double onSketches = SketchDistances.wasserstein(sa, sb);
        assertThat(Math.abs(onSketches - w)).as("%s: Wasserstein %.5f between the sketches vs %.5f exact (bound %.4f)", name, onSketches, w, moved)
                .isLessThanOrEqualTo(moved);
        double onPoints = SketchDistances.wasserstein(sa, sb, POINTS);
        double discretisation = (x[x.length - 1] - x[0] + y[y.length - 1] - y[0]) / POINTS;
        assertThat(Math.abs(onPoints - w)).as("%s: Wasserstein %.5f on %d ranks vs %.5f exact (bound %.4f)", name, onPoints, POINTS, w, moved + discretisation)
                .isLessThanOrEqualTo(moved + discretisation);

        QuantileBins bins = QuantileBins.fromSorted(x, 10);
        double binError = sb.getNormalizedRankError(true);
        long[] counts = bins.histogram(y);
        double[] fractions = SketchDistances.fractions(sb, bins.edges());
        assertThat(Arrays.stream(fractions).sum()).isCloseTo(1.0, within(1e-12));
        for (int i = 0; i < counts.length; i++) {
            double exact = (double) counts[i] / y.length;
            assertThat(Math.abs(fractions[i] - exact)).as("%s: bin %d holds %.5f by the sketch vs %.5f exact (bound %.4f)", name, i, fractions[i], exact, binError)
                    .isLessThanOrEqualTo(binError);
        }
        assertThat(Arrays.stream(SketchDistances.histogram(sb, bins.edges())).sum()).isEqualTo(y.length);
    }

    /**
     * B(ε) = ∫₀¹ Q(min(1, u + ε)) − Q(max(0, u − ε)) du for the sample's exact quantile function:
     * how far the Wasserstein distance can move when every rank is off by at most ε.
     */
    private static double quantileSpread(double[] sorted, double eps) {
        int n = sorted.length;
        double[] prefix = new double[n + 1];
        for (int i = 0; i < n; i++) {
            prefix[i + 1] = prefix[i] + sorted[i];
        }
        double total = prefix[n] / n;
        return total - integral(sorted, prefix, eps) - integral(sorted, prefix, 1 - eps) + eps * (sorted[n - 1] - sorted[0]);
    }

    /** ∫₀ᵗ Q(u) du for the step quantile function Q(u) = sorted[ceil(u n) − 1]. */
    private static double integral(double[] sorted, double[] prefix, double t) {
        int n = sorted.length;
        double steps = t * n;
        int whole = (int) Math.floor(steps);
        double value = prefix[whole] / n;
        if (whole < n) {
            value += (steps - whole) / n * sorted[whole];
        }
        return value;
    }

    @Test
    void refusesEmptySketchesAndBadEdges() {
        KllDoublesSketch empty = KllDoublesSketch.newHeapInstance(K);
        KllDoublesSketch one = sketch(new double[] {1, 2, 3});
        assertThatThrownBy(() -> SketchDistances.ksStatistic(empty, one)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> SketchDistances.wasserstein(one, empty, 10)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("current");
        assertThatThrownBy(() -> SketchDistances.wasserstein(one, one, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("points");
        assertThatThrownBy(() -> SketchDistances.fractions(one, new double[] {2, 1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strictly increasing");
        assertThatThrownBy(() -> SketchDistances.fractions(one, new double[] {Double.NaN})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
        assertThat(SketchDistances.fractions(one, new double[0])).containsExactly(1.0);
        assertThat(SketchDistances.ksStatistic(one, one)).isZero();
        assertThat(SketchDistances.wasserstein(one, one, 7)).isZero();
    }

    private static double[] draw(int n, DoubleSupplier supplier) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = supplier.getAsDouble();
        }
        return values;
    }

    private static KllDoublesSketch sketch(double[] values) {
        KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(K);
        for (double v : values) {
            sketch.update(v);
        }
        return sketch;
    }
}
