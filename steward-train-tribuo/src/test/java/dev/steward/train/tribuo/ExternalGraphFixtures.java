package dev.steward.train.tribuo;

import static dev.steward.train.tribuo.OnnxGraph.ML;
import static dev.steward.train.tribuo.OnnxGraph.intAttr;
import static dev.steward.train.tribuo.OnnxGraph.intsAttr;
import static dev.steward.train.tribuo.OnnxGraph.stringsAttr;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the committed ONNX fixtures of graphs Steward did not train: shaped like what skl2onnx
 * exports (ai.onnx.ml {@code Imputer}, {@code Scaler}, {@code LinearClassifier}, optionally
 * {@code ZipMap}) under a signature of their own, and small graphs of every datatype for the
 * runtime's tests. Run from the repository root with
 * {@code mvn -o -q -pl steward-train-tribuo -am test -Dtest=ExternalGraphFixtures -Dsurefire.failIfNoSpecifiedTests=false
 * -Dsteward.fixtures.write=$PWD}; the output is deterministic, so a rerun changes nothing.
 */
class ExternalGraphFixtures {
    private static final List<String> MEASUREMENTS = List.of("beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @EnabledIfSystemProperty(named = "steward.fixtures.write", matches = ".+")
    void writesTheFixtures() throws IOException {
        Path root = Path.of(System.getProperty("steward.fixtures.write"));
        Path external = root.resolve("steward-server/src/test/resources/model/external");
        Path runtime = root.resolve("steward-runtime-onnx/src/test/resources/onnx");
        Files.createDirectories(external);
        Files.createDirectories(runtime);
        Linear model = Linear.fit(Files.readAllLines(root.resolve("steward-server/src/test/resources/data/penguins.csv")));
        assertThat(model.accuracy).as("the fixture must be a genuinely good model").isGreaterThan(0.95);
        byte[] linear = penguins(model, false, -1);
        Files.write(external.resolve("penguins-linear.onnx"), linear);
        Files.write(external.resolve("mlflow-onnx/model.onnx"), linear);
        Files.write(external.resolve("penguins-zipmap.onnx"), penguins(model, true, -1));
        Files.write(external.resolve("penguins-batch5.onnx"), penguins(model, false, 5));
        Files.write(external.resolve("penguins-linear.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(model.json()));
        Files.write(runtime.resolve("typed.onnx"), typed());
        Files.write(runtime.resolve("zipmap.onnx"), zipmap());
    }

    /**
     * A Gaussian classifier with one diagonal covariance shared by the classes, on standardised
     * measurements: linear in them, so a {@code LinearClassifier} with a softmax gives its
     * posterior exactly. Fitted in closed form on every penguin with a species.
     */
    record Linear(List<String> classes, double[] means, double[] scales, double[][] coefficients, double[] intercepts, double accuracy) {
        static Linear fit(List<String> lines) {
            List<String> header = List.of(lines.get(0).split(","));
            List<double[]> rows = new ArrayList<>();
            List<String> species = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",", -1);
                double[] x = new double[MEASUREMENTS.size()];
                for (int j = 0; j < x.length; j++) {
                    String cell = cells[header.indexOf(MEASUREMENTS.get(j))];
                    x[j] = cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
                }
                rows.add(x);
                species.add(cells[header.indexOf("species")]);
            }
            int f = MEASUREMENTS.size();
            double[] means = new double[f];
            double[] scales = new double[f];
            for (int j = 0; j < f; j++) {
                int jj = j;
                double[] present = rows.stream().mapToDouble(r -> r[jj]).filter(v -> !Double.isNaN(v)).toArray();
                double mean = java.util.Arrays.stream(present).average().orElseThrow();
                means[j] = mean;
                scales[j] = 1 / Math.sqrt(java.util.Arrays.stream(present).map(v -> (v - mean) * (v - mean)).sum() / present.length);
            }
            List<String> classes = species.stream().distinct().sorted().toList();
            int k = classes.size();
            double[][] classMeans = new double[k][f];
            int[] counts = new int[k];
            double[][] z = new double[rows.size()][f];
            for (int i = 0; i < rows.size(); i++) {
                for (int j = 0; j < f; j++) {
                    double v = Double.isNaN(rows.get(i)[j]) ? means[j] : rows.get(i)[j];
                    z[i][j] = (v - means[j]) * scales[j];
                }
                int c = classes.indexOf(species.get(i));
                counts[c]++;
                for (int j = 0; j < f; j++) {
                    classMeans[c][j] += z[i][j];
                }
            }
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < f; j++) {
                    classMeans[c][j] /= counts[c];
                }
            }
            double[] variance = new double[f];
            for (int i = 0; i < rows.size(); i++) {
                int c = classes.indexOf(species.get(i));
                for (int j = 0; j < f; j++) {
                    variance[j] += Math.pow(z[i][j] - classMeans[c][j], 2) / rows.size();
                }
            }
            double[][] coefficients = new double[k][f];
            double[] intercepts = new double[k];
            for (int c = 0; c < k; c++) {
                intercepts[c] = Math.log((double) counts[c] / rows.size());
                for (int j = 0; j < f; j++) {
                    coefficients[c][j] = classMeans[c][j] / variance[j];
                    intercepts[c] -= classMeans[c][j] * classMeans[c][j] / (2 * variance[j]);
                }
            }
            int correct = 0;
            for (int i = 0; i < rows.size(); i++) {
                int best = 0;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    double score = intercepts[c];
                    for (int j = 0; j < f; j++) {
                        score += coefficients[c][j] * z[i][j];
                    }
                    if (score > bestScore) {
                        bestScore = score;
                        best = c;
                    }
                }
                correct += classes.get(best).equals(species.get(i)) ? 1 : 0;
            }
            return new Linear(classes, means, scales, coefficients, intercepts, (double) correct / rows.size());
        }

        ObjectNode json() {
            ObjectNode n = JSON.createObjectNode();
            n.put("what", "the parameters of penguins-linear.onnx, for tests that recompute its predictions: x = isNaN(x) ? impute : x;"
                    + " z = (x - offset) * scale; p = softmax(coefficients z + intercepts)");
            n.set("inputs", JSON.valueToTree(MEASUREMENTS));
            n.set("classes", JSON.valueToTree(classes));
            n.set("impute", JSON.valueToTree(floats(means)));
            n.set("offset", JSON.valueToTree(floats(means)));
            n.set("scale", JSON.valueToTree(floats(scales)));
            double[] flat = new double[coefficients.length * means.length];
            for (int c = 0; c < coefficients.length; c++) {
                System.arraycopy(coefficients[c], 0, flat, c * means.length, means.length);
            }
            n.set("coefficients", JSON.valueToTree(floats(flat)));
            n.set("intercepts", JSON.valueToTree(floats(intercepts)));
            n.put("training_accuracy", accuracy);
            return n;
        }
    }

    /** The values as the float attributes of the graph hold them (so the JSON gives exactly the graph's parameters). */
    private static float[] floats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /**
     * One {@code float_input} FP32 [N,4] of the four measurements → {@code label} (string) and {@code probabilities} FP32 [N,3];
     * or skl2onnx's default ZipMap outputs; N is dynamic ({@code batch} -1) or fixed, as torch.onnx.export without dynamic axes writes it.
     */
    private static byte[] penguins(Linear model, boolean zipmap, long batch) throws IOException {
        OnnxGraph graph = new OnnxGraph("penguins_linear");
        graph.input("float_input", DataType.FLOAT, batch, MEASUREMENTS.size());
        String imputed = graph.node("Imputer", ML, List.of("float_input"), List.of(floatsAttr("imputed_value_floats", model.means()),
                floatAttr("replaced_value_float", Float.NaN)));
        String scaled = graph.node("Scaler", ML, List.of(imputed), List.of(floatsAttr("offset", model.means()), floatsAttr("scale", model.scales())));
        double[] flat = new double[model.classes().size() * MEASUREMENTS.size()];
        for (int c = 0; c < model.classes().size(); c++) {
            System.arraycopy(model.coefficients()[c], 0, flat, c * MEASUREMENTS.size(), MEASUREMENTS.size());
        }
        String label = zipmap ? "output_label" : "label";
        String probabilities = zipmap ? graph.fresh("probability_tensor") : "probabilities";
        graph.node("LinearClassifier", ML, List.of(scaled), List.of(label, probabilities), List.of(floatsAttr("coefficients", flat),
                floatsAttr("intercepts", model.intercepts()), stringsAttr("classlabels_strings", model.classes()), intAttr("multi_class", 0),
                stringAttr("post_transform", "SOFTMAX")));
        graph.output(label, DataType.STRING, batch);
        if (!zipmap) {
            graph.output(probabilities, DataType.FLOAT, batch, model.classes().size());
            return external(graph, List.of());
        }
        graph.node("ZipMap", ML, List.of(probabilities), List.of("output_probability"), List.of(stringsAttr("classlabels_strings", model.classes())));
        return external(graph, List.of(sequenceOfMaps("output_probability")));
    }

    /** A graph of every datatype: transposed FP32, doubled FP64, INT32 as is, INT64 summed per row, BOOL negated, BYTES as is, and a float16 output. */
    private static byte[] typed() throws IOException {
        OnnxGraph graph = new OnnxGraph("typed");
        graph.input("f32", DataType.FLOAT, -1, 2);
        graph.input("f64", DataType.DOUBLE, -1);
        graph.input("i32", DataType.INT32, -1, 2);
        graph.input("i64", DataType.INT64, -1, 3);
        graph.input("flag", DataType.BOOL, -1, 1);
        graph.input("text", DataType.STRING, -1, 2);
        graph.node("Transpose", "", List.of("f32"), List.of("f32_transposed"), List.of(intsAttr("perm", new long[] {1, 0})));
        graph.node("Add", "", List.of("f64", "f64"), List.of("f64_doubled"), List.of());
        graph.node("Identity", "", List.of("i32"), List.of("i32_same"), List.of());
        graph.node("ReduceSum", "", List.of("i64", graph.longs("axis", new long[] {1}, 1)), List.of("i64_sum"), List.of(intAttr("keepdims", 0)));
        graph.node("Not", "", List.of("flag"), List.of("flag_negated"), List.of());
        graph.node("Identity", "", List.of("text"), List.of("text_same"), List.of());
        graph.node("Cast", "", List.of("f32"), List.of("f32_half"), List.of(intAttr("to", DataType.FLOAT16.getNumber())));
        graph.output("f32_transposed", DataType.FLOAT, 2, -1);
        graph.output("f64_doubled", DataType.DOUBLE, -1);
        graph.output("i32_same", DataType.INT32, -1, 2);
        graph.output("i64_sum", DataType.INT64, -1);
        graph.output("flag_negated", DataType.BOOL, -1, 1);
        graph.output("text_same", DataType.STRING, -1, 2);
        graph.output("f32_half", DataType.FLOAT16, -1, 2);
        return external(graph, List.of());
    }

    /** {@code x} FP32 [N,2] → {@code x_same} as is and {@code probabilities} as a sequence of maps (ZipMap). */
    private static byte[] zipmap() throws IOException {
        OnnxGraph graph = new OnnxGraph("zipmap");
        graph.input("x", DataType.FLOAT, -1, 2);
        graph.node("Identity", "", List.of("x"), List.of("x_same"), List.of());
        graph.node("ZipMap", ML, List.of("x"), List.of("probabilities"), List.of(stringsAttr("classlabels_strings", List.of("a", "b"))));
        graph.output("x_same", DataType.FLOAT, -1, 2);
        return external(graph, List.of(sequenceOfMaps("probabilities")));
    }

    /** The graph as another tool would write it: its own producer, and outputs OnnxGraph cannot declare (sequences of maps). */
    private static byte[] external(OnnxGraph graph, List<OnnxMl.ValueInfoProto> extraOutputs) throws IOException {
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.parseFrom(graph.toBytes("1", List.of())).toBuilder();
        model.setProducerName("steward-test-fixtures").setProducerVersion("1").setDomain("dev.steward.test");
        model.getGraphBuilder().addAllOutput(extraOutputs);
        return model.build().toByteArray();
    }

    private static OnnxMl.ValueInfoProto sequenceOfMaps(String name) {
        OnnxMl.TypeProto value = OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(DataType.FLOAT
                .getNumber())).build();
        OnnxMl.TypeProto map = OnnxMl.TypeProto.newBuilder().setMapType(OnnxMl.TypeProto.Map.newBuilder().setKeyType(DataType.STRING.getNumber())
                .setValueType(value)).build();
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setSequenceType(
                OnnxMl.TypeProto.Sequence.newBuilder().setElemType(map))).build();
    }

    private static AttributeProto floatsAttr(String name, double[] values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
        for (float v : floats(values)) {
            a.addFloats(v);
        }
        return a.build();
    }

    private static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    private static AttributeProto stringAttr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFrom(value,
                StandardCharsets.UTF_8)).build();
    }
}
