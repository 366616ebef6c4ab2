package dev.steward.core.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnType;
import dev.steward.spi.serving.Datatype;
import dev.steward.spi.serving.ModelRuntime;
import dev.steward.spi.serving.Tensor;
import dev.steward.spi.training.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Rows become scores through a graph as the signature says, batch after batch: the probabilities
 * of each row in order, the predicted class, fixed-size batches padded, and bad rows refused
 * naming the row of the file they came from and the column.
 */
class PackageScorerTest {
    private static final ModelSignature CLASSIFIER = new ModelSignature(Task.BINARY_CLASSIFICATION, List.of(
            new ModelSignature.Input("size", Datatype.FP64, new long[] {-1, 1}, List.of("size"), List.of(), false),
            new ModelSignature.Input("colour", Datatype.BYTES, new long[] {-1, 1}, List.of("colour"), List.of("red", "blue"), true)),
            List.of(new ModelSignature.Output("probabilities", Datatype.FP64, new long[] {-1, 2}, Optional.of(ModelSignature.Role.PROBABILITIES))),
            List.of("small", "big"), Optional.of("label"));

    @Test
    void scoresEachRowInOrderAndPredictsTheMostProbableClass() {
        ColumnBatch batch = batch(101, new Object[] {1.0, 8L, null}, new Object[] {"red", null, "blue"});
        try (Graph graph = new Graph(0)) {
            PackageScorer scorer = new PackageScorer(CLASSIFIER, graph);
            double[] scores = scorer.score(batch, new int[] {0, 1, 2}, 3);

            assertThat(scorer.width()).isEqualTo(2);
            assertThat(scores).containsExactly(0.9, 0.1, 0.2, 0.8, 0.5, 0.5);
            assertThat(List.of(scorer.predictedClass(scores, 0), scorer.predictedClass(scores, 1), scorer.predictedClass(scores, 2)))
                    .as("the first of equal probabilities wins").containsExactly(0, 1, 0);
            assertThat(graph.sizes).containsExactly(3L);
        }
    }

    @Test
    void aGraphOfFixedBatchSizeGetsFullBatchesAndTheRepeatedRowsAreDropped() {
        ColumnBatch batch = batch(1, new Object[] {1.0, 3.0, 5.0}, new Object[] {"red", "red", "red"});
        try (Graph graph = new Graph(2)) {
            double[] scores = new PackageScorer(withFixedBatch(2), graph).score(batch, new int[] {0, 1, 2}, 3);

            assertThat(scores).containsExactly(0.9, 0.1, 0.7, 0.3, 0.5, 0.5);
            assertThat(graph.sizes).containsExactly(2L, 2L);
        }
    }

    @Test
    void unknownCategoriesAndUnrepresentableValuesAreRefusedNamingTheRowOfTheFileAndTheColumn() {
        ColumnBatch batch = batch(10_001, new Object[] {1.0, 2.0}, new Object[] {"red", "green"});
        try (Graph graph = new Graph(0)) {
            assertThatThrownBy(() -> new PackageScorer(CLASSIFIER, graph).score(batch, new int[] {0, 1}, 2))
                    .isInstanceOf(StewardException.class)
                    .hasMessage("row 10002: 'colour' holds the category 'green', unseen in training, and the model refuses unknown categories"
                            + " (handle_unknown: error)");
            assertThat(graph.sizes).as("nothing was scored").isEmpty();
        }
        ModelSignature counts = new ModelSignature(Task.REGRESSION, List.of(
                new ModelSignature.Input("n", Datatype.INT64, new long[] {-1, 1}, List.of("size"), List.of(), false)),
                List.of(new ModelSignature.Output("prediction", Datatype.FP64, new long[] {-1}, Optional.of(ModelSignature.Role.PREDICTION))),
                List.of(), Optional.empty());
        ColumnBatch halves = batch(7, new Object[] {1L, 2.5}, new Object[] {"red", "red"});
        try (Graph graph = new Graph(0)) {
            assertThatThrownBy(() -> new PackageScorer(counts, graph).score(halves, new int[] {0, 1}, 2))
                    .hasMessage("row 8: 'size' holds 2.5, which the model's INT64 input n cannot represent");
        }
    }

    @Test
    void theSchemaOfATableIsCheckedAgainstTheInputsNamingTheColumn() {
        Map<String, ColumnType> schema = new LinkedHashMap<>(Map.of("size", ColumnType.INTEGER, "colour", ColumnType.STRING));
        assertThat(CLASSIFIER.columnsToRead(schema, "'new.csv'")).containsExactly(Map.entry("size", false), Map.entry("colour", true));
        schema.put("size", ColumnType.STRING);
        assertThatThrownBy(() -> CLASSIFIER.columnsToRead(schema, "'new.csv'")).hasMessage("the model needs 'size' to be numeric (input size is"
                + " FP64), but in 'new.csv' it is string");
        schema.remove("size");
        assertThatThrownBy(() -> CLASSIFIER.columnsToRead(schema, "'new.csv'"))
                .hasMessage("the model needs the column 'size' (input size), which 'new.csv' does not have");
    }

    @Test
    void aBatchIsReusedAndCountsItsRowsFromTheFirstRowOfTheFile() {
        ColumnBatch batch = new ColumnBatch(Map.of("size", false, "colour", true), 2);
        batch.start(1);
        batch.column("size").accept(1L);
        batch.column("colour").accept(true);
        assertThatThrownBy(() -> batch.end(1 + 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("received 1 values");
        batch.end(1);
        assertThat(batch.numbers("size")[0]).isEqualTo(1.0);
        assertThat(batch.strings("colour")[0]).isEqualTo("true");
        batch.start(2);
        List<java.util.function.Consumer<Object>> columns = batch.columns(List.of("size", "colour"));
        columns.get(0).accept(null);
        columns.get(1).accept(null);
        batch.end(1);
        assertThat(batch.numbers("size")[0]).isNaN();
        assertThat(batch.strings("colour")[0]).isEmpty();
        assertThat(batch.rowNumber(0)).isEqualTo(2);
    }

    private static ModelSignature withFixedBatch(long size) {
        List<ModelSignature.Input> inputs = CLASSIFIER.inputs().stream().map(i -> new ModelSignature.Input(i.name(), i.datatype(),
                new long[] {size, 1}, i.columns(), i.categories(), i.refusesUnknownCategories())).toList();
        return new ModelSignature(CLASSIFIER.task(), inputs, CLASSIFIER.outputs(), CLASSIFIER.classes(), CLASSIFIER.target());
    }

    private static ColumnBatch batch(long firstRow, Object[] sizes, Object[] colours) {
        ColumnBatch batch = new ColumnBatch(Map.of("size", false, "colour", true), 4);
        batch.start(firstRow);
        for (int i = 0; i < sizes.length; i++) {
            batch.column("size").accept(sizes[i]);
            batch.column("colour").accept(colours[i]);
        }
        batch.end(sizes.length);
        return batch;
    }

    /** A graph written by hand: P(small) is 1 - size / 10 (0.5 for a missing size); records each call's rows. */
    private static final class Graph implements ModelRuntime.LoadedModel {
        final List<Long> sizes = new ArrayList<>();
        private final long fixed;

        Graph(long fixed) {
            this.fixed = fixed;
        }

        @Override
        public List<ModelRuntime.TensorInfo> inputs() {
            return List.of();
        }

        @Override
        public List<ModelRuntime.TensorInfo> outputs() {
            return List.of();
        }

        @Override
        public ModelRuntime.GraphMetadata metadata() {
            return new ModelRuntime.GraphMetadata("", "", "", "", 0, Map.of());
        }

        @Override
        public Map<String, Tensor> run(List<Tensor> inputs, Set<String> outputs) {
            Tensor first = inputs.get(0);
            long rows = first.dimension(0);
            assertThat(fixed == 0 || rows == fixed).as("a batch of the fixed size").isTrue();
            sizes.add(rows);
            String name = outputs.iterator().next();
            if (first.datatype() != Datatype.FP64) {
                return Map.of(name, Tensor.of(name, new long[] {rows}, new double[(int) rows]));
            }
            double[] probabilities = new double[(int) rows * 2];
            for (int i = 0; i < rows; i++) {
                double size = first.doubles()[i];
                double small = Double.isNaN(size) ? 0.5 : Math.round((1 - 0.1 * size) * 10) / 10.0;
                probabilities[2 * i] = small;
                probabilities[2 * i + 1] = Math.round((1 - small) * 10) / 10.0;
            }
            return Map.of(name, Tensor.of(name, new long[] {rows, 2}, probabilities));
        }

        @Override
        public void close() {
        }
    }
}
