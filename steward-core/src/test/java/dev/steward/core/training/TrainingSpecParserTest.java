package dev.steward.core.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.ColumnType;
import dev.steward.spi.data.DataFormat;
import dev.steward.spi.data.DatasetVersion;
import dev.steward.spi.data.ReadOptions;
import dev.steward.spi.training.Algorithm;
import dev.steward.spi.training.Hyperparameter;
import dev.steward.spi.training.Task;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Training specs: defaults filled in, and every mistake an error that names its field, before and against the schema. */
class TrainingSpecParserTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final TrainingSpecParser PARSER = new TrainingSpecParser(List.of(
            new Algorithm("forest", Set.of(Task.values()), List.of(Hyperparameter.integer("n_trees", 1, 500, 100, "trees"),
                    Hyperparameter.choice("criterion", List.of("gini", "entropy"), "gini", "split")), "a forest"),
            new Algorithm("linear", Set.of(Task.REGRESSION), List.of(), "least squares")));
    private static final String SPEC = """
            dataset: {name: penguins, version: 1}
            target: species
            task: multiclass_classification
            features: [island, bill, mass, sex, ring]
            preprocessing:
              - {step: impute, columns: [bill], strategy: median}
              - {step: standardize, columns: [bill, mass]}
              - {step: one_hot, columns: [island, sex, ring]}
            algorithm: {name: forest, hyperparameters: {n_trees: 20}}
            """;
    private static final DatasetVersion PENGUINS = new DatasetVersion("dsv_1", "penguins", 1, "0".repeat(64), 100, DataFormat.CSV, "p.csv", 344,
            List.of(column(0, "species", ColumnType.STRING, 3), column(1, "island", ColumnType.STRING, 3), column(2, "bill", ColumnType.FLOAT, 200),
                    column(3, "mass", ColumnType.INTEGER, 90), column(4, "sex", ColumnType.STRING, 2), column(5, "ring", ColumnType.INTEGER, 7),
                    column(6, "seen", ColumnType.DATE, 40), column(7, "id", ColumnType.STRING, 344)),
            Optional.empty(), Optional.empty(), Map.of(), Optional.of("id"), ReadOptions.detect(), DatasetVersion.ACTIVE, 0, "tok");

    @Test
    void aValidSpecGetsItsDefaultsAndItsPlan() throws Exception {
        TrainingSpec spec = PARSER.parse((ObjectNode) YAML.readTree(SPEC));
        assertThat(spec.hyperparameters()).isEqualTo(Map.of("n_trees", 20L, "criterion", "gini"));
        assertThat(spec.split()).isEqualTo(new TrainingSpec.Split(0.2, 0, true));
        assertThat(spec.metric()).isEqualTo(new TrainingSpec.Objective("accuracy", true));
        assertThat(spec.seed()).isEqualTo(42);

        TrainingPlan plan = TrainingPlan.resolve(spec, PENGUINS);
        assertThat(plan.features()).extracting(ColumnPlan::name).containsExactly("island", "bill", "mass", "sex", "ring");
        assertThat(plan.features()).extracting(ColumnPlan::categorical).containsExactly(true, false, false, true, true);
        assertThat(plan.estimatedFeatureCount()).isEqualTo(3 + 1 + 1 + 2 + 7);

        ObjectNode noFeatures = (ObjectNode) YAML.readTree(SPEC.replace("features: [island, bill, mass, sex, ring]\n", "").replaceAll("(?s)preprocessing:.*?algorithm", "algorithm"));
        assertThat(TrainingPlan.resolve(PARSER.parse(noFeatures), PENGUINS).features()).extracting(ColumnPlan::name)
                .as("every column but the target, the subject and dates").containsExactly("island", "bill", "mass", "sex", "ring");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "target: species|target: colour|target|no column 'colour'",
        "task: multiclass_classification|task: clustering|task|unknown task 'clustering'",
        "name: forest|name: boost|algorithm.name|unknown algorithm 'boost'; use one of forest, linear",
        "name: forest|name: linear|algorithm.name|linear cannot do multiclass_classification",
        "n_trees: 20|n_trees: 0|algorithm.hyperparameters.n_trees|between 1 and 500",
        "n_trees: 20|n_trees: 2.5|algorithm.hyperparameters.n_trees|whole number",
        "n_trees: 20|depth: 3|algorithm.hyperparameters.depth|unknown hyperparameter of forest",
        "n_trees: 20|criterion: variance|algorithm.hyperparameters.criterion|must be one of [gini, entropy]",
        "strategy: median|strategy: mode|preprocessing[0].strategy|unknown strategy 'mode'",
        "step: standardize|step: normalise|preprocessing[1].step|unknown step 'normalise'",
        "columns: [bill, mass]|columns: [bill, wings]|preprocessing[1].columns|'wings' is not a feature",
        "columns: [bill, mass]|columns: [bill, island]|preprocessing[1].step|standardize needs a numeric column, but 'island' is string",
        "columns: [island, sex, ring]|columns: [island, sex, bill]|preprocessing[2].step|one_hot needs categories, but 'bill' is a float column",
        "features: [island, bill, mass, sex, ring]|features: [island, seen]|features|'seen' is a date column",
        "features: [island, bill, mass, sex, ring]|features: [island, species]|features|the target 'species' cannot also be a feature",
        "task: multiclass_classification|task: binary_classification|task|exactly 2 classes, but 'species' has 3",
        "task: multiclass_classification|task: regression|task|regression needs a numeric target",
        "target: species\\ntask: multiclass_classification\\nfeatures: [island, bill, mass, sex, ring]|target: bill\\ntask: multiclass_classification\\nfeatures: [island]|task|'bill' is a float column",
        "dataset: {name: penguins, version: 1}|dataset: {name: penguins, version: 1, digest: abc}|dataset.digest|64 lowercase hex digits",
        "algorithm: {name: forest, hyperparameters: {n_trees: 20}}|algorithm: {name: forest, hyperparameters: {n_trees: 20}}\\nsplit: {holdout: 1.5}|split.holdout|between 0 and 1",
        "algorithm: {name: forest, hyperparameters: {n_trees: 20}}|algorithm: {name: forest, hyperparameters: {n_trees: 20}}\\nmetric: {name: rmse}|metric.name|'rmse' is not a metric of multiclass_classification",
        "algorithm: {name: forest, hyperparameters: {n_trees: 20}}|algorithm: {name: forest, hyperparameters: {n_trees: 20}}\\nepochs: 3|epochs|unknown key",
    })
    void mistakesNameTheirField(String from, String to, String field, String message) {
        assertThatThrownBy(() -> TrainingPlan.resolve(PARSER.parse((ObjectNode) YAML.readTree(SPEC.replace(from.replace("\\n", "\n"), to.replace("\\n", "\n")))), PENGUINS))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.field()).hasValue(field))
                .hasMessageContaining(message);
    }

    private static ColumnSummary column(int position, String name, ColumnType type, long distinct) {
        return new ColumnSummary(position, name, type, true, 0, distinct, Optional.empty(), Optional.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), Optional.empty());
    }
}
