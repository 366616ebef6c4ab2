package dev.steward.core.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.spi.serving.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReviewInputsTest {
    @Test
    void aRowsInputsAreOneValuePerColumnOrAListForAnInputOfSeveralElements() {
        List<Tensor> inputs = List.of(Tensor.column("island", new String[] {"Dream", "Biscoe"}),
                Tensor.column("beak_length_mm", new double[] {45.2, Double.NaN}),
                Tensor.of("float_input", new long[] {2, 3}, new float[] {1.5f, 2, 3, 4, 5, 6.25f}),
                Tensor.of("count", new long[] {2, 1}, new long[] {9_007_199_254_740_993L, 2}),
                Tensor.of("scalar", new long[] {}, new double[] {1}));

        assertThat(ReviewService.inputs(inputs, 2, 0)).isEqualTo("{\"island\":\"Dream\",\"beak_length_mm\":45.2,\"float_input\":[1.5,2.0,3.0],"
                + "\"count\":9007199254740993}");
        assertThat(ReviewService.inputs(inputs, 2, 1)).isEqualTo("{\"island\":\"Biscoe\",\"beak_length_mm\":null,\"float_input\":[4.0,5.0,6.25],"
                + "\"count\":2}");
    }
}
