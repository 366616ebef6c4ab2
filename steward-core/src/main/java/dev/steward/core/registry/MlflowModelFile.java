package dev.steward.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.Datatype;
import dev.steward.spi.serving.ModelRuntime.TensorInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An MLflow model's {@code MLmodel} file (YAML): its flavors, the ONNX file of its {@code onnx}
 * flavor (what {@code mlflow.onnx.log_model} writes), its signature (inputs and outputs as JSON
 * strings of MLflow's column or tensor specs) and its metadata. Only read, never executed: no
 * flavor's loader is run. Errors are {@code INVALID_PARAMETER_VALUE} on field {@value #FIELD}.
 */
final class MlflowModelFile {
    static final String NAME = "MLmodel";
    static final String FIELD = "MLmodel";
    /** Where an MLmodel's metadata holds a Steward signature: {@code mlflow.onnx.log_model(..., metadata={"steward": {...}})}. */
    static final String METADATA_KEY = "steward";
    /** MLmodel files are a few kilobytes; a larger one is not read into memory. */
    static final long MAX_BYTES = 1 << 20;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** numpy dtypes of MLflow's tensor specs. */
    private static final Map<String, Datatype> TENSOR_TYPES = Map.of("float32", Datatype.FP32, "float64", Datatype.FP64, "int32", Datatype.INT32,
            "int64", Datatype.INT64, "bool", Datatype.BOOL, "str", Datatype.BYTES, "object", Datatype.BYTES);
    /** MLflow's column types (mlflow.types.DataType). */
    private static final Map<String, Datatype> COLUMN_TYPES = Map.of("double", Datatype.FP64, "float", Datatype.FP32, "long", Datatype.INT64,
            "integer", Datatype.INT32, "boolean", Datatype.BOOL, "string", Datatype.BYTES, "binary", Datatype.BYTES);

    private final JsonNode root;

    private MlflowModelFile(JsonNode root) {
        this.root = root;
    }

    static MlflowModelFile parse(byte[] content) {
        JsonNode root;
        try {
            root = YAML.readTree(content);
        } catch (IOException e) {
            throw StewardException.invalid(FIELD, "the MLmodel file is not YAML: " + e.getMessage());
        }
        if (root == null || !root.isObject() || !root.path("flavors").isObject()) {
            throw StewardException.invalid(FIELD, "the MLmodel file names no flavors");
        }
        return new MlflowModelFile(root);
    }

    /** The file of the onnx flavor, relative to the model's folder; empty when the model has no onnx flavor. */
    Optional<String> onnxData() {
        JsonNode onnx = root.path("flavors").path("onnx");
        return onnx.isObject() ? Optional.of(onnx.path("data").asText("model.onnx")) : Optional.empty();
    }

    /** The flavors, each with what runs it, for messages: {@code python_function (loader_module mlflow.sklearn), sklearn}. */
    String flavors() {
        List<String> flavors = new ArrayList<>();
        root.get("flavors").fields().forEachRemaining(e -> {
            String loader = e.getValue().path("loader_module").asText();
            flavors.add(loader.isEmpty() ? e.getKey() : e.getKey() + " (loader_module " + loader + ")");
        });
        return String.join(", ", flavors);
    }

    /** What the MLmodel file records, for the manifest's {@code origin}. */
    void describe(ObjectNode origin) {
        JsonNode onnx = root.path("flavors").path("onnx");
        copyText(onnx, "onnx_version", origin, "onnx_version");
        copyText(root, "mlflow_version", origin, "mlflow_version");
        copyText(root, "model_uuid", origin, "model_uuid");
        copyText(root, "run_id", origin, "mlflow_run_id");
        if (root.path("signature").isObject()) {
            ObjectNode signature = origin.putObject("mlflow_signature");
            signature.set("inputs", mapped(specs("inputs")));
            signature.set("outputs", mapped(specs("outputs")));
        }
    }

    private static void copyText(JsonNode from, String key, ObjectNode to, String as) {
        if (from.path(key).isValueNode() && !from.path(key).asText().isEmpty()) {
            to.put(as, from.path(key).asText());
        }
    }

    /** MLflow's specs with the OIP datatype each maps to (absent where none does). */
    private static ArrayNode mapped(List<JsonNode> specs) {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (JsonNode spec : specs) {
            ObjectNode entry = spec.deepCopy();
            datatype(spec).ifPresent(d -> entry.put("datatype", d.name()));
            list.add(entry);
        }
        return list;
    }

    /**
     * What the MLflow model declares for Steward: the Steward signature in its metadata, over what
     * its MLflow signature implies. A column signature names the columns of a graph with one
     * input, in order, as MLflow's onnx flavor feeds a DataFrame's values to such a graph; a tensor
     * spec must agree with the graph input it describes (MLflow casts float64 to a float input).
     */
    PackageImportOptions options(List<TensorInfo> graphInputs) {
        PackageImportOptions options = PackageImportOptions.NONE;
        List<JsonNode> inputs = specs("inputs");
        boolean columnsSpec = !inputs.isEmpty() && inputs.stream().noneMatch(s -> s.path("type").asText().equals("tensor"));
        if (columnsSpec && graphInputs.size() == 1) {
            List<String> columns = new ArrayList<>();
            for (JsonNode spec : inputs) {
                if (!spec.path("name").isTextual()) {
                    throw StewardException.invalid(FIELD, "the MLmodel signature has an input column without a name: " + spec);
                }
                columns.add(spec.get("name").asText());
            }
            options = options.withColumns(graphInputs.get(0).name(), columns);
        }
        if (!columnsSpec) {
            for (int i = 0; i < inputs.size(); i++) {
                JsonNode spec = inputs.get(i);
                String name = spec.path("name").asText(graphInputs.size() == inputs.size() ? graphInputs.get(i).name() : "");
                graphInputs.stream().filter(g -> g.name().equals(name)).findFirst().ifPresent(g -> checkTensorSpec(spec, g));
            }
        }
        JsonNode steward = root.path("metadata").path(METADATA_KEY);
        if (!steward.isMissingNode()) {
            options = options.overriddenBy(PackageImportOptions.parse(steward, "MLmodel metadata." + METADATA_KEY));
        }
        return options;
    }

    private static void checkTensorSpec(JsonNode spec, TensorInfo input) {
        String dtype = spec.path("tensor-spec").path("dtype").asText();
        Datatype declared = Optional.ofNullable(TENSOR_TYPES.get(dtype)).orElseThrow(() -> StewardException.invalid(FIELD, "the MLmodel"
                + " signature gives input '" + input.name() + "' the dtype '" + dtype + "', which Steward cannot feed"));
        Datatype actual = input.datatype().orElseThrow();
        if (declared != actual && !(declared == Datatype.FP64 && actual == Datatype.FP32)) {
            throw StewardException.invalid(FIELD, "the MLmodel signature gives input '" + input.name() + "' the dtype " + dtype + ", but the graph"
                    + " takes " + actual + " (" + input.onnxType() + ")");
        }
        JsonNode shape = spec.path("tensor-spec").path("shape");
        if (shape.isArray() && shape.size() != input.shape().length) {
            throw StewardException.invalid(FIELD, "the MLmodel signature gives input '" + input.name() + "' the shape " + shape + ", but the graph's"
                    + " input has " + input.shape().length + " dimension(s)");
        }
    }

    /** The entries of the signature's {@code inputs} or {@code outputs}, a JSON string in the YAML. */
    private List<JsonNode> specs(String key) {
        JsonNode text = root.path("signature").path(key);
        if (!text.isTextual()) {
            return List.of();
        }
        JsonNode specs;
        try {
            specs = JSON.readTree(text.asText());
        } catch (IOException e) {
            throw StewardException.invalid(FIELD, "the MLmodel signature's " + key + " are not JSON: " + e.getMessage());
        }
        if (specs == null || !specs.isArray()) {
            throw StewardException.invalid(FIELD, "the MLmodel signature's " + key + " are not a list of specs");
        }
        List<JsonNode> list = new ArrayList<>();
        specs.forEach(list::add);
        return list;
    }

    private static Optional<Datatype> datatype(JsonNode spec) {
        String type = spec.path("type").asText();
        return Optional.ofNullable(type.equals("tensor") ? TENSOR_TYPES.get(spec.path("tensor-spec").path("dtype").asText()) : COLUMN_TYPES.get(type));
    }
}
