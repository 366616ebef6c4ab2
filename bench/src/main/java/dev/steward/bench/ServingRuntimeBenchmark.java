package dev.steward.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.core.training.ModelPackage;
import dev.steward.core.training.ModelSignature;
import dev.steward.core.training.TensorFeed;
import dev.steward.runtime.onnx.OnnxModelRuntime;
import dev.steward.spi.serving.ModelRuntime;
import dev.steward.spi.serving.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A served package in ONNX Runtime in process, with nothing around it: the floor under serving's
 * end-to-end latency. Loads a manifest and its graph (as a deployment serves them), feeds the
 * first penguin of the records protocols' request (through {@code TensorFeed}, as serving does)
 * and times {@code run} for every output, single-threaded: p50 and p99 of one row and of 64 rows,
 * with the serving threads ({@code OnnxModelRuntime.Threads.forServing}) and with ONNX Runtime's
 * defaults (a pool per session of one thread per core).
 * Usage: {@code Bench serving-runtime:<manifest>,<graph>}.
 */
public final class ServingRuntimeBenchmark {
    private static final int WARM_UP = 2_000;
    private static final int CALLS = 20_000;
    private static final Map<String, Object> PENGUIN = Map.of("island", "Torgersen", "beak_length_mm", 39.1, "beak_depth_mm", 18.7,
            "flipper_length_mm", 181.0, "body_mass_g", 3750.0, "sex", "MALE");

    private ServingRuntimeBenchmark() {}

    public static void main(String[] args) throws Exception {
        JsonNode manifest = ModelPackage.readManifest(Files.readAllBytes(Path.of(args[0])));
        byte[] graph = Files.readAllBytes(Path.of(args[1]));
        ModelSignature signature = ModelSignature.of(manifest);
        Set<String> outputs = Set.copyOf(signature.outputs().stream().map(ModelSignature.Output::name).toList());
        int cores = Runtime.getRuntime().availableProcessors();
        for (OnnxModelRuntime.Threads threads : List.of(OnnxModelRuntime.Threads.forServing(0, cores), OnnxModelRuntime.Threads.DEFAULT)) {
            try (ModelRuntime.LoadedModel model = new OnnxModelRuntime(threads).load(graph)) {
                for (int rows : new int[] {1, 64}) {
                    List<Tensor> inputs = inputs(signature, rows);
                    for (int i = 0; i < WARM_UP; i++) {
                        model.run(inputs, outputs);
                    }
                    int calls = rows == 1 ? CALLS : CALLS / 10;
                    long[] nanos = new long[calls];
                    for (int i = 0; i < calls; i++) {
                        long start = System.nanoTime();
                        model.run(inputs, outputs);
                        nanos[i] = System.nanoTime() - start;
                    }
                    Arrays.sort(nanos);
                    System.out.printf("onnxruntime in process, intra-op %s, spinning %s, %d row%s: p50 %.3f ms, p99 %.3f ms (%d calls)%n",
                            threads.intraOp() == 0 ? "default (" + cores + ")" : Integer.toString(threads.intraOp()), threads.spinning(), rows,
                            rows == 1 ? "" : "s", nanos[calls / 2] / 1e6, nanos[(int) (calls * 0.99)] / 1e6, calls);
                }
            }
        }
    }

    private static List<Tensor> inputs(ModelSignature signature, int rows) {
        Map<String, double[]> numbers = new HashMap<>();
        Map<String, String[]> strings = new HashMap<>();
        for (ModelSignature.Input input : signature.inputs()) {
            for (String column : input.columns()) {
                Object value = PENGUIN.get(column);
                if (TensorFeed.readsText(input.datatype())) {
                    String[] text = new String[rows];
                    Arrays.fill(text, String.valueOf(value));
                    strings.put(column, text);
                } else {
                    double[] number = new double[rows];
                    Arrays.fill(number, ((Number) value).doubleValue());
                    numbers.put(column, number);
                }
            }
        }
        int[] indexes = new int[rows];
        Arrays.setAll(indexes, i -> i);
        return TensorFeed.ofRequest(signature.inputs(), new TensorFeed.Columns() {
            @Override
            public double[] numbers(String column) {
                return numbers.get(column);
            }

            @Override
            public String[] strings(String column) {
                return strings.get(column);
            }
        }).batch(indexes, rows);
    }
}
