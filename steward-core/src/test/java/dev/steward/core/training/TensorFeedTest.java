package dev.steward.core.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnSummary;
import dev.steward.spi.data.ColumnType;
import dev.steward.spi.serving.Datatype;
import dev.steward.spi.serving.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Dataset columns become typed tensors as the signature says: layout, casts, and what an input cannot represent. */
class TensorFeedTest {
    private static final int ROWS = 3;

    @Test
    void columnsSitSideBySideAlongTheSecondAxisCastToTheInputsDatatype() {
        TrainingTable table = table(Map.of("a", new Object[] {1.5, null, 3.0}, "b", new Object[] {10L, 20L, 30L}, "flag", new Object[] {true, false,
                true}, "colour", new Object[] {"red", null, "blue"}));
        List<Tensor> tensors = new TensorFeed(List.of(
                input("x", Datatype.FP32, new long[] {-1, 2}, "a", "b"),
                input("counts", Datatype.INT64, new long[] {-1}, "b"),
                input("small", Datatype.INT32, new long[] {-1, 1}, "b"),
                input("flags", Datatype.BOOL, new long[] {-1, 1}, "flag"),
                input("colours", Datatype.BYTES, new long[] {-1, 1}, "colour"),
                input("doubles", Datatype.FP64, new long[] {-1, 1}, "a")), table).batch(new int[] {2, 0, 1}, 3);

        assertThat(tensors.get(0).shape()).containsExactly(3, 2);
        assertThat(tensors.get(0).floats()).containsExactly(3.0f, 30f, 1.5f, 10f, Float.NaN, 20f);
        assertThat(tensors.get(1).shape()).containsExactly(3);
        assertThat(tensors.get(1).longs()).containsExactly(30, 10, 20);
        assertThat(tensors.get(2).ints()).containsExactly(30, 10, 20);
        assertThat(tensors.get(3).booleans()).containsExactly(true, true, false);
        assertThat(tensors.get(4).strings()).containsExactly("blue", "red", "");
        assertThat(tensors.get(5).doubles()).containsExactly(3.0, 1.5, Double.NaN);
    }

    @Test
    void integerAndBooleanInputsRefuseWhatTheyCannotRepresentNamingTheRowAndTheColumn() {
        TrainingTable table = table(Map.of("a", new Object[] {1.5, 2.0, 3.0}, "b", new Object[] {1L, null, 3L}, "flag", new Object[] {true, null,
                false}, "big", new Object[] {1L, 1L << 40, 3L}));
        int[] all = {0, 1, 2};
        assertThatThrownBy(() -> new TensorFeed(List.of(input("i", Datatype.INT64, new long[] {-1, 1}, "a")), table).batch(all, 3))
                .isInstanceOf(StewardException.class).hasMessageContaining("row 1: 'a' holds 1.5, which the model's INT64 input i cannot represent");
        assertThatThrownBy(() -> new TensorFeed(List.of(input("i", Datatype.INT64, new long[] {-1, 1}, "b")), table).batch(all, 3))
                .hasMessageContaining("row 2: 'b' has a missing value, which the model's INT64 input i cannot represent");
        assertThatThrownBy(() -> new TensorFeed(List.of(input("i", Datatype.INT32, new long[] {-1, 1}, "big")), table).batch(all, 3))
                .hasMessageContaining("row 2: 'big' holds 1.099511627776E12, which the model's INT32 input i cannot represent");
        assertThatThrownBy(() -> new TensorFeed(List.of(input("f", Datatype.BOOL, new long[] {-1, 1}, "flag")), table).batch(all, 3))
                .hasMessageContaining("row 2: 'flag' has a missing value, which the model's BOOL input f cannot represent");
        assertThat(new TensorFeed(List.of(input("i", Datatype.INT64, new long[] {-1, 1}, "b")), table).batch(new int[] {0, 2}, 2).get(0).longs())
                .as("rows without the missing value").containsExactly(1, 3);
    }

    private static ModelSignature.Input input(String name, Datatype datatype, long[] shape, String... columns) {
        return new ModelSignature.Input(name, datatype, shape, List.of(columns), List.of(), false);
    }

    /** A table filled the way a scan fills it: values as the reader hands them over (Double, Long, Boolean, String, null). */
    private static TrainingTable table(Map<String, Object[]> values) {
        Map<String, Boolean> kinds = new LinkedHashMap<>();
        values.forEach((name, column) -> kinds.put(name, Arrays.stream(column).anyMatch(v -> v instanceof String || v instanceof Boolean)));
        TrainingTable table = new TrainingTable(kinds, ROWS);
        int position = 0;
        for (Map.Entry<String, Object[]> e : values.entrySet()) {
            ColumnType type = Arrays.stream(e.getValue()).anyMatch(v -> v instanceof Boolean) ? ColumnType.BOOLEAN
                    : Arrays.stream(e.getValue()).anyMatch(v -> v instanceof String) ? ColumnType.STRING : ColumnType.FLOAT;
            Consumer<Object> sink = table.column(new ColumnSummary(position++, e.getKey(), type, true, 0, 0, Optional.empty(), Optional.empty(),
                    OptionalDouble.empty(), OptionalDouble.empty(), Optional.empty()));
            Arrays.stream(e.getValue()).forEach(sink);
        }
        return table;
    }
}
