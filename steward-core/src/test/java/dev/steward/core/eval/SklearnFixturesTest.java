package dev.steward.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.steward.core.eval.ClassificationMetrics.Average;
import dev.steward.spi.StewardException;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.DoubleSupplier;
import java.util.stream.StreamSupport;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The evaluation metrics against scikit-learn 1.2.1 ({@code src/test/resources/eval/generate_metric_fixtures.py}
 * made the fixture file). Equal to 1e-9, relative to the value's size when it exceeds 1.
 */
class SklearnFixturesTest {
    private static JsonNode fixtures;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = SklearnFixturesTest.class.getResourceAsStream("/eval/metric_fixtures.json")) {
            fixtures = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build().readTree(in);
        }
    }

    @Test
    void classificationMetricsEqualScikitLearn() {
        SoftAssertions softly = new SoftAssertions();
        for (JsonNode c : fixtures.get("classification")) {
            String name = c.get("name").asText();
            int k = c.get("classes").asInt();
            int[] yTrue = ints(c.get("y_true"));
            int[] yPred = ints(c.get("y_pred"));
            JsonNode e = c.get("expected");
            check(softly, name, "accuracy", e, () -> ClassificationMetrics.accuracy(yTrue, yPred));
            check(softly, name, "balanced_accuracy", e, () -> ClassificationMetrics.balancedAccuracy(yTrue, yPred, k));
            for (Average average : Average.values()) {
                String suffix = "_" + average.name().toLowerCase(java.util.Locale.ROOT);
                if (e.has("precision" + suffix)) {
                    check(softly, name, "precision" + suffix, e, () -> ClassificationMetrics.precision(yTrue, yPred, k, average));
                    check(softly, name, "recall" + suffix, e, () -> ClassificationMetrics.recall(yTrue, yPred, k, average));
                    check(softly, name, "f1" + suffix, e, () -> ClassificationMetrics.f1(yTrue, yPred, k, average));
                }
            }
            long[][] matrix = ClassificationMetrics.confusionMatrix(yTrue, yPred, k);
            for (int t = 0; t < k; t++) {
                softly.assertThat(matrix[t]).as(name + " confusion row " + t).containsExactly(longs(e.get("confusion_matrix").get(t)));
            }
            if (!c.has("proba")) {
                continue;
            }
            double[][] proba = StreamSupport.stream(c.get("proba").spliterator(), false).map(SklearnFixturesTest::doubles).toArray(double[][]::new);
            check(softly, name, "log_loss", e, () -> ClassificationMetrics.logLoss(yTrue, proba, k));
            if (k == 2) {
                double[] score = java.util.Arrays.stream(proba).mapToDouble(row -> row[1]).toArray();
                check(softly, name, "roc_auc", e, () -> ClassificationMetrics.rocAuc(yTrue, score));
                check(softly, name, "average_precision", e, () -> ClassificationMetrics.averagePrecision(yTrue, score));
                check(softly, name, "pr_auc", e, () -> ClassificationMetrics.prAuc(yTrue, score));
                check(softly, name, "brier", e, () -> ClassificationMetrics.brier(yTrue, score));
                ClassificationMetrics.Calibration calibration = ClassificationMetrics.calibration(yTrue, score, 5);
                softly.assertThat(calibration.fractionPositive()).as(name + " calibration")
                        .containsExactly(doubles(e.at("/calibration/fraction_positive")), org.assertj.core.api.Assertions.within(1e-12));
                softly.assertThat(calibration.meanPredicted()).as(name + " calibration")
                        .containsExactly(doubles(e.at("/calibration/mean_predicted")), org.assertj.core.api.Assertions.within(1e-12));
            } else {
                check(softly, name, "roc_auc_ovr_macro", e, () -> ClassificationMetrics.rocAucOvr(yTrue, proba, k, Average.MACRO));
                check(softly, name, "roc_auc_ovr_weighted", e, () -> ClassificationMetrics.rocAucOvr(yTrue, proba, k, Average.WEIGHTED));
            }
        }
        softly.assertAll();
    }

    @Test
    void regressionMetricsEqualScikitLearn() {
        SoftAssertions softly = new SoftAssertions();
        for (JsonNode c : fixtures.get("regression")) {
            String name = c.get("name").asText();
            double[] yTrue = doubles(c.get("y_true"));
            double[] yPred = doubles(c.get("y_pred"));
            JsonNode e = c.get("expected");
            check(softly, name, "mse", e, () -> RegressionMetrics.mse(yTrue, yPred));
            check(softly, name, "rmse", e, () -> RegressionMetrics.rmse(yTrue, yPred));
            check(softly, name, "mae", e, () -> RegressionMetrics.mae(yTrue, yPred));
            check(softly, name, "r2", e, () -> RegressionMetrics.r2(yTrue, yPred));
            check(softly, name, "mape", e, () -> RegressionMetrics.mape(yTrue, yPred));
            check(softly, name, "explained_variance", e, () -> RegressionMetrics.explainedVariance(yTrue, yPred));
        }
        softly.assertAll();
    }

    @Test
    void foldsEqualKFoldAndStratifiedKFold() {
        for (JsonNode c : fixtures.get("folds")) {
            int[] labels = ints(c.get("labels"));
            int k = c.get("folds").asInt();
            assertThat(Folds.kFold(labels.length, k)).as(c.get("name").asText()).containsExactly(ints(c.get("kfold")));
            assertThat(Folds.stratified(labels, k)).as(c.get("name").asText()).containsExactly(ints(c.get("stratified")));
        }
    }

    @Test
    void crossValidationReportsMeanAndPopulationStd() {
        CrossValidationScore score = CrossValidationScore.of(new double[] {0.8, 0.9, 1.0});
        assertThat(score.mean()).isCloseTo(0.9, org.assertj.core.api.Assertions.within(1e-15));
        assertThat(score.std()).isCloseTo(Math.sqrt(2.0 / 300), org.assertj.core.api.Assertions.within(1e-15));
    }

    @Test
    void emptyAndMismatchedInputsAreClearErrors() {
        assertThatThrownBy(() -> ClassificationMetrics.accuracy(new int[0], new int[0])).isInstanceOf(StewardException.class)
                .hasMessageContaining("nothing to evaluate");
        assertThatThrownBy(() -> RegressionMetrics.mse(new double[] {1, 2}, new double[] {1})).isInstanceOf(StewardException.class)
                .hasMessageContaining("2 true values but 1 predictions");
        assertThatThrownBy(() -> ClassificationMetrics.precision(new int[] {0, 2}, new int[] {0, 1}, 3, Average.BINARY))
                .hasMessageContaining("needs two classes");
        assertThatThrownBy(() -> Folds.kFold(3, 5)).hasMessageContaining("cannot split 3 rows into 5 folds");
    }

    private static void check(SoftAssertions softly, String name, String metric, JsonNode expected, DoubleSupplier actual) {
        JsonNode e = expected.get(metric);
        if (e.has("error")) {
            try {
                double value = actual.getAsDouble();
                softly.fail(name + " " + metric + ": scikit-learn raised '" + e.get("error").asText() + "' but got " + value);
            } catch (StewardException ex) {
                softly.assertThat(ex.getMessage()).as(name + " " + metric).isNotBlank();
            }
            return;
        }
        double want = e.get("value").asDouble();
        double got = actual.getAsDouble();
        if (Double.isNaN(want)) {
            softly.assertThat(got).as(name + " " + metric).isNaN();
        } else {
            softly.assertThat(got).as(name + " " + metric).isCloseTo(want, org.assertj.core.api.Assertions.within(1e-9 * Math.max(1, Math.abs(want))));
        }
    }

    private static int[] ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
    }

    private static long[] longs(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToLong(JsonNode::asLong).toArray();
    }

    private static double[] doubles(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToDouble(JsonNode::asDouble).toArray();
    }
}
