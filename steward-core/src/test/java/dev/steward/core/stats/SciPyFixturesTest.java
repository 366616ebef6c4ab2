package dev.steward.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.stream.StreamSupport;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The drift statistics against values computed by SciPy and NumPy
 * ({@code src/test/resources/stats/generate_drift_fixtures.py} made the fixture file).
 */
class SciPyFixturesTest {
    private static final double TOLERANCE = 1e-9;
    private static JsonNode fixtures;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = SciPyFixturesTest.class.getResourceAsStream("/stats/drift_fixtures.json")) {
            fixtures = new ObjectMapper().readTree(in);
        }
    }

    @Test
    void twoSampleKolmogorovSmirnovMatchesScipyKs2samp() {
        SoftAssertions softly = new SoftAssertions();
        for (JsonNode c : fixtures.get("ks_2samp")) {
            TestResult result = KolmogorovSmirnov.twoSample(sample(c, "a"), sample(c, "b"));
            softly.assertThat(result.statistic()).as(c.get("name").asText() + " statistic").isCloseTo(c.get("statistic").asDouble(), within(TOLERANCE));
            softly.assertThat(result.pValue()).as(c.get("name").asText() + " p-value").isCloseTo(c.get("pvalue").asDouble(), within(TOLERANCE));
        }
        softly.assertAll();
    }

    @Test
    void kolmogorovDistributionMatchesScipyKstwoOnEveryBranch() {
        SoftAssertions softly = new SoftAssertions();
        for (JsonNode c : fixtures.get("kstwo_sf")) {
            long n = c.get("n").asLong();
            double x = c.get("x").asDouble();
            softly.assertThat(KolmogorovDistribution.sf(n, x)).as("kstwo.sf(%s, %s)", x, n).isCloseTo(c.get("sf").asDouble(), within(TOLERANCE));
        }
        softly.assertAll();
    }

    @Test
    void chiSquaredMatchesScipyChi2Contingency() {
        SoftAssertions softly = new SoftAssertions();
        for (JsonNode c : fixtures.get("chi2_contingency")) {
            TestResult result = ChiSquaredTest.contingency(longs(c.get("a")), longs(c.get("b")));
            softly.assertThat(result.statistic()).as(c.get("name").asText() + " statistic").isCloseTo(c.get("statistic").asDouble(), within(TOLERANCE));
            softly.assertThat(result.pValue()).as(c.get("name").asText() + " p-value").isCloseTo(c.get("pvalue").asDouble(), within(TOLERANCE));
        }
        softly.assertAll();
    }

    @Test
    void quantileBinsPsiAndJensenShannonMatchNumpyAndScipy() {
        SoftAssertions softly = new SoftAssertions();
        for (JsonNode c : fixtures.get("binned")) {
            String name = c.get("name").asText();
            long[] reference = longs(c.get("reference_counts"));
            long[] current = longs(c.get("current_counts"));
            if (c.has("reference")) {
                double[] sorted = doubles(c.get("reference"));
                java.util.Arrays.sort(sorted);
                QuantileBins bins = QuantileBins.fromSorted(sorted, c.get("bins").asInt());
                softly.assertThat(bins.edges()).as(name + " edges").containsExactly(doubles(c.get("edges")));
                softly.assertThat(bins.histogram(doubles(c.get("reference")))).as(name + " reference histogram").containsExactly(reference);
                softly.assertThat(bins.histogram(doubles(c.get("current")))).as(name + " current histogram").containsExactly(current);
            }
            softly.assertThat(Distances.populationStability(reference, current)).as(name + " PSI").isCloseTo(c.get("psi").asDouble(), within(TOLERANCE));
            softly.assertThat(Distances.jensenShannon(reference, current)).as(name + " Jensen-Shannon")
                    .isCloseTo(c.get("jensenshannon").asDouble(), within(TOLERANCE));
        }
        softly.assertAll();
    }

    @Test
    void wassersteinMatchesScipyWassersteinDistance() {
        SoftAssertions softly = new SoftAssertions();
        for (JsonNode c : fixtures.get("wasserstein")) {
            double[] reference = doubles(c.get("reference"));
            double distance = Distances.wasserstein(reference, doubles(c.get("current")));
            softly.assertThat(distance).as(c.get("name").asText()).isCloseTo(c.get("distance").asDouble(), within(TOLERANCE));
            softly.assertThat(Moments.populationStd(reference)).as(c.get("name").asText() + " std")
                    .isCloseTo(c.get("reference_std").asDouble(), within(TOLERANCE));
        }
        softly.assertAll();
    }

    @Test
    void correctionsMatchBonferroniAndBenjaminiHochberg() {
        for (JsonNode c : fixtures.get("corrections")) {
            double[] p = doubles(c.get("p"));
            assertThat(MultipleTesting.BONFERRONI.adjust(p)).containsExactly(doubles(c.get("bonferroni")), within(TOLERANCE));
            assertThat(MultipleTesting.BENJAMINI_HOCHBERG.adjust(p)).containsExactly(doubles(c.get("bh")), within(TOLERANCE));
            assertThat(MultipleTesting.NONE.adjust(p)).containsExactly(p);
        }
    }

    private static double[] sample(JsonNode c, String name) {
        if (c.has(name)) {
            return doubles(c.get(name));
        }
        JsonNode spec = c.get(name + "_linear");
        int n = spec.get("n").asInt();
        double offset = spec.get("offset").asDouble();
        double scale = spec.get("scale").asDouble();
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = offset + scale * ((double) i / n);
        }
        return values;
    }

    private static double[] doubles(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToDouble(JsonNode::asDouble).toArray();
    }

    private static long[] longs(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToLong(JsonNode::asLong).toArray();
    }
}
