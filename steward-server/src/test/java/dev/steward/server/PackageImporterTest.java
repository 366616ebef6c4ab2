package dev.steward.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.core.registry.PackageImportOptions;
import dev.steward.core.registry.PackageImportResult;
import dev.steward.core.registry.PackageImporter;
import dev.steward.core.tracking.TrackingService;
import dev.steward.core.training.ModelEvaluator;
import dev.steward.core.training.ModelPackage;
import dev.steward.core.training.ModelSignature;
import dev.steward.core.training.StoredPackage;
import dev.steward.core.util.Digests;
import dev.steward.server.config.ConfigLoader;
import dev.steward.spi.Caller;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.artifact.ArtifactStore;
import dev.steward.spi.tracking.KeyValue;
import dev.steward.spi.tracking.Run;
import dev.steward.spi.training.Task;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models Steward did not train become packages: an ONNX graph shaped like skl2onnx's output under
 * a signature of its own ({@code float_input} FP32 [N,4] → {@code label}, {@code probabilities}
 * FP32), an MLflow model of the onnx flavor, and refusals that name what to fix and store
 * nothing (a file that is not ONNX, ZipMap outputs, a signature that does not fit, a pickle
 * flavor). The imported graph is evaluated on penguins with metrics recomputed here from its
 * parameters; a Steward-trained package evaluates the same through either path. A real server
 * with its stores, ONNX Runtime and a training job.
 */
class PackageImporterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXTERNAL = "/model/external/";
    private static final List<String> MEASUREMENTS = List.of("beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g");
    private static final String SIGNATURE = """
            {"task": "multiclass_classification", "classes": ["Adelie", "Chinstrap", "Gentoo"], "target": "species",
             "inputs": [{"name": "float_input", "datatype": "FP32", "shape": [-1, 4],
                         "columns": ["beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g"]}],
             "outputs": [{"name": "label", "role": "label"}, {"name": "probabilities", "role": "probabilities", "datatype": "FP32"}]}
            """;

    @TempDir
    static Path home;

    static StewardServer server;
    static PackageImporter importer;
    static ArtifactStore artifacts;
    static TrackingService tracking;
    static Caller caller = TrackingService.system();
    static byte[] penguinsCsv;

    @BeforeAll
    static void start() {
        server = StewardServer.start(Steward.open(ConfigLoader.load(home, Map.of(), Map.of("server.port", "0"))));
        penguinsCsv = new JobsHttp(server, server.createdAdminToken().orElseThrow()).uploadPenguins();
        importer = server.steward().importer();
        artifacts = server.steward().artifacts();
        tracking = server.steward().tracking();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anOnnxGraphFromElsewhereBecomesAPackageOfFormatVersion1WithItsOwnSignature() throws IOException {
        byte[] graph = resource("penguins-linear.onnx");
        StoredPackage model = importer.fromOnnx(graph, PackageImportOptions.parse(SIGNATURE.getBytes(StandardCharsets.UTF_8), "signature"));

        JsonNode m = model.manifest();
        assertThat(m.get("format_version").asInt()).isEqualTo(1);
        assertThat(m.get("model_digest").asText()).isEqualTo(Digests.sha256Hex(graph)).isEqualTo(model.modelDigest());
        assertThat(m.get("algorithm").asText()).isEqualTo("external");
        assertThat(m.at("/origin/kind").asText()).isEqualTo("onnx_upload");
        assertThat(m.at("/origin/graph/producer").asText()).isEqualTo("steward-test-fixtures");
        assertThat(m.at("/origin/graph/graph_name").asText()).isEqualTo("penguins_linear");
        assertThat(m.get("inputs").toString()).isEqualTo("[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"onnx_type\":\"tensor(float)\","
                + "\"shape\":[-1,4],\"columns\":[\"beak_length_mm\",\"beak_depth_mm\",\"flipper_length_mm\",\"body_mass_g\"]}]");
        assertThat(m.get("outputs").toString()).isEqualTo("[{\"name\":\"label\",\"datatype\":\"BYTES\",\"onnx_type\":\"tensor(string)\","
                + "\"shape\":[-1],\"role\":\"label\"},{\"name\":\"probabilities\",\"datatype\":\"FP32\",\"onnx_type\":\"tensor(float)\","
                + "\"shape\":[-1,3],\"role\":\"probabilities\"}]");
        assertThat(m.get("classes").toString()).isEqualTo("[\"Adelie\",\"Chinstrap\",\"Gentoo\"]");
        assertThat(m.get("target").asText()).isEqualTo("species");
        assertThat(m.get("preprocessing")).isEmpty();
        assertThat(m.get("preprocessing_note").asText()).contains("no Steward preprocessing");
        assertThat(m.at("/files/model.onnx/size").asLong()).isEqualTo(graph.length);

        assertThat(read(model.onnxBlob().sha256())).isEqualTo(graph);
        byte[] stored = read(model.manifestBlob().sha256());
        assertThat(JSON.readTree(stored)).isEqualTo(m);
        ModelSignature signature = ModelSignature.of(ModelPackage.readManifest(stored));
        assertThat(signature.inputs().get(0).columns()).containsExactlyElementsOf(MEASUREMENTS);
        assertThat(signature.output(ModelSignature.Role.PROBABILITIES).orElseThrow().name()).isEqualTo("probabilities");

        StoredPackage again = importer.fromOnnx(graph, PackageImportOptions.parse(SIGNATURE.getBytes(StandardCharsets.UTF_8), "signature"));
        assertThat(again.manifestBlob()).as("the same graph and signature give the same package").isEqualTo(model.manifestBlob());
    }

    @Test
    void defaultsNameTheRolesAndExplicitOptionsGoOverTheSignatureFile() throws IOException {
        StoredPackage model = importer.fromOnnx(resource("penguins-linear.onnx"), PackageImportOptions.NONE
                .withClasses(List.of("Adelie", "Chinstrap", "Gentoo")).withColumns("float_input", MEASUREMENTS));
        assertThat(model.manifest().get("task").asText()).as("three classes: multiclass").isEqualTo("multiclass_classification");
        assertThat(model.manifest().get("outputs").findValuesAsText("role")).containsExactly("label", "probabilities");
        assertThat(model.manifest().has("target")).isFalse();

        PackageImportOptions file = PackageImportOptions.parse(SIGNATURE.getBytes(StandardCharsets.UTF_8), "signature");
        PackageImportOptions merged = file.overriddenBy(PackageImportOptions.NONE.withTarget("island").withTask(Task.MULTICLASS_CLASSIFICATION));
        assertThat(merged.target()).contains("island");
        assertThat(merged.classes()).containsExactly("Adelie", "Chinstrap", "Gentoo");
        assertThat(merged.inputs().get("float_input").columns()).containsExactlyElementsOf(MEASUREMENTS);
    }

    @Test
    void aFileOnnxRuntimeCannotLoadIsRefusedNamingTheFieldAndNothingIsStored() {
        long blobs = blobCount();
        assertRefused(() -> importer.fromOnnx("this is not an ONNX graph".getBytes(StandardCharsets.UTF_8), PackageImportOptions.NONE), "model",
                "ONNX Runtime cannot load the model");
        assertRefused(() -> importer.fromOnnx(new byte[0], PackageImportOptions.NONE), "model", "ONNX Runtime cannot load the model");
        assertThat(blobCount()).isEqualTo(blobs);
    }

    @Test
    void zipMapOutputsAreRefusedWithHowToExportWithoutThem() throws IOException {
        long blobs = blobCount();
        assertRefused(() -> importer.fromOnnx(resource("penguins-zipmap.onnx"), PackageImportOptions.NONE.withClasses(List.of("Adelie", "Chinstrap",
                "Gentoo")).withColumns("float_input", MEASUREMENTS)), "model", "'output_probability' is seq(map(string,tensor(float))), a sequence"
                + " of maps (skl2onnx's ZipMap)", "options={'zipmap': False}");
        assertThat(blobCount()).isEqualTo(blobs);
    }

    @Test
    void whatTheGraphCannotTellMustBeSaidAndASignatureThatDoesNotFitIsRefused() throws IOException {
        byte[] graph = resource("penguins-linear.onnx");
        List<String> classes = List.of("Adelie", "Chinstrap", "Gentoo");
        PackageImportOptions mapped = PackageImportOptions.NONE.withColumns("float_input", MEASUREMENTS);
        long blobs = blobCount();
        assertRefused(() -> importer.fromOnnx(graph, PackageImportOptions.NONE.withClasses(classes)), "inputs.float_input.columns",
                "input 'float_input' takes [-1, 4]: say which dataset columns fill it");
        assertRefused(() -> importer.fromOnnx(graph, PackageImportOptions.NONE.withClasses(classes).withColumns("float_input",
                MEASUREMENTS.subList(0, 3))), "inputs.float_input.columns", "takes 4 column(s), not 3");
        assertRefused(() -> importer.fromOnnx(graph, mapped), "classes", "give its classes, in the order of the columns of its probabilities");
        assertRefused(() -> importer.fromOnnx(graph, mapped.withClasses(List.of("Adelie", "Gentoo"))), "classes",
                "does not hold one column for each of the 2 classes");
        assertRefused(() -> importer.fromOnnx(graph, mapped.withClasses(List.of("Adelie", "Adelie", "Gentoo"))), "classes",
                "classes must be distinct, non-empty names");
        assertRefused(() -> importer.fromOnnx(graph, mapped.withClasses(classes).withTask(Task.REGRESSION)), "classes",
                "a regression model has no classes");
        assertRefused(() -> importer.fromOnnx(graph, mapped.withClasses(classes).withRole("label", ModelSignature.Role.PROBABILITIES)),
                "outputs.label.role", "output 'label' is BYTES, but a probabilities output is one of");
        assertRefused(() -> importer.fromOnnx(graph, mapped.withClasses(classes).withRole("scores", ModelSignature.Role.PROBABILITIES)),
                "outputs.scores", "the graph has no output 'scores'; its outputs are [label, probabilities]");
        assertRefused(() -> importer.fromOnnx(graph, signature(SIGNATURE.replace("\"FP32\", \"shape\"", "\"FP64\", \"shape\""))),
                "inputs.float_input.datatype", "the signature says FP64, but the graph's input 'float_input' is FP32 (tensor(float))");
        assertRefused(() -> importer.fromOnnx(graph, signature(SIGNATURE.replace("[-1, 4]", "[-1, 5]"))), "inputs.float_input.shape",
                "the signature says [-1, 5], but the graph's input 'float_input' has the shape [-1, 4]");
        assertRefused(() -> importer.fromOnnx(graph, signature(SIGNATURE.replace("float_input", "features"))), "inputs.features",
                "the graph has no input 'features'; its inputs are [float_input]");
        assertRefused(() -> signature(SIGNATURE.replace("\"target\"", "\"label_column\"")), "signature.label_column", "unknown key 'label_column'");
        assertRefused(() -> signature(SIGNATURE.replace("multiclass_classification", "ranking")), "signature.task", "'ranking' is not a task");
        assertRefused(() -> signature(SIGNATURE.replace("\"role\": \"label\"", "\"role\": \"argmax\"")), "signature.outputs[0].role",
                "'argmax' is not a role");
        assertRefused(() -> signature("{\"inputs\": {\"float_input\": []}}"), "signature.inputs", "must be a list of objects");
        assertRefused(() -> signature("{not json"), "signature", "the signature is not JSON");
        assertThat(blobCount()).as("nothing stored by any refusal").isEqualTo(blobs);
    }

    @Test
    void theUploadedGraphIsEvaluatedOnPenguinsAsComputedIndependentlyAndTwiceWithTheSameResult() throws IOException {
        StoredPackage model = importer.fromOnnx(resource("penguins-linear.onnx"), signature(SIGNATURE));
        ModelEvaluator.EvaluationRun run = new ModelEvaluator.EvaluationRun(TrackingService.DEFAULT_EXPERIMENT_ID, "evaluate-penguins-linear",
                List.of(new KeyValue("steward.registry.model", "penguins-linear"), new KeyValue("steward.registry.version", "1")));
        ModelEvaluator.Result first = server.steward().evaluator().evaluate(caller, model, "penguins", 1, Optional.empty(), run);

        Expected expected = Expected.compute(JSON.readTree(resource("penguins-linear.json")), penguinsCsv);
        JsonNode report = first.report();
        assertThat(report.get("rows").asInt()).isEqualTo(344);
        assertThat(report.at("/metrics/accuracy").asDouble()).isCloseTo(expected.accuracy, within(1e-12));
        assertThat(report.at("/metrics/f1_macro").asDouble()).isCloseTo(expected.f1Macro, within(1e-12)).isGreaterThan(0.93);
        assertThat(report.at("/metrics/log_loss").asDouble()).as("FP32 in the graph, doubles here").isCloseTo(expected.logLoss, within(1e-5));
        assertThat(report.get("model_digest").asText()).isEqualTo(model.modelDigest());
        assertThat(report.get("package_digest").asText()).isEqualTo(model.manifestBlob().sha256());
        assertThat(report.has("model_run_id")).isFalse();

        Run evaluation = tracking.getRun(first.evaluationRunId());
        assertThat(evaluation.info().runName()).isEqualTo("evaluate-penguins-linear");
        assertThat(tags(evaluation)).containsEntry("steward.registry.model", "penguins-linear").containsEntry("steward.registry.version", "1")
                .containsEntry(ModelEvaluator.MODEL_DIGEST_TAG, model.modelDigest())
                .containsEntry(ModelEvaluator.PACKAGE_DIGEST_TAG, model.manifestBlob().sha256())
                .containsEntry(ModelEvaluator.DATASET_TAG, "penguins@1").containsKey(ModelEvaluator.DATASET_DIGEST_TAG);

        ModelEvaluator.Result second = server.steward().evaluator().evaluate(caller, model, "penguins", 1, Optional.empty(), run);
        assertThat(second.evaluationRunId()).isNotEqualTo(first.evaluationRunId());
        assertThat(second.report().get("metrics")).isEqualTo(report.get("metrics"));
    }

    @Test
    void aGraphWithAFixedBatchSizeIsFedBatchesOfThatSizeAndScoresLikeTheDynamicOne() throws IOException {
        StoredPackage fixed = importer.fromOnnx(resource("penguins-batch5.onnx"), signature(SIGNATURE.replace("[-1, 4]", "[5, 4]")));
        assertThat(fixed.manifest().at("/inputs/0/shape").toString()).isEqualTo("[5,4]");
        StoredPackage dynamic = importer.fromOnnx(resource("penguins-linear.onnx"), signature(SIGNATURE));
        ModelEvaluator.EvaluationRun run = new ModelEvaluator.EvaluationRun(TrackingService.DEFAULT_EXPERIMENT_ID, "evaluate", List.of());
        JsonNode batched = server.steward().evaluator().evaluate(caller, fixed, "penguins", 1, Optional.empty(), run).report();
        JsonNode whole = server.steward().evaluator().evaluate(caller, dynamic, "penguins", 1, Optional.empty(), run).report();
        assertThat(batched.get("rows").asInt()).as("344 = 68 batches of 5 and a last one of 4, padded").isEqualTo(344);
        assertThat(batched.get("confusion_matrix")).isEqualTo(whole.get("confusion_matrix"));
        whole.get("metrics").fields().forEachRemaining(m -> assertThat(batched.at("/metrics/" + m.getKey()).asDouble()).as(m.getKey())
                .isCloseTo(m.getValue().asDouble(), within(1e-6)));
    }

    @Test
    void aPackageWithoutATargetOrOnAVersionWithoutItsColumnsIsRefusedForEvaluation() throws IOException {
        StoredPackage untargeted = importer.fromOnnx(resource("penguins-linear.onnx"), signature(SIGNATURE.replace("\"target\": \"species\",", "")));
        ModelEvaluator.EvaluationRun run = new ModelEvaluator.EvaluationRun(TrackingService.DEFAULT_EXPERIMENT_ID, "evaluate", List.of());
        assertRefused(() -> server.steward().evaluator().evaluate(caller, untargeted, "penguins", 1, Optional.empty(), run), "target",
                "names no target column");
        StoredPackage misnamed = importer.fromOnnx(resource("penguins-linear.onnx"), signature(SIGNATURE.replace("\"body_mass_g\"", "\"mass\"")));
        assertRefused(() -> server.steward().evaluator().evaluate(caller, misnamed, "penguins", 1, Optional.empty(), run), "dataset",
                "the model needs the column 'mass' (input float_input), which penguins version 1 does not have");
    }

    @Test
    void anMlflowModelOfTheOnnxFlavorIsImportedWithItsColumnSignatureAndStewardMetadata() throws IOException {
        String runId = mlflowRun("mlflow-onnx", List.of("MLmodel", "model.onnx"));
        PackageImportResult result = importer.fromMlflowModel(runId, "model", PackageImportOptions.NONE);
        assertThat(result.status()).isEqualTo("ready");
        StoredPackage model = ((PackageImportResult.Ready) result).model();
        JsonNode m = model.manifest();
        assertThat(m.at("/origin/kind").asText()).isEqualTo("mlflow_model");
        assertThat(m.at("/origin/run_id").asText()).isEqualTo(runId);
        assertThat(m.at("/origin/artifact_path").asText()).isEqualTo("model");
        assertThat(m.at("/origin/onnx_version").asText()).isEqualTo("1.15.0");
        assertThat(m.at("/origin/mlflow_signature/inputs/0/datatype").asText()).as("MLflow's double column").isEqualTo("FP64");
        assertThat(m.at("/origin/mlflow_signature/outputs/1/datatype").asText()).as("MLflow's float32 tensor").isEqualTo("FP32");
        assertThat(m.at("/inputs/0/columns").toString()).as("from the MLflow column signature")
                .isEqualTo("[\"beak_length_mm\",\"beak_depth_mm\",\"flipper_length_mm\",\"body_mass_g\"]");
        assertThat(m.get("classes").toString()).as("from metadata.steward").isEqualTo("[\"Adelie\",\"Chinstrap\",\"Gentoo\"]");
        assertThat(model.modelDigest()).isEqualTo(Digests.sha256Hex(resource("mlflow-onnx/model.onnx")));

        ModelEvaluator.Result evaluation = server.steward().evaluator().evaluate(caller, model, "penguins", 1, Optional.empty(),
                new ModelEvaluator.EvaluationRun(TrackingService.DEFAULT_EXPERIMENT_ID, "evaluate-mlflow", List.of()));
        assertThat(evaluation.report().at("/metrics/accuracy").asDouble()).isGreaterThan(0.95);

        assertThat(importer.fromMlflowModel(runId, "/model/", PackageImportOptions.NONE.withTarget("island")))
                .isInstanceOfSatisfying(PackageImportResult.Ready.class, r -> assertThat(r.model().manifest().get("target").asText())
                        .as("explicit options go over the MLmodel's").isEqualTo("island"));
    }

    @Test
    void anMlflowModelWithoutStewardMetadataNeedsItsClassesAndFailsWithAMessageWithoutThem() throws IOException {
        String mlmodel = new String(resource("mlflow-onnx/MLmodel"), StandardCharsets.UTF_8);
        String plain = mlmodel.substring(0, mlmodel.indexOf("metadata:")) + mlmodel.substring(mlmodel.indexOf("mlflow_version:"));
        String runId = run("plain-onnx");
        tracking.putRunArtifact(caller, runId, "model/MLmodel", new ByteArrayInputStream(plain.getBytes(StandardCharsets.UTF_8)), Long.MAX_VALUE);
        tracking.putRunArtifact(caller, runId, "model/model.onnx", new ByteArrayInputStream(resource("mlflow-onnx/model.onnx")), Long.MAX_VALUE);
        long blobs = blobCount();
        PackageImportResult failed = importer.fromMlflowModel(runId, "model", PackageImportOptions.NONE);
        assertThat(failed).isInstanceOfSatisfying(PackageImportResult.Failed.class, f -> assertThat(f.message())
                .contains("cannot be imported", "give its classes", "(classes)"));
        assertThat(blobCount()).isEqualTo(blobs);
        assertThat(importer.fromMlflowModel(runId, "model", PackageImportOptions.NONE.withClasses(List.of("Adelie", "Chinstrap", "Gentoo"))).status())
                .isEqualTo("ready");
    }

    @Test
    void anMlflowModelOfAPickleFlavorFailsWithHowToConvertItAndItsPickleIsNeverRead() throws IOException {
        String runId = mlflowRun("mlflow-sklearn", List.of("MLmodel", "model.pkl"));
        long blobs = blobCount();
        PackageImportResult result = importer.fromMlflowModel(runId, "model", PackageImportOptions.NONE);
        assertThat(result.status()).isEqualTo("failed");
        assertThat(((PackageImportResult.Failed) result).message()).contains("Steward serves ONNX graphs only", "has no onnx flavor",
                "python_function (loader_module mlflow.sklearn), sklearn", "never loads pickles", "skl2onnx.to_onnx", "torch.onnx.export",
                "mlflow.onnx.log_model");
        assertThat(blobCount()).isEqualTo(blobs);

        assertThat(importer.fromMlflowModel(runId, "elsewhere", PackageImportOptions.NONE)).isInstanceOfSatisfying(PackageImportResult.Failed.class,
                f -> assertThat(f.message()).contains("there is no model in run " + runId + " at 'elsewhere'"));
        assertRefused(() -> importer.fromMlflowModel(runId, "model/../secrets", PackageImportOptions.NONE), "artifact_path", "Invalid path");
        String escaping = run("escaping-onnx");
        tracking.putRunArtifact(caller, escaping, "model/MLmodel", new ByteArrayInputStream(new String(resource("mlflow-onnx/MLmodel"),
                StandardCharsets.UTF_8).replace("data: model.onnx", "data: ../../secrets.onnx").getBytes(StandardCharsets.UTF_8)), Long.MAX_VALUE);
        assertThat(importer.fromMlflowModel(escaping, "model", PackageImportOptions.NONE)).isInstanceOfSatisfying(PackageImportResult.Failed.class,
                f -> assertThat(f.message()).contains("cannot be imported", "Invalid path"));
        String unloadable = run("unloadable-onnx");
        tracking.putRunArtifact(caller, unloadable, "model/MLmodel", new ByteArrayInputStream(resource("mlflow-onnx/MLmodel")), Long.MAX_VALUE);
        tracking.putRunArtifact(caller, unloadable, "model/model.onnx", new ByteArrayInputStream(new byte[] {8, 7, 18, 0}), Long.MAX_VALUE);
        assertThat(importer.fromMlflowModel(unloadable, "model", PackageImportOptions.NONE)).isInstanceOfSatisfying(PackageImportResult.Failed.class,
                f -> assertThat(f.message()).contains("ONNX Runtime cannot load the model", "(model)", "save_as_external_data=False"));
        assertThatThrownBy(() -> importer.fromMlflowModel("0".repeat(32), "model", PackageImportOptions.NONE))
                .isInstanceOfSatisfying(StewardException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
    }

    @Test
    void aStewardTrainedPackageIsFoundFromItsRunAndEvaluatesTheSameThroughEitherPath() {
        JobsHttp jobs = new JobsHttp(server, server.createdAdminToken().orElseThrow());
        String runId = jobs.awaitSuccess(jobs.submit("train", 0, """
                {"dataset": {"name": "penguins", "version": 1}, "target": "species", "task": "multiclass_classification",
                 "algorithm": {"name": "cart", "hyperparameters": {"max_depth": 4}}}
                """)).get("run_id").asText();
        StoredPackage model = importer.fromRun(runId);
        assertThat(model.modelDigest()).isEqualTo(tracking.statRunArtifact(tracking.getRun(runId).info(), "model/model.onnx").sha256());
        assertThat(model.manifestBlob().sha256()).isEqualTo(tracking.statRunArtifact(tracking.getRun(runId).info(), "model/steward-model.json")
                .sha256());
        assertThat(importer.fromMlflowModel(runId, "model", PackageImportOptions.NONE)).isEqualTo(new PackageImportResult.Ready(model));

        ModelEvaluator.Result byRun = server.steward().evaluator().evaluate(caller, runId, "penguins", 1, Optional.empty());
        ModelEvaluator.Result byPackage = server.steward().evaluator().evaluate(caller, model, "penguins", 1, Optional.empty(),
                new ModelEvaluator.EvaluationRun(TrackingService.DEFAULT_EXPERIMENT_ID, "evaluate-package", List.of()));
        assertThat(byPackage.report().get("metrics")).isEqualTo(byRun.report().get("metrics"));
        assertThat(byRun.report().get("model_run_id").asText()).isEqualTo(runId);
        assertThat(tags(tracking.getRun(byRun.evaluationRunId()))).containsEntry(ModelEvaluator.MODEL_RUN_TAG, runId);

        String empty = run("no-package");
        assertRefused(() -> importer.fromRun(empty), "run_id", "has no model package (model/steward-model.json is missing)");
    }

    /** Metrics of the fixture's linear model on penguins, from its parameters in double precision. */
    private record Expected(double accuracy, double f1Macro, double logLoss) {
        static Expected compute(JsonNode params, byte[] csv) {
            String[] lines = new String(csv, StandardCharsets.UTF_8).split("\\r?\\n");
            List<String> header = List.of(lines[0].split(","));
            List<String> classes = new ArrayList<>();
            params.get("classes").forEach(c -> classes.add(c.asText()));
            int k = classes.size();
            int f = MEASUREMENTS.size();
            long[][] confusion = new long[k][k];
            double loss = 0;
            int n = 0;
            for (int r = 1; r < lines.length; r++) {
                String[] cells = lines[r].split(",", -1);
                int truth = classes.indexOf(cells[header.indexOf("species")]);
                double[] scores = new double[k];
                for (int c = 0; c < k; c++) {
                    scores[c] = params.get("intercepts").get(c).asDouble();
                    for (int j = 0; j < f; j++) {
                        String cell = cells[header.indexOf(MEASUREMENTS.get(j))];
                        double x = cell.isEmpty() ? params.get("impute").get(j).asDouble() : Double.parseDouble(cell);
                        double z = (x - params.get("offset").get(j).asDouble()) * params.get("scale").get(j).asDouble();
                        scores[c] += params.get("coefficients").get(c * f + j).asDouble() * z;
                    }
                }
                double max = java.util.Arrays.stream(scores).max().orElseThrow();
                double sum = java.util.Arrays.stream(scores).map(s -> Math.exp(s - max)).sum();
                int predicted = 0;
                for (int c = 1; c < k; c++) {
                    predicted = scores[c] > scores[predicted] ? c : predicted;
                }
                confusion[truth][predicted]++;
                loss -= scores[truth] - max - Math.log(sum);
                n++;
            }
            double correct = 0;
            double f1 = 0;
            for (int c = 0; c < k; c++) {
                correct += confusion[c][c];
                long predictedAs = 0;
                long actually = 0;
                for (int o = 0; o < k; o++) {
                    predictedAs += confusion[o][c];
                    actually += confusion[c][o];
                }
                f1 += 2.0 * confusion[c][c] / (predictedAs + actually);
            }
            return new Expected(correct / n, f1 / k, loss / n);
        }
    }

    private static PackageImportOptions signature(String json) {
        return PackageImportOptions.parse(json.getBytes(StandardCharsets.UTF_8), "signature");
    }

    /** A run holding the files of an MLflow model fixture under {@code model/}, as an MLflow client's log_model leaves them. */
    private static String mlflowRun(String fixture, List<String> files) throws IOException {
        String runId = run(fixture);
        for (String file : files) {
            tracking.putRunArtifact(caller, runId, "model/" + file, new ByteArrayInputStream(resource(fixture + "/" + file)), Long.MAX_VALUE);
        }
        return runId;
    }

    private static String run(String name) {
        return tracking.createRun(caller, TrackingService.DEFAULT_EXPERIMENT_ID, Optional.empty(), Optional.empty(), List.of(), Optional.of(name))
                .info().runId();
    }

    private static Map<String, String> tags(Run run) {
        Map<String, String> tags = new java.util.HashMap<>();
        run.tags().forEach(t -> tags.put(t.key(), t.value()));
        return tags;
    }

    private static long blobCount() {
        try (var blobs = artifacts.list()) {
            return blobs.count();
        }
    }

    private static byte[] read(String sha256) throws IOException {
        try (InputStream in = artifacts.open(sha256)) {
            return in.readAllBytes();
        }
    }

    private static void assertRefused(ThrowingCallable call, String field, String... messages) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StewardException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
            assertThat(e.field()).as(e.getMessage()).contains(field);
            assertThat(e.getMessage()).contains(messages);
        });
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = PackageImporterTest.class.getResourceAsStream(EXTERNAL + name)) {
            assertThat(in).as("fixture " + name).isNotNull();
            return in.readAllBytes();
        }
    }
}
