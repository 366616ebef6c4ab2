package dev.steward.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.core.stats.FixtureCsv;
import dev.steward.spi.StewardException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Isotonic regression against scikit-learn's definition, written out in NumPy by
 * {@code docs/monitoring/fixtures.py} ({@code isotonic.csv}).
 */
class IsotonicRegressionTest {
    @Test
    void predictionsMatchTheReferenceInsideAndOutsideTheFittedRange() {
        Map<String, List<double[]>> points = new LinkedHashMap<>();
        for (Map<String, String> row : FixtureCsv.read("isotonic_samples.csv")) {
            points.computeIfAbsent(row.get("case"), k -> new ArrayList<>())
                    .add(new double[] {FixtureCsv.number(row.get("x")), FixtureCsv.number(row.get("y")), FixtureCsv.number(row.get("weight"))});
        }
        Map<String, IsotonicRegression> fits = new LinkedHashMap<>();
        points.forEach((name, list) -> fits.put(name, IsotonicRegression.fit(column(list, 0), column(list, 1), column(list, 2))));
        assertThat(fits).hasSize(6);
        SoftAssertions softly = new SoftAssertions();
        int checked = 0;
        for (Map<String, String> row : FixtureCsv.read("isotonic.csv")) {
            String name = row.get("case");
            double query = FixtureCsv.number(row.get("query"));
            double expected = FixtureCsv.number(row.get("expected"));
            double actual = fits.get(name).predict(query);
            softly.assertThat(FixtureCsv.close(actual, expected, 1e-9, 1e-12)).as(name + " at " + query + ": " + actual + ", reference " + expected).isTrue();
            checked++;
        }
        softly.assertAll();
        assertThat(checked).isGreaterThan(6 * 30);
    }

    @Test
    void aDecreasingSeriesPoolsIntoItsWeightedMeanAndNearEqualInputsPool() {
        IsotonicRegression fit = IsotonicRegression.fit(new double[] {1, 2, 3}, new double[] {3, 2, 1}, new double[] {1, 1, 2});
        assertThat(fit.values()).containsExactly(1.75, 1.75);
        assertThat(fit.thresholds()).containsExactly(1, 3);
        assertThat(fit.predict(-10)).isEqualTo(1.75);
        IsotonicRegression pooled = IsotonicRegression.fit(new double[] {0.3, Math.nextUp(0.3)}, new double[] {0, 1}, null);
        assertThat(pooled.thresholds()).containsExactly(0.3);
        assertThat(pooled.predict(0.9)).isEqualTo(0.5);
        assertThat(pooled.predict(Double.NaN)).isEqualTo(0.5);
        IsotonicRegression two = IsotonicRegression.fit(new double[] {0, 1}, new double[] {0, 1}, null);
        assertThat(two.predict(0.25)).isEqualTo(0.25);
        assertThat(two.predict(Double.NaN)).isNaN();
    }

    @Test
    void refusesPointsItCannotFit() {
        assertThatThrownBy(() -> IsotonicRegression.fit(new double[] {1, 2}, new double[] {1}, null)).isInstanceOf(StewardException.class)
                .hasMessageContaining("as many targets");
        assertThatThrownBy(() -> IsotonicRegression.fit(new double[] {1, Double.NaN}, new double[] {1, 2}, null)).isInstanceOf(StewardException.class)
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> IsotonicRegression.fit(new double[] {1, 2}, new double[] {1, 2}, new double[] {1, -1}))
                .isInstanceOf(StewardException.class).hasMessageContaining("non-negative");
        assertThatThrownBy(() -> IsotonicRegression.fit(new double[] {1, 2}, new double[] {1, 2}, new double[] {0, 0}))
                .isInstanceOf(StewardException.class).hasMessageContaining("positive weight");
        assertThatThrownBy(() -> IsotonicRegression.fit(new double[0], new double[0], null)).isInstanceOf(StewardException.class);
    }

    private static double[] column(List<double[]> rows, int k) {
        return rows.stream().mapToDouble(r -> r[k]).toArray();
    }
}
