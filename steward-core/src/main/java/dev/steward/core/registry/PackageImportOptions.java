package dev.steward.core.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.core.training.ModelSignature.Role;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.Datatype;
import dev.steward.spi.training.Task;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What Steward must be told about an ONNX graph built elsewhere to evaluate and serve it, beyond
 * what the graph says itself: the task, the classes (the order of the probability columns), the
 * target column evaluation scores against, which dataset columns feed each input and which output
 * plays which role. The in-code form of a signature file ({@code sig.json}, see
 * {@code docs/model-format.md}); every part is optional, and {@link PackageImporter} applies
 * defaults and refuses what it cannot decide.
 *
 * @param inputs declarations about graph inputs, by input name, in the order given
 * @param outputs declarations about graph outputs, by output name, in the order given
 */
public record PackageImportOptions(Optional<Task> task, List<String> classes, Optional<String> target, Map<String, InputSpec> inputs,
        Map<String, OutputSpec> outputs) {
    /** Nothing declared: everything from the graph and the defaults. */
    public static final PackageImportOptions NONE = new PackageImportOptions(Optional.empty(), List.of(), Optional.empty(), Map.of(), Map.of());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KEYS = Set.of("task", "classes", "target", "inputs", "outputs");
    private static final Set<String> INPUT_KEYS = Set.of("name", "datatype", "shape", "columns");
    private static final Set<String> OUTPUT_KEYS = Set.of("name", "datatype", "shape", "role");

    public PackageImportOptions {
        requireNonNull(task, "task is null");
        classes = List.copyOf(classes);
        requireNonNull(target, "target is null");
        inputs = copy(inputs);
        outputs = copy(outputs);
    }

    /**
     * A declared graph input: the datatype and shape it must have (empty: not declared) and the
     * dataset columns that feed it, in order along its second axis (empty: the default).
     */
    public record InputSpec(String name, Optional<Datatype> datatype, List<Long> shape, List<String> columns) {
        public InputSpec {
            requireNonNull(name, "name is null");
            requireNonNull(datatype, "datatype is null");
            shape = List.copyOf(shape);
            columns = List.copyOf(columns);
        }
    }

    /** A declared graph output: the datatype and shape it must have (empty: not declared) and its role. */
    public record OutputSpec(String name, Optional<Datatype> datatype, List<Long> shape, Optional<Role> role) {
        public OutputSpec {
            requireNonNull(name, "name is null");
            requireNonNull(datatype, "datatype is null");
            shape = List.copyOf(shape);
            requireNonNull(role, "role is null");
        }
    }

    /**
     * Reads a signature file (JSON). Unknown keys and wrong values are refused, naming the field
     * as a path in the file ({@code inputs[0].columns}) prefixed with {@code field}.
     */
    public static PackageImportOptions parse(byte[] signature, String field) {
        requireNonNull(signature, "signature is null");
        JsonNode root;
        try {
            root = JSON.readTree(signature);
        } catch (IOException e) {
            throw StewardException.invalid(field, "the signature is not JSON: " + e.getMessage());
        }
        return parse(root, field);
    }

    /** Reads a signature already parsed (from JSON or YAML), as {@link #parse(byte[], String)}. */
    public static PackageImportOptions parse(JsonNode signature, String field) {
        requireNonNull(signature, "signature is null");
        requireNonNull(field, "field is null");
        if (!signature.isObject()) {
            throw StewardException.invalid(field, "the signature must be a JSON object with task, classes, target, inputs and outputs");
        }
        known(signature, KEYS, field);
        Optional<Task> task = Optional.empty();
        if (signature.has("task")) {
            String name = signature.get("task").asText();
            task = Optional.of(Arrays.stream(Task.values()).filter(t -> t.wireName().equals(name)).findFirst()
                    .orElseThrow(() -> StewardException.invalid(path(field, "task"), "'" + name + "' is not a task: binary_classification,"
                            + " multiclass_classification or regression")));
        }
        List<String> classes = signature.has("classes") ? texts(signature.get("classes"), path(field, "classes")) : List.of();
        Optional<String> target = signature.has("target") ? Optional.of(text(signature.get("target"), path(field, "target"))) : Optional.empty();
        Map<String, InputSpec> inputs = new LinkedHashMap<>();
        JsonNode inputList = list(signature, "inputs", field);
        for (int i = 0; i < inputList.size(); i++) {
            String at = path(field, "inputs[" + i + "]");
            JsonNode input = entry(inputList.get(i), INPUT_KEYS, at);
            String name = text(input.get("name"), at + ".name");
            List<String> columns = input.has("columns") ? texts(input.get("columns"), at + ".columns") : List.of();
            if (input.has("columns") && columns.isEmpty()) {
                throw StewardException.invalid(at + ".columns", "name at least one column");
            }
            put(inputs, name, new InputSpec(name, datatype(input, at), shape(input, at), columns), at);
        }
        Map<String, OutputSpec> outputs = new LinkedHashMap<>();
        JsonNode outputList = list(signature, "outputs", field);
        for (int i = 0; i < outputList.size(); i++) {
            String at = path(field, "outputs[" + i + "]");
            JsonNode output = entry(outputList.get(i), OUTPUT_KEYS, at);
            String name = text(output.get("name"), at + ".name");
            Optional<Role> role = Optional.empty();
            if (output.has("role")) {
                String wire = output.get("role").asText();
                role = Optional.of(Role.ofWireName(wire).orElseThrow(() -> StewardException.invalid(at + ".role", "'" + wire
                        + "' is not a role: label, probabilities or prediction")));
            }
            put(outputs, name, new OutputSpec(name, datatype(output, at), shape(output, at), role), at);
        }
        return new PackageImportOptions(task, classes, target, inputs, outputs);
    }

    public PackageImportOptions withTask(Task newTask) {
        return new PackageImportOptions(Optional.of(requireNonNull(newTask, "newTask is null")), classes, target, inputs, outputs);
    }

    public PackageImportOptions withClasses(List<String> newClasses) {
        return new PackageImportOptions(task, newClasses, target, inputs, outputs);
    }

    public PackageImportOptions withTarget(String newTarget) {
        return new PackageImportOptions(task, classes, Optional.of(requireNonNull(newTarget, "newTarget is null")), inputs, outputs);
    }

    /** The columns that feed input {@code name}, in order. */
    public PackageImportOptions withColumns(String name, List<String> columns) {
        Map<String, InputSpec> changed = new LinkedHashMap<>(inputs);
        InputSpec before = inputs.get(name);
        changed.put(name, new InputSpec(name, before == null ? Optional.empty() : before.datatype(), before == null ? List.of() : before.shape(),
                columns));
        return new PackageImportOptions(task, classes, target, changed, outputs);
    }

    /** Output {@code name} plays {@code role}. */
    public PackageImportOptions withRole(String name, Role role) {
        Map<String, OutputSpec> changed = new LinkedHashMap<>(outputs);
        OutputSpec before = outputs.get(name);
        changed.put(name, new OutputSpec(name, before == null ? Optional.empty() : before.datatype(), before == null ? List.of() : before.shape(),
                Optional.of(role)));
        return new PackageImportOptions(task, classes, target, inputs, changed);
    }

    /**
     * These options with everything {@code other} declares put over them: its task, classes and
     * target when it has them, and its declarations of inputs and outputs in place of these ones
     * of the same name.
     */
    public PackageImportOptions overriddenBy(PackageImportOptions other) {
        requireNonNull(other, "other is null");
        Map<String, InputSpec> in = new LinkedHashMap<>(inputs);
        in.putAll(other.inputs);
        Map<String, OutputSpec> out = new LinkedHashMap<>(outputs);
        out.putAll(other.outputs);
        return new PackageImportOptions(other.task.or(() -> task), other.classes.isEmpty() ? classes : other.classes, other.target.or(() -> target),
                in, out);
    }

    private static <T> Map<String, T> copy(Map<String, T> map) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    private static <T> void put(Map<String, T> specs, String name, T spec, String at) {
        if (specs.put(name, spec) != null) {
            throw StewardException.invalid(at + ".name", "'" + name + "' is declared twice");
        }
    }

    private static void known(JsonNode node, Set<String> keys, String at) {
        node.fieldNames().forEachRemaining(key -> {
            if (!keys.contains(key)) {
                throw StewardException.invalid(path(at, key), "unknown key '" + key + "'; the keys are " + new java.util.TreeSet<>(keys));
            }
        });
    }

    private static JsonNode list(JsonNode signature, String key, String field) {
        JsonNode list = signature.path(key);
        if (list.isMissingNode()) {
            return JSON.createArrayNode();
        }
        if (!list.isArray()) {
            throw StewardException.invalid(path(field, key), "'" + key + "' must be a list of objects with a name");
        }
        return list;
    }

    private static JsonNode entry(JsonNode node, Set<String> keys, String at) {
        if (!node.isObject()) {
            throw StewardException.invalid(at, "must be an object with a name");
        }
        known(node, keys, at);
        return node;
    }

    private static Optional<Datatype> datatype(JsonNode node, String at) {
        if (!node.has("datatype")) {
            return Optional.empty();
        }
        String name = node.get("datatype").asText();
        return Optional.of(Datatype.ofName(name).orElseThrow(() -> StewardException.invalid(at + ".datatype", "'" + name
                + "' is not a datatype Steward runs: " + Arrays.toString(Datatype.values()))));
    }

    private static List<Long> shape(JsonNode node, String at) {
        if (!node.has("shape")) {
            return List.of();
        }
        JsonNode shape = node.get("shape");
        List<Long> dims = new ArrayList<>();
        if (shape.isArray() && !shape.isEmpty()) {
            for (JsonNode d : shape) {
                if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < -1) {
                    dims.clear();
                    break;
                }
                dims.add(d.asLong());
            }
        }
        if (dims.isEmpty()) {
            throw StewardException.invalid(at + ".shape", "a shape is a list of dimensions, -1 for a dynamic one, e.g. [-1, 4]");
        }
        return dims;
    }

    private static String text(JsonNode node, String at) {
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw StewardException.invalid(at, "must be a non-empty string");
        }
        return node.asText();
    }

    private static List<String> texts(JsonNode node, String at) {
        if (!node.isArray()) {
            throw StewardException.invalid(at, "must be a list of strings");
        }
        List<String> values = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String value = text(node.get(i), at + "[" + i + "]");
            if (!seen.add(value)) {
                throw StewardException.invalid(at + "[" + i + "]", "'" + value + "' is listed twice");
            }
            values.add(value);
        }
        return values;
    }

    private static String path(String field, String key) {
        return field.isEmpty() ? key : field + "." + key;
    }
}
