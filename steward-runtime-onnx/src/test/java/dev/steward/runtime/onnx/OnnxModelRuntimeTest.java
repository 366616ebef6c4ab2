package dev.steward.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.Datatype;
import dev.steward.spi.serving.ModelRuntime;
import dev.steward.spi.serving.ModelRuntime.TensorInfo;
import dev.steward.spi.serving.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Typed tensors through real ONNX Runtime sessions, on graphs committed under
 * {@code src/test/resources/onnx} (written by {@code ExternalGraphFixtures} in
 * steward-train-tribuo): every datatype in and out, row-major data, shapes, and the errors that
 * name what is wrong.
 */
class OnnxModelRuntimeTest {
    private static final ModelRuntime RUNTIME = new OnnxModelRuntime(1);
    private static final Set<String> TENSOR_OUTPUTS = Set.of("f32_transposed", "f64_doubled", "i32_same", "i64_sum", "flag_negated", "text_same");
    private static ModelRuntime.LoadedModel typed;

    @BeforeAll
    static void load() throws IOException {
        typed = RUNTIME.load(resource("typed.onnx"));
    }

    @AfterAll
    static void close() {
        typed.close();
    }

    @Test
    void describesEveryInputAndOutputWithItsDatatypeAndShape() {
        assertThat(typed.inputs()).containsExactly(
                new TensorInfo("f32", "tensor(float)", new long[] {-1, 2}),
                new TensorInfo("f64", "tensor(double)", new long[] {-1}),
                new TensorInfo("i32", "tensor(int32)", new long[] {-1, 2}),
                new TensorInfo("i64", "tensor(int64)", new long[] {-1, 3}),
                new TensorInfo("flag", "tensor(bool)", new long[] {-1, 1}),
                new TensorInfo("text", "tensor(string)", new long[] {-1, 2}));
        assertThat(typed.inputs()).extracting(i -> i.datatype().orElseThrow())
                .containsExactly(Datatype.FP32, Datatype.FP64, Datatype.INT32, Datatype.INT64, Datatype.BOOL, Datatype.BYTES);
        assertThat(typed.outputs()).extracting(TensorInfo::name)
                .containsExactly("f32_transposed", "f64_doubled", "i32_same", "i64_sum", "flag_negated", "text_same", "f32_half");
        assertThat(typed.outputs().get(0).shape()).containsExactly(2, -1);
        TensorInfo half = typed.outputs().get(6);
        assertThat(half.onnxType()).isEqualTo("tensor(float16)");
        assertThat(half.datatype()).as("float16 is not a datatype Steward runs").isEmpty();
        assertThat(typed.metadata().producer()).isEqualTo("steward-test-fixtures");
        assertThat(typed.metadata().graphName()).isEqualTo("typed");
    }

    @Test
    void everyDatatypeMakesTheRoundTripRowMajor() {
        Map<String, Tensor> out = typed.run(inputs(3), TENSOR_OUTPUTS);
        assertThat(out.keySet()).as("in the graph's order").containsExactly("f32_transposed", "f64_doubled", "i32_same", "i64_sum",
                "flag_negated", "text_same");
        Tensor transposed = out.get("f32_transposed");
        assertThat(transposed.datatype()).isEqualTo(Datatype.FP32);
        assertThat(transposed.shape()).containsExactly(2, 3);
        assertThat(transposed.floats()).containsExactly(0f, 2f, 4f, 1f, 3f, 5f);
        assertThat(out.get("f64_doubled")).isEqualTo(Tensor.of("f64_doubled", new long[] {3}, new double[] {0.5, 2.5, Double.NaN}));
        assertThat(out.get("i32_same")).isEqualTo(Tensor.of("i32_same", new long[] {3, 2}, new int[] {-7, 0, Integer.MAX_VALUE, 1, 2, 3}));
        assertThat(out.get("i64_sum")).isEqualTo(Tensor.of("i64_sum", new long[] {3}, new long[] {(1L << 40) - 2, 12, -9}));
        assertThat(out.get("flag_negated")).isEqualTo(Tensor.of("flag_negated", new long[] {3, 1}, new boolean[] {true, false, true}));
        assertThat(out.get("text_same")).isEqualTo(Tensor.of("text_same", new long[] {3, 2}, new String[] {"a", "", "é ü", "d", "ß", "x y"}));
    }

    @Test
    void onlyTheRequestedOutputsAreComputedAndAnEmptyBatchRuns() {
        assertThat(typed.run(inputs(3), Set.of("i64_sum")).keySet()).containsExactly("i64_sum");
        Tensor empty = typed.run(inputs(0), Set.of("text_same")).get("text_same");
        assertThat(empty.shape()).containsExactly(0, 2);
        assertThat(empty.strings()).isEmpty();
    }

    @Test
    void inputsThatDoNotFitAreRefusedNamingTheInput() {
        List<Tensor> wrongType = new ArrayList<>(inputs(3));
        wrongType.set(0, Tensor.of("f32", new long[] {3, 2}, new double[6]));
        assertInvalid(() -> typed.run(wrongType, TENSOR_OUTPUTS), "inputs", "input 'f32' takes FP32 (tensor(float)), not FP64");

        List<Tensor> wrongShape = new ArrayList<>(inputs(3));
        wrongShape.set(3, Tensor.of("i64", new long[] {2, 2}, new long[4]));
        assertInvalid(() -> typed.run(wrongShape, TENSOR_OUTPUTS), "inputs", "input 'i64' takes the shape [-1, 3] (-1: any size), not [2, 2]");

        List<Tensor> missing = new ArrayList<>(inputs(3));
        missing.remove(5);
        assertInvalid(() -> typed.run(missing, TENSOR_OUTPUTS), "inputs", "needs the inputs [text]");

        List<Tensor> unknown = new ArrayList<>(inputs(3));
        unknown.add(Tensor.column("colour", new String[] {"red", "red", "blue"}));
        assertInvalid(() -> typed.run(unknown, TENSOR_OUTPUTS), "inputs", "no input 'colour'");

        List<Tensor> twice = new ArrayList<>(inputs(3));
        twice.add(twice.get(1));
        assertInvalid(() -> typed.run(twice, TENSOR_OUTPUTS), "inputs", "'f64' is given twice");

    }

    @Test
    void outputsThatAreNotTensorsOfADatatypeAreRefusedButTheOthersRun() throws IOException {
        assertInvalid(() -> typed.run(inputs(1), Set.of("f32_half")), "outputs", "'f32_half' is tensor(float16), which Steward cannot return");
        assertInvalid(() -> typed.run(inputs(1), Set.of("nothing")), "outputs", "no output 'nothing'");
        assertInvalid(() -> typed.run(inputs(1), Set.of()), "outputs", "ask for at least one of the outputs");
        try (ModelRuntime.LoadedModel zipmap = RUNTIME.load(resource("zipmap.onnx"))) {
            TensorInfo probabilities = zipmap.outputs().stream().filter(o -> o.name().equals("probabilities")).findFirst().orElseThrow();
            assertThat(probabilities.onnxType()).isEqualTo("seq(map(string,tensor(float)))");
            assertThat(probabilities.datatype()).isEmpty();
            assertInvalid(() -> zipmap.run(List.of(Tensor.of("x", new long[] {1, 2}, new float[] {0.25f, 0.75f})), Set.of("probabilities")),
                    "outputs", "is seq(map(string,tensor(float)))");
            Tensor same = zipmap.run(List.of(Tensor.of("x", new long[] {1, 2}, new float[] {0.25f, 0.75f})), Set.of("x_same")).get("x_same");
            assertThat(same.floats()).containsExactly(0.25f, 0.75f);
        }
    }

    @Test
    void bytesThatAreNotAGraphAreRefusedWithOnnxRuntimesError() {
        assertInvalid(() -> RUNTIME.load("not a graph".getBytes(StandardCharsets.UTF_8)), "model", "ONNX Runtime cannot load the model");
    }

    @Test
    void tensorsCheckTheirDataAgainstTheirShapeAndDatatype() {
        assertThatThrownBy(() -> Tensor.of("x", new long[] {2, 2}, new float[3])).hasMessageContaining("needs 4 elements, not 3");
        assertThatThrownBy(() -> new Tensor("x", Datatype.INT64, new long[] {1}, new int[1])).hasMessageContaining("must be long[], not int[]");
        assertThatThrownBy(() -> Tensor.of("x", new long[] {-1}, new float[0])).hasMessageContaining("negative dimension");
        assertThatThrownBy(() -> Tensor.column("x", new double[1]).floats()).hasMessageContaining("is FP64, not FP32");
    }

    /** {@code rows} rows of every input of the typed graph (at most 3 distinct ones, repeated). */
    private static List<Tensor> inputs(int rows) {
        float[] f32 = new float[rows * 2];
        double[] f64 = new double[rows];
        int[] i32 = new int[rows * 2];
        long[] i64 = new long[rows * 3];
        boolean[] flag = new boolean[rows];
        String[] text = new String[rows * 2];
        double[] doubles = {0.25, 1.25, Double.NaN};
        int[][] ints = {{-7, 0}, {Integer.MAX_VALUE, 1}, {2, 3}};
        long[][] longs = {{1L << 40, -1, -1}, {3, 4, 5}, {-10, 0, 1}};
        String[][] strings = {{"a", ""}, {"é ü", "d"}, {"ß", "x y"}};
        for (int r = 0; r < rows; r++) {
            int s = r % 3;
            f32[2 * r] = 2 * r;
            f32[2 * r + 1] = 2 * r + 1;
            f64[r] = doubles[s];
            System.arraycopy(ints[s], 0, i32, 2 * r, 2);
            System.arraycopy(longs[s], 0, i64, 3 * r, 3);
            flag[r] = s == 1;
            System.arraycopy(strings[s], 0, text, 2 * r, 2);
        }
        return List.of(Tensor.of("f32", new long[] {rows, 2}, f32), Tensor.of("f64", new long[] {rows}, f64), Tensor.of("i32", new long[] {rows, 2}, i32),
                Tensor.of("i64", new long[] {rows, 3}, i64), Tensor.of("flag", new long[] {rows, 1}, flag), Tensor.of("text", new long[] {rows, 2}, text));
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StewardException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
            assertThat(e.field()).contains(field);
            assertThat(e.getMessage()).contains(message);
        });
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = OnnxModelRuntimeTest.class.getResourceAsStream("/onnx/" + name)) {
            assertThat(in).as("fixture " + name).isNotNull();
            return in.readAllBytes();
        }
    }
}
