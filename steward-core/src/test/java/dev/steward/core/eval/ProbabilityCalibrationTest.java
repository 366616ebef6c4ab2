package dev.steward.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.steward.core.stats.FixtureCsv;
import dev.steward.spi.StewardException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/** Calibration against the NumPy reference of {@code docs/monitoring/fixtures.py} ({@code calibration.csv}). */
class ProbabilityCalibrationTest {
    private static final List<String> CLASSES = List.of("a", "b", "c", "d");

    @Test
    void calibratedRowsMatchTheReferenceAndTheAbsentClassKeepsItsRawValue() {
        ProbabilityCalibration calibration = reference();
        assertThat(calibration.classes()).isEqualTo(CLASSES);
        assertThat(calibration.calibrated("a")).isTrue();
        assertThat(calibration.calibrated("d")).as("d is never the true label").isFalse();
        assertThat(calibration.calibrated("e")).isFalse();
        SoftAssertions softly = new SoftAssertions();
        List<Map<String, String>> rows = FixtureCsv.read("calibration.csv");
        assertThat(rows).hasSize(42);
        for (Map<String, String> row : rows) {
            double[] raw = CLASSES.stream().mapToDouble(c -> FixtureCsv.number(row.get("p_" + c))).toArray();
            double[] expected = CLASSES.stream().mapToDouble(c -> FixtureCsv.number(row.get("expected_" + c))).toArray();
            double[] actual = calibration.calibrate(raw);
            for (int c = 0; c < CLASSES.size(); c++) {
                softly.assertThat(FixtureCsv.close(actual[c], expected[c], 1e-9, 1e-12))
                        .as(Arrays.toString(raw) + " class " + CLASSES.get(c) + ": " + actual[c] + ", reference " + expected[c]).isTrue();
            }
            softly.assertThat(Arrays.stream(actual).sum()).isCloseTo(1.0, within(1e-12));
        }
        softly.assertAll();
    }

    @Test
    void bytesRoundTripExactly() {
        ProbabilityCalibration calibration = reference();
        byte[] bytes = calibration.toBytes();
        ProbabilityCalibration copy = ProbabilityCalibration.fromBytes(bytes);
        assertThat(copy.toBytes()).isEqualTo(bytes);
        assertThat(copy.classes()).isEqualTo(CLASSES);
        assertThat(copy.calibrated("d")).isFalse();
        double[] row = {0.3, 0.2, 0.45, 0.05};
        assertThat(copy.calibrate(row)).containsExactly(calibration.calibrate(row));
        assertThatThrownBy(() -> ProbabilityCalibration.fromBytes(Arrays.copyOf(bytes, bytes.length - 3))).isInstanceOf(IllegalArgumentException.class);
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> ProbabilityCalibration.fromBytes(longer)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("after its end");
        byte[] format = bytes.clone();
        format[0] = 2;
        assertThatThrownBy(() -> ProbabilityCalibration.fromBytes(format)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format");
    }

    @Test
    void twoComplementaryClassesStayComplementary() {
        double[][] p = {{0.9, 0.1}, {0.8, 0.2}, {0.6, 0.4}, {0.3, 0.7}, {0.45, 0.55}, {0.1, 0.9}, {0.2, 0.8}};
        String[] truth = {"no", "yes", "no", "yes", "no", "yes", "yes"};
        ProbabilityCalibration calibration = ProbabilityCalibration.fit(List.of("no", "yes"), p, truth);
        for (double q = 0; q <= 1.0; q += 0.05) {
            double[] calibrated = calibration.calibrate(new double[] {1 - q, q});
            IsotonicRegression yes = IsotonicRegression.fit(Arrays.stream(p).mapToDouble(r -> r[1]).toArray(),
                    Arrays.stream(truth).mapToDouble(t -> t.equals("yes") ? 1 : 0).toArray(), null);
            assertThat(calibrated[1]).as("q = %s", q).isCloseTo(yes.predict(q), within(1e-12));
        }
    }

    @Test
    void badInputNamesTheArgument() {
        double[][] p = {{0.5, 0.5}, {0.2, 0.8}};
        assertThatThrownBy(() -> ProbabilityCalibration.fit(List.of("a"), p, new String[] {"a", "a"})).isInstanceOf(StewardException.class)
                .satisfies(field("classes"));
        assertThatThrownBy(() -> ProbabilityCalibration.fit(List.of("a", "a"), p, new String[] {"a", "a"})).isInstanceOf(StewardException.class)
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> ProbabilityCalibration.fit(List.of("a", "b"), p, new String[] {"a", "z"})).isInstanceOf(StewardException.class)
                .satisfies(field("truth")).hasMessageContaining("'z' is not one of the classes");
        assertThatThrownBy(() -> ProbabilityCalibration.fit(List.of("a", "b"), p, new String[] {"a"})).isInstanceOf(StewardException.class)
                .satisfies(field("truth"));
        assertThatThrownBy(() -> ProbabilityCalibration.fit(List.of("a", "b"), new double[][] {{0.5, 1.5}, {0.2, 0.8}}, new String[] {"a", "b"}))
                .isInstanceOf(StewardException.class).satisfies(field("probabilities")).hasMessageContaining("[0, 1]");
        ProbabilityCalibration calibration = ProbabilityCalibration.fit(List.of("a", "b"), p, new String[] {"a", "b"});
        assertThatThrownBy(() -> calibration.calibrate(new double[] {1})).isInstanceOf(StewardException.class).hasMessageContaining("needs 2 probabilities");
        assertThatThrownBy(() -> calibration.calibrate(new double[] {Double.NaN, 1})).isInstanceOf(StewardException.class);
    }

    @Test
    void aModelsFloat32ProbabilitiesAFewUlpsPastTheBoundsAreTakenAsTheBound() {
        // What a forest's float32 probabilities become once widened and summed: 1.0000000000000004, -1e-17.
        double[][] p = {{1.0000000000000004, -1e-17}, {0.2, 0.8}, {0.9, 0.1}, {0.3, 0.7}};
        ProbabilityCalibration calibration = ProbabilityCalibration.fit(List.of("a", "b"), p, new String[] {"a", "b", "a", "b"});
        double[] row = calibration.calibrate(new double[] {1.0000000000000004, -1e-17});
        assertThat(row[0] + row[1]).isCloseTo(1.0, within(1e-12));
        assertThat(row[0]).isBetween(0.0, 1.0);
        assertThat(row[1]).isBetween(0.0, 1.0);
        assertThatThrownBy(() -> calibration.calibrate(new double[] {1.001, 0})).isInstanceOf(StewardException.class).hasMessageContaining("[0, 1]");
    }

    static java.util.function.Consumer<Throwable> field(String name) {
        return e -> assertThat(((StewardException) e).field()).contains(name);
    }

    private static ProbabilityCalibration reference() {
        List<Map<String, String>> rows = FixtureCsv.read("calibration_reference.csv");
        double[][] probabilities = rows.stream().map(r -> CLASSES.stream().mapToDouble(c -> FixtureCsv.number(r.get(c))).toArray()).toArray(double[][]::new);
        String[] truth = rows.stream().map(r -> r.get("truth")).toArray(String[]::new);
        return ProbabilityCalibration.fit(CLASSES, probabilities, truth);
    }
}
