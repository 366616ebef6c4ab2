package dev.steward.core.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.ColumnType;
import dev.steward.spi.training.FittedColumn;
import dev.steward.spi.training.FittedStep;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Fitted preprocessing equals scikit-learn's SimpleImputer, StandardScaler, MinMaxScaler,
 * KBinsDiscretizer (quantile, ordinal) and OneHotEncoder (handle_unknown=ignore); the values are
 * those printed by {@code src/test/resources/training/preprocessing_reference.py}.
 */
class PreprocessorTest {
    private static final Object[] X = {3.0, 1.0, null, 7.0, 2.0, 2.0, 10.0, null, 5.0};
    private static final int[] ALL = IntStream.range(0, X.length).toArray();

    @Test
    void imputationMatchesSimpleImputer() {
        assertThat(imputed("mean")).isCloseTo(4.285714285714286, within(1e-15));
        assertThat(imputed("median")).isEqualTo(3.0);
        assertThat(imputed("most_frequent")).isEqualTo(2.0);
    }

    @Test
    void scalingAndBucketsMatchScikitLearn() {
        assertThat(transform(step("standardize"))).containsExactly(new double[] {-0.4843098022505682, -1.2376806057514522, 0.0, 1.0224318047511998,
                -0.8609952040010102, -0.8609952040010102, 2.152488010002526, 0.0, 0.26906100125031573}, within(1e-15));
        assertThat(transform(step("min_max"))).containsExactly(new double[] {0.2222222222222222, 0.0, 0.36507936507936506, 0.6666666666666665,
                0.1111111111111111, 0.1111111111111111, 1.0, 0.36507936507936506, 0.4444444444444445}, within(1e-15));
        TrainingSpec.Step buckets = new TrainingSpec.Step(0, "bucketize", List.of("x"), Optional.empty(), Optional.empty(), OptionalInt.of(4),
                Optional.empty(), false);
        FittedColumn fitted = fit(numeric(buckets)).get(0);
        assertThat(((FittedStep.Bucketize) fitted.steps().get(1)).boundaries()).containsExactly(new double[] {2.0, 4.285714285714286, 5.0},
                within(1e-15));
        assertThat(transform(buckets)).containsExactly(1.0, 0.0, 2.0, 3.0, 1.0, 1.0, 3.0, 2.0, 3.0);
    }

    @Test
    void categoriesAreImputedWithTheMostFrequentAndUnknownOnesGiveZeros() {
        ColumnSummary colour = summary("colour", ColumnType.STRING);
        TrainingTable table = new TrainingTable(Map.of("colour", true), 8);
        Consumer<Object> sink = table.column(colour);
        Arrays.asList("red", "blue", null, "red", "green", "blue", "blue", "purple").forEach(sink);
        TrainingSpec.Step impute = new TrainingSpec.Step(0, "impute", List.of("colour"), Optional.of("most_frequent"), Optional.empty(),
                OptionalInt.empty(), Optional.empty(), false);
        ColumnPlan plan = new ColumnPlan(colour, true, List.of(impute));
        List<FittedColumn> fitted = Preprocessor.fit(List.of(plan), table, IntStream.range(0, 7).toArray());

        assertThat(fitted.get(0).steps()).containsExactly(new FittedStep.ImputeCategory("most_frequent", "blue"),
                new FittedStep.OneHot(List.of("blue", "green", "red"), false));
        assertThat(fitted.get(0).featureNames()).containsExactly("colour=blue", "colour=green", "colour=red");
        double[][] features = Preprocessor.transform(fitted, table, new int[] {2, 4, 7});
        assertThat(features[0]).containsExactly(1, 0, 0);
        assertThat(features[1]).containsExactly(0, 1, 0);
        assertThat(features[2]).as("a category unseen in training").containsExactly(0, 0, 0);
    }

    private static double imputed(String strategy) {
        TrainingSpec.Step impute = new TrainingSpec.Step(0, "impute", List.of("x"), Optional.of(strategy), Optional.empty(), OptionalInt.empty(),
                Optional.empty(), false);
        return ((FittedStep.Impute) fit(numeric(impute)).get(0).steps().get(0)).value();
    }

    private static TrainingSpec.Step step(String kind) {
        return new TrainingSpec.Step(0, kind, List.of("x"), Optional.empty(), Optional.empty(), OptionalInt.empty(), Optional.empty(), false);
    }

    private static ColumnPlan numeric(TrainingSpec.Step step) {
        return new ColumnPlan(summary("x", ColumnType.FLOAT), false, List.of(step));
    }

    private static List<FittedColumn> fit(ColumnPlan plan) {
        return Preprocessor.fit(List.of(plan), table(), ALL);
    }

    private static double[] transform(TrainingSpec.Step step) {
        TrainingTable table = table();
        List<FittedColumn> fitted = Preprocessor.fit(List.of(numeric(step)), table, ALL);
        return Arrays.stream(Preprocessor.transform(fitted, table, ALL)).mapToDouble(row -> row[0]).toArray();
    }

    private static TrainingTable table() {
        TrainingTable table = new TrainingTable(Map.of("x", false), X.length);
        Consumer<Object> sink = table.column(summary("x", ColumnType.FLOAT));
        Arrays.stream(X).forEach(sink);
        return table;
    }

    private static ColumnSummary summary(String name, ColumnType type) {
        return new ColumnSummary(0, name, type, true, 0, 0, Optional.empty(), Optional.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                Optional.empty());
    }
}
