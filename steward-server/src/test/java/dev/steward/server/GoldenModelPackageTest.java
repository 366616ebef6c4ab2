package dev.steward.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.registry.PackageImportOptions;
import dev.steward.core.training.ModelPackage;
import dev.steward.core.training.ModelSignature;
import dev.steward.core.training.StoredPackage;
import dev.steward.core.util.Digests;
import dev.steward.runtime.onnx.OnnxModelRuntime;
import dev.steward.server.config.ConfigLoader;
import dev.steward.spi.serving.Datatype;
import dev.steward.spi.serving.ModelRuntime;
import dev.steward.spi.serving.Tensor;
import dev.steward.spi.tracking.RunInfo;
import dev.steward.spi.training.Task;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.protos.core.ModelProto;

/**
 * Model packages of format version 1 stay loadable forever: the golden package in
 * {@code src/test/resources/model/golden-v1} (a random forest on penguins, made by
 * {@link #writesTheGoldenPackage} when it was the newest format) must still pass the manifest
 * checks, match its digest, give the outputs recorded with it in ONNX Runtime, and deserialise in
 * Tribuo. Likewise {@code golden-v1-imported}, an ONNX graph Steward did not train, imported with
 * a signature of its own (made by {@link #writesTheGoldenImportedPackage}): its manifest must still
 * read as a signature that feeds and reads the graph. Never regenerate them: add a golden package
 * for each new format version instead.
 */
class GoldenModelPackageTest {
    private static final String GOLDEN = "/model/golden-v1/";
    private static final String GOLDEN_IMPORTED = "/model/golden-v1-imported/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> OUTPUTS = Set.of("label", "probabilities");

    @Test
    void theGoldenPackageOfFormatVersion1StillLoadsAndPredicts() throws Exception {
        JsonNode manifest = ModelPackage.readManifest(resource(ModelPackage.MANIFEST));
        assertThat(manifest.get("format_version").asInt()).isEqualTo(1);
        byte[] onnx = resource(ModelPackage.ONNX);
        assertThat(Digests.sha256Hex(onnx)).isEqualTo(manifest.get("model_digest").asText());
        JsonNode expected = JSON.readTree(resource("expected.json"));
        try (ModelRuntime.LoadedModel model = new OnnxModelRuntime(1).load(onnx)) {
            Map<String, Tensor> out = model.run(inputs(expected.get("inputs"), manifest), OUTPUTS);
            String[] labels = out.get("label").strings();
            Tensor probabilities = out.get("probabilities");
            int classes = (int) probabilities.dimension(1);
            for (int i = 0; i < labels.length; i++) {
                assertThat(labels[i]).isEqualTo(expected.at("/label/" + i).asText());
                for (int k = 0; k < classes; k++) {
                    assertThat(probabilities.doubles()[i * classes + k]).isCloseTo(expected.at("/probabilities/" + i + "/" + k).asDouble(), within(1e-9));
                }
            }
        }
        Model<?> tribuo = Model.deserialize(ModelProto.parseFrom(resource(ModelPackage.NATIVE)));
        assertThat(tribuo.getOutputIDInfo().size()).isEqualTo(manifest.get("classes").size());
    }

    @Test
    void theGoldenPackageReadsAsASignatureOfOneColumnPerInputAndOutputsNamedByTheirRoles() throws Exception {
        ModelSignature signature = ModelSignature.of(ModelPackage.readManifest(resource(ModelPackage.MANIFEST)));
        assertThat(signature.task()).isEqualTo(Task.MULTICLASS_CLASSIFICATION);
        assertThat(signature.inputs()).extracting(ModelSignature.Input::name).containsExactly("island", "beak_length_mm", "beak_depth_mm",
                "flipper_length_mm", "body_mass_g", "sex");
        assertThat(signature.inputs()).allSatisfy(i -> assertThat(i.columns()).containsExactly(i.name()));
        assertThat(signature.inputs().get(0).datatype()).isEqualTo(Datatype.BYTES);
        assertThat(signature.inputs().get(0).categories()).containsExactly("Biscoe", "Dream", "Torgersen");
        assertThat(signature.inputs().get(1).datatype()).isEqualTo(Datatype.FP64);
        assertThat(signature.output(ModelSignature.Role.LABEL).orElseThrow().name()).isEqualTo("label");
        assertThat(signature.output(ModelSignature.Role.PROBABILITIES).orElseThrow().shape()).containsExactly(-1, 3);
        assertThat(signature.classes()).containsExactly("Adelie", "Chinstrap", "Gentoo");
        assertThat(signature.target()).contains("species");
    }

    /** Run with {@code -Dsteward.golden.write=<dir>} to make a golden package of the current format version. */
    @Test
    @EnabledIfSystemProperty(named = "steward.golden.write", matches = ".+")
    void writesTheGoldenPackage(@TempDir Path home) throws Exception {
        Path target = Path.of(System.getProperty("steward.golden.write"));
        try (StewardServer server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))))) {
            JobsHttp jobs = new JobsHttp(server, server.createdAdminToken().orElseThrow());
            jobs.uploadPenguins();
            JsonNode job = jobs.awaitSuccess(jobs.submit("train", 0, """
                    {"dataset": {"name": "penguins", "version": 1}, "target": "species", "task": "multiclass_classification",
                     "preprocessing": [{"step": "impute", "columns": ["beak_length_mm"], "strategy": "median"},
                                       {"step": "standardize", "columns": ["beak_length_mm", "beak_depth_mm"]},
                                       {"step": "bucketize", "columns": ["flipper_length_mm"], "bins": 3},
                                       {"step": "impute", "columns": ["sex"], "strategy": "most_frequent"}],
                     "algorithm": {"name": "random_forest", "hyperparameters": {"n_trees": 5, "max_depth": 4}}}
                    """));
            RunInfo run = server.steward().tracking().getRun(job.get("run_id").asText()).info();
            Files.createDirectories(target);
            for (String file : List.of(ModelPackage.MANIFEST, ModelPackage.ONNX, ModelPackage.NATIVE)) {
                try (InputStream in = server.steward().tracking().openRunArtifact(run, ModelPackage.DIRECTORY + "/" + file)) {
                    Files.write(target.resolve(file), in.readAllBytes());
                }
            }
            JsonNode manifest = ModelPackage.readManifest(Files.readAllBytes(target.resolve(ModelPackage.MANIFEST)));
            ObjectNode expected = JSON.createObjectNode();
            ObjectNode inputs = expected.putObject("inputs");
            List<String[]> rows = penguinRows();
            List<String> header = List.of(rows.get(0));
            for (JsonNode input : manifest.get("inputs")) {
                ArrayNode values = inputs.putArray(input.get("name").asText());
                for (int r = 1; r <= 12; r++) {
                    values.add(rows.get(r)[header.indexOf(input.get("name").asText())]);
                }
            }
            try (ModelRuntime.LoadedModel model = new OnnxModelRuntime(1).load(Files.readAllBytes(target.resolve(ModelPackage.ONNX)))) {
                Map<String, Tensor> out = model.run(inputs(inputs, manifest), OUTPUTS);
                expected.set("label", JSON.valueToTree(out.get("label").strings()));
                Tensor probabilities = out.get("probabilities");
                ArrayNode matrix = expected.putArray("probabilities");
                for (int i = 0; i < probabilities.dimension(0); i++) {
                    ArrayNode row = matrix.addArray();
                    for (int k = 0; k < probabilities.dimension(1); k++) {
                        row.add(probabilities.doubles()[i * (int) probabilities.dimension(1) + k]);
                    }
                }
            }
            Files.write(target.resolve("expected.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(expected));
        }
    }

    @Test
    void theGoldenImportedPackageOfFormatVersion1StillLoadsAndPredicts() throws Exception {
        JsonNode manifest = ModelPackage.readManifest(resource(GOLDEN_IMPORTED, ModelPackage.MANIFEST));
        byte[] onnx = resource(GOLDEN_IMPORTED, ModelPackage.ONNX);
        assertThat(Digests.sha256Hex(onnx)).isEqualTo(manifest.get("model_digest").asText());
        ModelSignature signature = ModelSignature.of(manifest);
        assertThat(signature.inputs()).hasSize(1);
        assertThat(signature.inputs().get(0).datatype()).isEqualTo(Datatype.FP32);
        assertThat(signature.inputs().get(0).columns()).containsExactly("beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g");
        assertThat(signature.target()).contains("species");
        JsonNode expected = JSON.readTree(resource(GOLDEN_IMPORTED, "expected.json"));
        try (ModelRuntime.LoadedModel model = new OnnxModelRuntime(1).load(onnx)) {
            Map<String, Tensor> out = model.run(List.of(importedInput(expected.get("inputs"), signature.inputs().get(0))), OUTPUTS);
            String[] labels = out.get(signature.output(ModelSignature.Role.LABEL).orElseThrow().name()).strings();
            float[] probabilities = out.get(signature.output(ModelSignature.Role.PROBABILITIES).orElseThrow().name()).floats();
            int classes = signature.classes().size();
            for (int i = 0; i < labels.length; i++) {
                assertThat(labels[i]).isEqualTo(expected.at("/label/" + i).asText());
                for (int k = 0; k < classes; k++) {
                    assertThat((double) probabilities[i * classes + k]).isCloseTo(expected.at("/probabilities/" + i + "/" + k).asDouble(), within(1e-6));
                }
            }
        }
    }

    /** Run with {@code -Dsteward.golden.write-imported=<dir>} to make a golden imported package of the current format version. */
    @Test
    @EnabledIfSystemProperty(named = "steward.golden.write-imported", matches = ".+")
    void writesTheGoldenImportedPackage(@TempDir Path home) throws Exception {
        Path target = Path.of(System.getProperty("steward.golden.write-imported"));
        try (Steward steward = Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0")))) {
            StoredPackage model = steward.importer().fromOnnx(resource("/model/external/", "penguins-linear.onnx"), PackageImportOptions.parse("""
                    {"classes": ["Adelie", "Chinstrap", "Gentoo"], "target": "species",
                     "inputs": [{"name": "float_input", "columns": ["beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g"]}]}
                    """.getBytes(StandardCharsets.UTF_8), "signature"));
            Files.createDirectories(target);
            try (InputStream manifest = steward.artifacts().open(model.manifestBlob().sha256());
                    InputStream onnx = steward.artifacts().open(model.onnxBlob().sha256())) {
                Files.write(target.resolve(ModelPackage.MANIFEST), manifest.readAllBytes());
                Files.write(target.resolve(ModelPackage.ONNX), onnx.readAllBytes());
            }
        }
        ModelSignature signature = ModelSignature.of(ModelPackage.readManifest(Files.readAllBytes(target.resolve(ModelPackage.MANIFEST))));
        ObjectNode expected = JSON.createObjectNode();
        ObjectNode inputs = expected.putObject("inputs");
        List<String[]> rows = penguinRows();
        List<String> header = List.of(rows.get(0));
        for (String column : signature.inputs().get(0).columns()) {
            ArrayNode values = inputs.putArray(column);
            for (int r = 1; r <= 12; r++) {
                values.add(rows.get(r)[header.indexOf(column)]);
            }
        }
        try (ModelRuntime.LoadedModel model = new OnnxModelRuntime(1).load(Files.readAllBytes(target.resolve(ModelPackage.ONNX)))) {
            Map<String, Tensor> out = model.run(List.of(importedInput(inputs, signature.inputs().get(0))), OUTPUTS);
            expected.set("label", JSON.valueToTree(out.get("label").strings()));
            float[] probabilities = out.get("probabilities").floats();
            ArrayNode matrix = expected.putArray("probabilities");
            for (int i = 0; i < 12; i++) {
                ArrayNode row = matrix.addArray();
                for (int k = 0; k < 3; k++) {
                    row.add(probabilities[i * 3 + k]);
                }
            }
        }
        Files.write(target.resolve("expected.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(expected));
    }

    /** Raw values (text, empty for missing) of an imported package's columns, side by side in its FP32 input. */
    private static Tensor importedInput(JsonNode raw, ModelSignature.Input input) {
        List<String> columns = input.columns();
        int rows = raw.get(columns.get(0)).size();
        float[] values = new float[rows * columns.size()];
        for (int j = 0; j < columns.size(); j++) {
            for (int i = 0; i < rows; i++) {
                String text = raw.get(columns.get(j)).get(i).asText();
                values[i * columns.size() + j] = text.isEmpty() ? Float.NaN : Float.parseFloat(text);
            }
        }
        return Tensor.of(input.name(), new long[] {rows, columns.size()}, values);
    }

    /** Raw values (text, empty for missing) to input columns of the manifest's types. */
    private static List<Tensor> inputs(JsonNode raw, JsonNode manifest) {
        List<Tensor> inputs = new ArrayList<>();
        for (JsonNode input : manifest.get("inputs")) {
            String name = input.get("name").asText();
            JsonNode values = raw.get(name);
            boolean strings = input.get("datatype").asText().equals("BYTES");
            String[] texts = new String[values.size()];
            double[] numbers = new double[values.size()];
            for (int i = 0; i < values.size(); i++) {
                texts[i] = values.get(i).asText();
                numbers[i] = strings || texts[i].isEmpty() ? Double.NaN : Double.parseDouble(texts[i]);
            }
            inputs.add(strings ? Tensor.column(name, texts) : Tensor.column(name, numbers));
        }
        return inputs;
    }

    private static List<String[]> penguinRows() throws IOException {
        try (InputStream in = GoldenModelPackageTest.class.getResourceAsStream("/data/penguins.csv")) {
            return java.util.Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\r?\n")).map(l -> l.split(",", -1)).toList();
        }
    }

    private static byte[] resource(String name) throws IOException {
        return resource(GOLDEN, name);
    }

    private static byte[] resource(String directory, String name) throws IOException {
        try (InputStream in = GoldenModelPackageTest.class.getResourceAsStream(directory + name)) {
            assertThat(in).as("golden fixture " + name).isNotNull();
            return in.readAllBytes();
        }
    }
}
