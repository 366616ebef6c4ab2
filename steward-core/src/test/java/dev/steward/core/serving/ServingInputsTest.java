package dev.steward.core.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.core.training.ModelSignature;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Requests are checked against the version's signature, and every refusal names the input or column to fix. */
class ServingInputsTest {
    private final FakeModels models = new FakeModels();
    private final ServedModel model = new ServedModel(new VersionKey("m", 1), ModelSignature.of(FakeModels.manifest()),
            models.load("m/1".getBytes(StandardCharsets.UTF_8)));

    private static RequestInput.Tensors tensors(Tensor... tensors) {
        return new RequestInput.Tensors(List.of(tensors), Optional.empty(), Map.of());
    }

    private static Tensor x(double... values) {
        return Tensor.column("x", values);
    }

    private static Tensor colour(String... values) {
        return Tensor.column("colour", values);
    }

    private static AbstractThrowableAssert<?, ?> refused(Runnable decode, String field) {
        return assertThatThrownBy(decode::run).isInstanceOf(StewardException.class)
                .satisfies(e -> assertThat(((StewardException) e).field()).contains(field));
    }

    @Test
    void typedTensorsAreTakenInTheSignaturesOrderWithTheOutputsAskedFor() {
        ServedModel.Decoded decoded = model.decode(new RequestInput.Tensors(List.of(colour("red", "blue"), x(0.1, 0.2)), Optional.of(Set.of("label")),
                Map.of()), 10);

        assertThat(decoded.inputs()).extracting(Tensor::name).containsExactly("x", "colour");
        assertThat(decoded.rows()).isEqualTo(2);
        assertThat(decoded.outputs()).containsExactly("label");
        assertThat(model.decode(tensors(x(0.1), colour("red")), 10).outputs()).containsExactlyInAnyOrder("label", "probabilities");
    }

    @Test
    void typedTensorsThatDoNotFitTheSignatureAreRefusedNamingTheInput() {
        refused(() -> model.decode(tensors(x(0.1), colour("red"), Tensor.column("z", new double[] {1})), 10), "z")
                .hasMessage("model m/1 has no input 'z'; its inputs are [x, colour]");
        refused(() -> model.decode(tensors(x(0.1), x(0.2), colour("red")), 10), "x").hasMessage("input 'x' is given twice");
        refused(() -> model.decode(tensors(Tensor.of("x", new long[] {1, 1}, new float[] {0.1f}), colour("red")), 10), "x")
                .hasMessage("input 'x' takes FP64, not FP32");
        refused(() -> model.decode(tensors(Tensor.of("x", new long[] {1}, new double[] {0.1}), colour("red")), 10), "x")
                .hasMessage("input 'x' takes the shape [-1, 1] (-1: any size), not [1]");
        refused(() -> model.decode(tensors(Tensor.of("x", new long[] {1, 2}, new double[] {0.1, 0.2}), colour("red")), 10), "x")
                .hasMessage("input 'x' takes the shape [-1, 1] (-1: any size), not [1, 2]");
        refused(() -> model.decode(tensors(x(0.1)), 10), "colour").hasMessage("model m/1 needs the input 'colour', which the request does not give");
        refused(() -> model.decode(tensors(x(0.1, 0.2), colour("red")), 10), "colour")
                .hasMessage("input 'colour' has 1 rows, but 'x' has 2: every input needs one entry per row");
        refused(() -> model.decode(tensors(x(0.1, 0.2, 0.3), colour("red", "red", "red")), 2), "x")
                .hasMessage("the request holds 3 rows; the deployment takes at most 2 per request (limits.max_rows)");
        refused(() -> model.decode(tensors(x(), colour()), 2), "x").hasMessage("the request holds no rows");
        refused(() -> model.decode(tensors(x(0.1), colour("green")), 10), "colour")
                .hasMessageContaining("holds the category 'green', unseen in training, and the model refuses unknown categories");
        refused(() -> model.decode(new RequestInput.Tensors(List.of(x(0.1), colour("red")), Optional.of(Set.of("logits")), Map.of()), 10), "outputs")
                .hasMessage("model m/1 has no output 'logits'; its outputs are [label, probabilities]");
    }

    @Test
    void recordsFillTheInputsFromTheirColumnsWithMissingValuesAsTheSignatureSays() {
        ServedModel.Decoded decoded = model.decode(FakeModels.records(new Object[] {0.5, null, 3L}, new Object[] {"red", null, "blue"}), 10);

        assertThat(decoded.inputs().get(0).doubles()).containsExactly(0.5, Double.NaN, 3.0);
        assertThat(decoded.inputs().get(0).shape()).containsExactly(3, 1);
        assertThat(decoded.inputs().get(1).strings()).containsExactly("red", "", "blue");
        assertThat(decoded.outputs()).containsExactlyInAnyOrder("label", "probabilities");
        RequestInput.Table csv = new RequestInput.Table("body", List.of("colour", "x"), List.of(new Object[] {"blue", ""}, new Object[] {" 1e-1", ""}),
                2, true, Map.of());
        assertThat(model.decode(csv, 10).inputs().get(0).doubles()).containsExactly(0.1, Double.NaN);
        RequestInput.Table positional = new RequestInput.Table("instances", List.of(), List.of(new Object[] {0.25}, new Object[] {"red"}), 1, false,
                Map.of());
        assertThat(model.decode(positional, 10).inputs().get(0).doubles()).containsExactly(0.25);
    }

    @Test
    void recordsThatDoNotFitAreRefusedNamingTheColumn() {
        refused(() -> model.decode(new RequestInput.Table("records", List.of("x", "colour", "size"), List.of(new Object[] {0.1}, new Object[] {"red"},
                new Object[] {3L}), 1, false, Map.of()), 10), "size").hasMessage("model m/1 does not read the column 'size'; it reads [x, colour]");
        refused(() -> model.decode(new RequestInput.Table("records", List.of("x"), List.<Object[]>of(new Object[] {0.1}), 1, false, Map.of()), 10),
                "colour").hasMessage("model m/1 needs the column 'colour', which the request does not give");
        refused(() -> model.decode(FakeModels.records(new Object[] {"0.1"}, new Object[] {"red"}), 10), "x")
                .hasMessage("the column 'x' takes numbers, not the text \"0.1\"");
        refused(() -> model.decode(FakeModels.records(new Object[] {0.1}, new Object[] {7L}), 10), "colour")
                .hasMessage("the column 'colour' takes text, not the number 7 (send it as a JSON string)");
        refused(() -> model.decode(FakeModels.records(new Object[] {true}, new Object[] {"red"}), 10), "x")
                .hasMessage("the column 'x' takes numbers, not true");
        refused(() -> model.decode(FakeModels.records(new Object[] {0.1}, new Object[] {"purple"}), 10), "colour")
                .hasMessageContaining("'colour' holds the category 'purple', unseen in training");
        refused(() -> model.decode(FakeModels.records(new Object[] {0.1, 0.2}, new Object[] {"red", "red"}), 1), "records")
                .hasMessage("the request holds 2 rows; the deployment takes at most 1 per request (limits.max_rows)");
        refused(() -> model.decode(FakeModels.records(new Object[0], new Object[0]), 1), "records").hasMessage("the request holds no rows");
        refused(() -> model.decode(new RequestInput.Table("instances", List.of(), List.<Object[]>of(new Object[] {0.25}), 1, false, Map.of()), 10),
                "instances").hasMessage("each row holds 1 values; model m/1 reads 2 columns, in this order: [x, colour]");
        refused(() -> model.decode(new RequestInput.Table("body", List.of("x", "colour"), List.of(new Object[] {"ten"}, new Object[] {"red"}), 1,
                true, Map.of()), 10), "x").hasMessage("the column 'x' takes numbers, not \"ten\"");
    }
}
