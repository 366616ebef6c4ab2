package dev.steward.core.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.core.training.ModelPackage;
import dev.steward.core.training.ModelSignature.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.Datatype;
import dev.steward.spi.serving.ModelRuntime;
import dev.steward.spi.serving.ModelRuntime.TensorInfo;
import dev.steward.spi.serving.Tensor;
import dev.steward.spi.training.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a loaded graph and what its importer declared into the manifest of an imported package:
 * inputs and outputs straight from the graph, the columns that feed each input, the role of each
 * output that has one, the task and classes; checked by running the graph once on a batch of
 * zeros. Errors name the field to fix: {@code model} for what is wrong with the graph itself,
 * {@code task}, {@code classes}, {@code inputs.<name>.columns}, {@code outputs.<name>.role}... for
 * what the signature must say. Stateless.
 */
final class GraphImport {
    static final String ALGORITHM = "external";
    static final String PREPROCESSING_NOTE = "the graph carries no Steward preprocessing: dataset columns are fed to its inputs as they are"
            + " (cast to the input's datatype), and whatever preprocessing it needs is inside the graph";

    private static final Map<Role, List<String>> DEFAULT_NAMES = Map.of(
            Role.LABEL, List.of("label", "output_label"),
            Role.PROBABILITIES, List.of("probabilities", "output_probability"),
            Role.PREDICTION, List.of("prediction", "variable"));

    private GraphImport() {
    }

    static ObjectNode manifest(ModelRuntime.LoadedModel model, PackageImportOptions options, String digest, long size, ObjectNode origin) {
        List<ObjectNode> inputs = inputs(model.inputs(), options);
        Map<Role, TensorInfo> roles = roles(model.outputs(), options);
        Task task = task(options, roles);
        List<String> classes = options.classes();
        checkRoles(task, classes, roles, options);
        probe(model, inputs, task, classes, roles);

        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode m = json.objectNode();
        m.put("format", "steward-model").put("format_version", ModelPackage.FORMAT_VERSION);
        m.put("model_digest", digest);
        m.put("task", task.wireName());
        m.put("algorithm", ALGORITHM);
        m.set("origin", origin);
        ArrayNode in = m.putArray("inputs");
        inputs.forEach(in::add);
        ArrayNode out = m.putArray("outputs");
        for (TensorInfo output : model.outputs()) {
            ObjectNode o = tensor(output);
            roles.forEach((role, info) -> {
                if (info.name().equals(output.name())) {
                    o.put("role", role.wireName());
                }
            });
            out.add(o);
        }
        if (task.classification()) {
            ArrayNode cls = m.putArray("classes");
            classes.forEach(cls::add);
        }
        options.target().ifPresent(t -> m.put("target", t));
        m.putArray("preprocessing");
        m.put("preprocessing_note", PREPROCESSING_NOTE);
        m.putArray("training_data");
        m.putObject("files").putObject(ModelPackage.ONNX).put("sha256", digest).put("size", size);
        return m;
    }

    /** What the graph says about itself, for the manifest's {@code origin.graph}. */
    static ObjectNode describe(ModelRuntime.GraphMetadata metadata) {
        ObjectNode graph = JsonNodeFactory.instance.objectNode();
        putIfSet(graph, "producer", metadata.producer());
        putIfSet(graph, "graph_name", metadata.graphName());
        putIfSet(graph, "domain", metadata.domain());
        putIfSet(graph, "description", metadata.description());
        graph.put("model_version", metadata.version());
        if (!metadata.properties().isEmpty()) {
            ObjectNode props = graph.putObject("metadata_props");
            new TreeMap<>(metadata.properties()).forEach(props::put);
        }
        return graph;
    }

    private static void putIfSet(ObjectNode node, String key, String value) {
        if (!value.isEmpty()) {
            node.put(key, value);
        }
    }

    private static List<ObjectNode> inputs(List<TensorInfo> graphInputs, PackageImportOptions options) {
        Set<String> names = new HashSet<>();
        graphInputs.forEach(i -> names.add(i.name()));
        for (String declared : options.inputs().keySet()) {
            if (!names.contains(declared)) {
                throw StewardException.invalid("inputs." + declared, "the graph has no input '" + declared + "'; its inputs are "
                        + graphInputs.stream().map(TensorInfo::name).toList());
            }
        }
        List<ObjectNode> inputs = new ArrayList<>();
        for (TensorInfo input : graphInputs) {
            String field = "inputs." + input.name();
            Datatype datatype = input.datatype().orElseThrow(() -> StewardException.invalid("model", "input '" + input.name() + "' is "
                    + input.onnxType() + ", which Steward cannot feed: export the graph with inputs of " + Arrays.toString(Datatype.values())));
            long[] shape = input.shape();
            if (shape.length < 1 || shape.length > 2) {
                throw StewardException.invalid("model", "input '" + input.name() + "' has the shape " + Arrays.toString(shape) + ": Steward imports"
                        + " tabular models, whose inputs are [N] or [N, k] tensors filled from dataset columns");
            }
            PackageImportOptions.InputSpec spec = options.inputs().get(input.name());
            List<String> columns = List.of();
            if (spec != null) {
                checkDeclared(field, "input", input, datatype, spec.datatype(), spec.shape());
                columns = spec.columns();
            }
            long width = shape.length == 1 ? 1 : shape[1];
            if (columns.isEmpty()) {
                if (width != 1) {
                    throw StewardException.invalid(field + ".columns", "input '" + input.name() + "' takes " + Arrays.toString(shape)
                            + ": say which dataset columns fill it, in order (in the signature: \"inputs\": [{\"name\": \"" + input.name()
                            + "\", \"columns\": [...]}])");
                }
                // A one-column input is filled from the dataset column of its name.
                columns = List.of(input.name());
            }
            if (shape.length == 1 && columns.size() != 1 || width >= 0 && columns.size() != width) {
                throw StewardException.invalid(field + ".columns", "input '" + input.name() + "' of shape " + Arrays.toString(shape) + " takes "
                        + (shape.length == 1 ? 1 : width) + " column(s), not " + columns.size() + " " + columns);
            }
            ObjectNode node = tensor(input);
            ArrayNode cols = node.putArray("columns");
            columns.forEach(cols::add);
            inputs.add(node);
        }
        return inputs;
    }

    private static Map<Role, TensorInfo> roles(List<TensorInfo> graphOutputs, PackageImportOptions options) {
        Map<String, TensorInfo> byName = new LinkedHashMap<>();
        for (TensorInfo output : graphOutputs) {
            if (output.datatype().isEmpty()) {
                throw StewardException.invalid("model", notATensor(output));
            }
            byName.put(output.name(), output);
        }
        Map<Role, TensorInfo> roles = new EnumMap<>(Role.class);
        for (PackageImportOptions.OutputSpec spec : options.outputs().values()) {
            String field = "outputs." + spec.name();
            TensorInfo output = byName.get(spec.name());
            if (output == null) {
                throw StewardException.invalid(field, "the graph has no output '" + spec.name() + "'; its outputs are " + byName.keySet());
            }
            checkDeclared(field, "output", output, output.datatype().orElseThrow(), spec.datatype(), spec.shape());
            if (spec.role().isPresent()) {
                TensorInfo before = roles.put(spec.role().get(), output);
                if (before != null) {
                    throw StewardException.invalid(field + ".role", "both '" + before.name() + "' and '" + output.name() + "' are declared "
                            + spec.role().get().wireName());
                }
            }
        }
        Set<String> declared = new HashSet<>();
        options.outputs().values().stream().filter(s -> s.role().isPresent()).forEach(s -> declared.add(s.name()));
        for (Role role : Role.values()) {
            if (!roles.containsKey(role)) {
                DEFAULT_NAMES.get(role).stream().filter(byName::containsKey).filter(n -> !declared.contains(n)).findFirst()
                        .ifPresent(name -> roles.put(role, byName.get(name)));
            }
        }
        return roles;
    }

    /** skl2onnx's classifiers end in ZipMap unless told otherwise: say how to export them without it. */
    private static String notATensor(TensorInfo output) {
        if (output.onnxType().startsWith("seq(map(")) {
            return "output '" + output.name() + "' is " + output.onnxType() + ", a sequence of maps (skl2onnx's ZipMap): Steward serves and"
                    + " evaluates tensors only. Export the classifier without ZipMap: skl2onnx.to_onnx(model, X, options={'zipmap': False})"
                    + " (or convert_sklearn(model, initial_types=..., options={id(model): {'zipmap': False}})), which gives the probabilities"
                    + " as a [N, classes] tensor";
        }
        return "output '" + output.name() + "' is " + output.onnxType() + ", which Steward cannot serve: every output must be a tensor of "
                + Arrays.toString(Datatype.values());
    }

    private static void checkDeclared(String field, String what, TensorInfo info, Datatype actual, Optional<Datatype> datatype, List<Long> shape) {
        if (datatype.isPresent() && datatype.get() != actual) {
            throw StewardException.invalid(field + ".datatype", "the signature says " + datatype.get() + ", but the graph's " + what + " '"
                    + info.name() + "' is " + actual + " (" + info.onnxType() + ")");
        }
        if (!shape.isEmpty() && !Arrays.equals(shape.stream().mapToLong(Long::longValue).toArray(), info.shape())) {
            throw StewardException.invalid(field + ".shape", "the signature says " + shape + ", but the graph's " + what + " '" + info.name()
                    + "' has the shape " + Arrays.toString(info.shape()) + " (-1: dynamic)");
        }
    }

    private static Task task(PackageImportOptions options, Map<Role, TensorInfo> roles) {
        if (options.task().isPresent()) {
            return options.task().get();
        }
        if (!options.classes().isEmpty()) {
            return options.classes().size() == 2 ? Task.BINARY_CLASSIFICATION : Task.MULTICLASS_CLASSIFICATION;
        }
        if (roles.containsKey(Role.PROBABILITIES) || roles.containsKey(Role.LABEL)) {
            throw StewardException.invalid("classes", "the graph has classifier outputs " + names(roles) + ": give its classes, in the order of"
                    + " the columns of its probabilities");
        }
        if (roles.containsKey(Role.PREDICTION)) {
            return Task.REGRESSION;
        }
        throw StewardException.invalid("task", "say what the graph does (task: binary_classification, multiclass_classification or regression)"
                + " and which output gives it (outputs: [{\"name\": ..., \"role\": \"probabilities\" or \"prediction\"}])");
    }

    private static void checkRoles(Task task, List<String> classes, Map<Role, TensorInfo> roles, PackageImportOptions options) {
        Set<Role> allowed = task.classification() ? Set.of(Role.LABEL, Role.PROBABILITIES) : Set.of(Role.PREDICTION);
        for (PackageImportOptions.OutputSpec spec : options.outputs().values()) {
            if (spec.role().isPresent() && !allowed.contains(spec.role().get())) {
                throw StewardException.invalid("outputs." + spec.name() + ".role", "a " + task.wireName() + " model has no "
                        + spec.role().get().wireName() + " output");
            }
        }
        roles.keySet().retainAll(allowed);
        for (Map.Entry<Role, TensorInfo> e : roles.entrySet()) {
            Datatype datatype = e.getValue().datatype().orElseThrow();
            if (!e.getKey().datatypes().contains(datatype)) {
                throw StewardException.invalid("outputs." + e.getValue().name() + ".role", "output '" + e.getValue().name() + "' is " + datatype
                        + ", but a " + e.getKey().wireName() + " output is one of " + e.getKey().datatypes());
            }
        }
        if (task.classification()) {
            if (classes.isEmpty()) {
                throw StewardException.invalid("classes", "a classifier needs its classes, in the order of the columns of its probabilities (an"
                        + " ONNX graph does not name them in a way Steward can read)");
            }
            if (new HashSet<>(classes).size() != classes.size() || classes.stream().anyMatch(String::isBlank)) {
                throw StewardException.invalid("classes", "classes must be distinct, non-empty names: " + classes);
            }
            if (task == Task.BINARY_CLASSIFICATION ? classes.size() != 2 : classes.size() < 2) {
                throw StewardException.invalid("classes", "a " + task.wireName() + " model needs " + (task == Task.BINARY_CLASSIFICATION
                        ? "exactly 2" : "at least 2") + " classes, not " + classes);
            }
            TensorInfo probabilities = Optional.ofNullable(roles.get(Role.PROBABILITIES)).orElseThrow(() -> StewardException.invalid("outputs",
                    "a classifier needs an output of class probabilities [N, classes]: none is named " + DEFAULT_NAMES.get(Role.PROBABILITIES)
                            + "; declare one (outputs: [{\"name\": ..., \"role\": \"probabilities\"}])"));
            long[] shape = probabilities.shape();
            if (shape.length != 2 || shape[1] >= 0 && shape[1] != classes.size()) {
                throw StewardException.invalid("classes", "the probabilities output '" + probabilities.name() + "' has the shape "
                        + Arrays.toString(shape) + ", which does not hold one column for each of the " + classes.size() + " classes " + classes);
            }
            if (roles.containsKey(Role.LABEL)) {
                oneValuePerRow(roles.get(Role.LABEL));
            }
        } else {
            if (!classes.isEmpty()) {
                throw StewardException.invalid("classes", "a regression model has no classes");
            }
            oneValuePerRow(Optional.ofNullable(roles.get(Role.PREDICTION)).orElseThrow(() -> StewardException.invalid("outputs",
                    "a regression model needs an output of predictions: none is named " + DEFAULT_NAMES.get(Role.PREDICTION)
                            + "; declare one (outputs: [{\"name\": ..., \"role\": \"prediction\"}])")));
        }
    }

    private static void oneValuePerRow(TensorInfo output) {
        long[] shape = output.shape();
        if (!(shape.length == 1 || shape.length == 2 && shape[1] == 1)) {
            throw StewardException.invalid("outputs." + output.name() + ".role", "output '" + output.name() + "' has the shape "
                    + Arrays.toString(shape) + ", not one value per row ([N] or [N, 1])");
        }
    }

    /** Runs the graph once on zeros (empty strings, false) and checks that each role's output has the size the manifest promises. */
    private static void probe(ModelRuntime.LoadedModel model, List<ObjectNode> inputs, Task task, List<String> classes, Map<Role, TensorInfo> roles) {
        long fixed = inputs.stream().mapToLong(i -> i.get("shape").get(0).asLong()).filter(d -> d > 0).findFirst().orElse(1);
        int rows = Math.toIntExact(fixed);
        List<Tensor> batch = new ArrayList<>();
        for (ObjectNode input : inputs) {
            int width = input.get("columns").size();
            long[] shape = input.get("shape").size() == 1 ? new long[] {rows} : new long[] {rows, width};
            Datatype datatype = Datatype.valueOf(input.get("datatype").asText());
            Object data = datatype.newArray(rows * width);
            if (data instanceof String[] strings) {
                Arrays.fill(strings, "");
            }
            batch.add(new Tensor(input.get("name").asText(), datatype, shape, data));
        }
        Set<String> wanted = new HashSet<>();
        roles.values().forEach(o -> wanted.add(o.name()));
        Map<String, Tensor> out;
        try {
            out = model.run(batch, wanted);
        } catch (StewardException e) {
            throw StewardException.invalid("model", "ONNX Runtime cannot run the graph on a batch of zeros: " + e.getMessage());
        }
        for (Map.Entry<Role, TensorInfo> e : roles.entrySet()) {
            Tensor tensor = out.get(e.getValue().name());
            int expected = e.getKey() == Role.PROBABILITIES ? rows * classes.size() : rows;
            if (tensor.size() != expected) {
                throw StewardException.invalid(e.getKey() == Role.PROBABILITIES ? "classes" : "outputs." + tensor.name() + ".role", "the graph's "
                        + e.getKey().wireName() + " output '" + tensor.name() + "' has the shape " + Arrays.toString(tensor.shape()) + " for " + rows
                        + " row(s), where a " + task.wireName() + " model" + (task.classification() ? " of " + classes.size() + " classes" : "")
                        + " gives " + expected / rows + " value(s) per row");
            }
        }
    }

    private static ObjectNode tensor(TensorInfo info) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("name", info.name()).put("datatype", info.datatype().orElseThrow().name()).put("onnx_type", info.onnxType());
        ArrayNode shape = node.putArray("shape");
        for (long d : info.shape()) {
            shape.add(d);
        }
        return node;
    }

    private static List<String> names(Map<Role, TensorInfo> roles) {
        return roles.values().stream().map(TensorInfo::name).toList();
    }
}
