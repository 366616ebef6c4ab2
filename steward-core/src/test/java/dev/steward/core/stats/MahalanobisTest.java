package dev.steward.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/** The Mahalanobis distance against SciPy's {@code mahalanobis} ({@code mahalanobis.csv}). */
class MahalanobisTest {
    @Test
    void distancesMatchScipy() {
        Map<String, Mahalanobis> models = new LinkedHashMap<>();
        references().forEach((name, rows) -> models.put(name, Mahalanobis.fit(rows)));
        assertThat(models).hasSize(6);
        SoftAssertions softly = new SoftAssertions();
        int checked = 0;
        for (Map<String, String> c : FixtureCsv.read("mahalanobis.csv")) {
            String name = c.get("case");
            double expected = FixtureCsv.number(c.get("distance"));
            double actual = models.get(name).distance(FixtureCsv.doubles(c.get("query")));
            softly.assertThat(FixtureCsv.close(actual, expected, 1e-9, 1e-9)).as(name + ": " + c.get("query") + " at " + actual + ", SciPy " + expected).isTrue();
            checked++;
        }
        softly.assertAll();
        assertThat(checked).isEqualTo(6 * 16);
    }

    @Test
    void aSingularCovarianceStillInvertsAndPunishesLeavingItsSubspace() {
        double[][] rows = new double[100][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new double[] {i, 2.0 * i, 5.0};
        }
        Mahalanobis model = Mahalanobis.fit(rows);
        assertThat(model.dimensions()).isEqualTo(3);
        assertThat(model.mean()).containsExactly(49.5, 99.0, 5.0);
        assertThat(model.distance(new double[] {49.5, 99, 5})).isZero();
        double along = model.distance(new double[] {60, 120, 5});
        double off = model.distance(new double[] {60, 100, 5});
        double constant = model.distance(new double[] {49.5, 99, 6});
        assertThat(along).isFinite().isLessThan(1);
        assertThat(off).isGreaterThan(100 * along);
        assertThat(constant).isCloseTo(1000, org.assertj.core.api.Assertions.within(1.0));
    }

    @Test
    void aMissingValueCountsAsTheMean() {
        SplittableRandom random = new SplittableRandom(5);
        double[][] rows = MaximumMeanDiscrepancyTest.gaussian(random, 200, 3, 1.0);
        Mahalanobis model = Mahalanobis.fit(rows);
        double[] mean = model.mean();
        assertThat(model.distance(new double[] {Double.NaN, 2.5, Double.NaN})).isEqualTo(model.distance(new double[] {mean[0], 2.5, mean[2]}));
        assertThat(model.distance(new double[] {Double.NaN, Double.NaN, Double.NaN})).isZero();
        rows[3][1] = Double.NaN;
        double sum = 0;
        for (double[] row : rows) {
            sum += Double.isNaN(row[1]) ? 0 : row[1];
        }
        assertThat(Mahalanobis.fit(rows).mean()[1]).isEqualTo(sum / 199);
    }

    @Test
    void bytesRoundTripExactlyAndCorruptBytesAreRefused() {
        Mahalanobis model = Mahalanobis.fit(MaximumMeanDiscrepancyTest.gaussian(new SplittableRandom(8), 300, 4, -2));
        byte[] bytes = model.toBytes();
        Mahalanobis copy = Mahalanobis.fromBytes(bytes);
        assertThat(copy.toBytes()).isEqualTo(bytes);
        assertThat(copy.rows()).isEqualTo(300);
        double[] x = {0.5, -1, 3, Double.NaN};
        assertThat(copy.distance(x)).isEqualTo(model.distance(x));
        assertThatThrownBy(() -> Mahalanobis.fromBytes(Arrays.copyOf(bytes, bytes.length - 8))).isInstanceOf(IllegalArgumentException.class);
        byte[] wrongFormat = bytes.clone();
        wrongFormat[0] = 9;
        assertThatThrownBy(() -> Mahalanobis.fromBytes(wrongFormat)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format");
        byte[] notFinite = bytes.clone();
        Arrays.fill(notFinite, bytes.length - 8, bytes.length, (byte) 0xFF);
        assertThatThrownBy(() -> Mahalanobis.fromBytes(notFinite)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
        assertThatThrownBy(() -> Mahalanobis.fromBytes(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    /** The serving path scores every request: a distance allocates nothing and a model serves many threads. */
    @Test
    void aDistanceAllocatesNothingAndAModelIsSharedBetweenThreads() {
        Mahalanobis model = Mahalanobis.fit(MaximumMeanDiscrepancyTest.gaussian(new SplittableRandom(13), 500, 5, 0));
        double[][] queries = MaximumMeanDiscrepancyTest.gaussian(new SplittableRandom(14), 1000, 5, 0.5);
        double[] sequential = Arrays.stream(queries).mapToDouble(model::distance).toArray();
        double[] parallel = IntStream.range(0, queries.length).parallel().mapToDouble(i -> model.distance(queries[i])).toArray();
        assertThat(parallel).containsExactly(sequential);

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        double sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += model.distance(queries[i % queries.length]);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 200_000; i++) {
            sink += model.distance(queries[i % queries.length]);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(sink).isPositive();
        assertThat(allocated).as("bytes allocated by 200,000 distances").isLessThan(1024);
    }

    @Test
    void refusesReferencesItCannotFit() {
        assertThatThrownBy(() -> Mahalanobis.fit(new double[][] {{1, 2}})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two rows");
        assertThatThrownBy(() -> Mahalanobis.fit(new double[][] {{1, 2}, {1}})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rows[1] has 1 values");
        assertThatThrownBy(() -> Mahalanobis.fit(new double[][] {{1, Double.NaN}, {2, Double.NaN}})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column 1");
        assertThatThrownBy(() -> Mahalanobis.fit(new double[][] {{1, Double.POSITIVE_INFINITY}, {2, 3}})).isInstanceOf(IllegalArgumentException.class);
        Mahalanobis model = Mahalanobis.fit(new double[][] {{1, 2}, {2, 5}, {0, 1}});
        assertThatThrownBy(() -> model.distance(new double[] {1})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 values where");
    }

    private static Map<String, double[][]> references() {
        Map<String, List<double[]>> rows = new LinkedHashMap<>();
        for (Map<String, String> row : FixtureCsv.read("mahalanobis_reference.csv")) {
            rows.computeIfAbsent(row.get("case"), k -> new ArrayList<>()).add(FixtureCsv.doubles(row.get("values")));
        }
        Map<String, double[][]> references = new LinkedHashMap<>();
        rows.forEach((name, list) -> references.put(name, list.toArray(double[][]::new)));
        return references;
    }
}
