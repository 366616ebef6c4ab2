package dev.steward.core.training;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.data.ColumnType;
import dev.steward.spi.serving.Datatype;
import dev.steward.spi.training.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a package's graph is fed from dataset columns and how its outputs are read, as its manifest
 * says (see {@code docs/model-format.md}): each input with its datatype, shape and the columns
 * that fill it; each output with its datatype, shape and, for the outputs evaluation and serving
 * rely on, its role. Steward's own packages feed one {@code [N,1]} input per column of the same
 * name and name their outputs after their roles; imported graphs ({@code origin} in the manifest)
 * say both explicitly.
 *
 * @param target the column evaluation scores against, when the manifest names one
 */
public record ModelSignature(Task task, List<Input> inputs, List<Output> outputs, List<String> classes, Optional<String> target) {
    public ModelSignature {
        requireNonNull(task, "task is null");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        classes = List.copyOf(classes);
        requireNonNull(target, "target is null");
    }

    /** What an output means to evaluation and serving. */
    public enum Role {
        /** The predicted class, one per row. */
        LABEL(Set.of(Datatype.BYTES, Datatype.INT64, Datatype.INT32)),
        /** The class probabilities, {@code [N, classes]} in the order of {@code classes}. */
        PROBABILITIES(Set.of(Datatype.FP32, Datatype.FP64)),
        /** The regression prediction, one per row. */
        PREDICTION(Set.of(Datatype.FP32, Datatype.FP64, Datatype.INT32, Datatype.INT64));

        private final Set<Datatype> datatypes;

        Role(Set<Datatype> datatypes) {
            this.datatypes = datatypes;
        }

        /** The datatypes an output of this role may have. */
        public Set<Datatype> datatypes() {
            return datatypes;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Role> ofWireName(String name) {
            return Arrays.stream(values()).filter(r -> r.wireName().equals(name)).findFirst();
        }
    }

    /**
     * A graph input and the dataset columns that fill it: one column for a {@code [N]} or
     * {@code [N,1]} input, the columns in order along the second axis of an {@code [N,k]} one.
     *
     * @param categories for Steward's categorical inputs, the categories seen in training
     * @param refusesUnknownCategories whether the model was trained with {@code handle_unknown: error}
     */
    public record Input(String name, Datatype datatype, long[] shape, List<String> columns, List<String> categories, boolean refusesUnknownCategories) {
        public Input {
            requireNonNull(name, "name is null");
            requireNonNull(datatype, "datatype is null");
            shape = shape.clone();
            columns = List.copyOf(columns);
            categories = List.copyOf(categories);
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** The fixed batch size the graph demands, or 0 when the first dimension is dynamic. */
        public long fixedBatch() {
            return Math.max(0, shape[0]);
        }

        /**
         * The first of {@code values} that is a category unseen in training, when this input
         * refuses those ({@code unknown_categories: error}); the empty string (missing) is never one.
         */
        public Optional<String> unknownCategory(String[] values) {
            if (refusesUnknownCategories) {
                Set<String> known = Set.copyOf(categories);
                for (String value : values) {
                    if (!value.isEmpty() && !known.contains(value)) {
                        return Optional.of(value);
                    }
                }
            }
            return Optional.empty();
        }
    }

    public record Output(String name, Datatype datatype, long[] shape, Optional<Role> role) {
        public Output {
            requireNonNull(name, "name is null");
            requireNonNull(datatype, "datatype is null");
            shape = shape.clone();
            requireNonNull(role, "role is null");
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }
    }

    public boolean classification() {
        return task.classification();
    }

    public Optional<Output> output(Role role) {
        return outputs.stream().filter(o -> o.role().equals(Optional.of(role))).findFirst();
    }

    /**
     * The columns the inputs read, in input order, each mapped to whether it is read as text (else
     * as numbers), checked against a table's schema.
     *
     * @param where the table, as messages name it ({@code penguins version 2}, {@code 'new.csv'})
     * @throws StewardException {@code INVALID_PARAMETER_VALUE} on field {@code dataset} naming the column and its input when the
     *     schema lacks a column or has one of a type its input cannot take ({@link #takes})
     */
    public Map<String, Boolean> columnsToRead(Map<String, ColumnType> schema, String where) {
        Map<String, Boolean> read = new LinkedHashMap<>();
        for (Input input : inputs) {
            for (String name : input.columns()) {
                ColumnType type = schema.get(name);
                if (type == null) {
                    throw StewardException.invalid("dataset", "the model needs the column '" + name + "' (input " + input.name() + "), which " + where
                            + " does not have");
                }
                boolean asText = TensorFeed.readsText(input.datatype());
                if (!takes(input.datatype(), type)) {
                    throw StewardException.invalid("dataset", "the model needs '" + name + "' to be " + (asText ? "boolean" : "numeric") + " (input "
                            + input.name() + " is " + input.datatype() + "), but in " + where + " it is " + type.name().toLowerCase(Locale.ROOT));
                }
                readAs(read, name, asText);
            }
        }
        return read;
    }

    /** Whether a column of this type can feed an input of this datatype: any as text (BYTES), booleans as BOOL, numbers as the rest. */
    public static boolean takes(Datatype input, ColumnType column) {
        return switch (input) {
            case BYTES -> true;
            case BOOL -> column == ColumnType.BOOLEAN;
            case FP32, FP64, INT32, INT64 -> column.numeric();
        };
    }

    /** Records how a column is read (as text or as numbers); one column cannot feed inputs that need both. */
    static void readAs(Map<String, Boolean> read, String column, boolean asText) {
        Boolean before = read.put(column, asText);
        if (before != null && before != asText) {
            throw StewardException.invalid("dataset", "the column '" + column + "' would have to be read both as numbers and as text (it feeds"
                    + " inputs of different datatypes, or is also the target)");
        }
    }

    /** True for a graph Steward did not train (the manifest records its {@code origin}). */
    public static boolean imported(JsonNode manifest) {
        return manifest.path("origin").isObject();
    }

    /**
     * Reads the signature of a manifest that {@link ModelPackage#readManifest} accepted.
     *
     * @throws StewardException {@code DATA_CORRUPTED} when the manifest does not describe a usable signature
     */
    public static ModelSignature of(JsonNode manifest) {
        boolean imported = imported(manifest);
        Task task = Arrays.stream(Task.values()).filter(t -> t.wireName().equals(manifest.path("task").asText())).findFirst()
                .orElseThrow(() -> corrupted("its task '" + manifest.path("task").asText() + "' is not one Steward knows"));
        List<Input> inputs = new ArrayList<>();
        for (JsonNode input : manifest.path("inputs")) {
            String name = text(input, "name", "an input");
            Datatype datatype = datatype(input, "input " + name);
            long[] shape = shape(input, "input " + name);
            List<String> columns = input.has("columns") ? strings(input.get("columns"), "input " + name + "'s columns") : List.of(name);
            int width = shape.length == 1 ? 1 : shape.length == 2 && shape[1] >= 0 ? (int) shape[1] : columns.size();
            if (shape.length < 1 || shape.length > 2 || columns.isEmpty() || columns.size() != width) {
                throw corrupted("input " + name + " of shape " + Arrays.toString(shape) + " is fed by " + columns.size() + " columns");
            }
            List<String> categories = input.has("categories") ? strings(input.get("categories"), "input " + name + "'s categories") : List.of();
            inputs.add(new Input(name, datatype, shape, columns, categories, input.path("unknown_categories").asText().equals("error")));
        }
        List<Output> outputs = new ArrayList<>();
        for (JsonNode output : manifest.path("outputs")) {
            String name = text(output, "name", "an output");
            Optional<Role> role;
            if (imported) {
                role = output.has("role") ? Optional.of(Role.ofWireName(output.get("role").asText())
                        .orElseThrow(() -> corrupted("output " + name + " has the unknown role '" + output.get("role").asText() + "'"))) : Optional.empty();
            } else {
                // Steward's own graphs name their outputs after what they are.
                role = Role.ofWireName(name);
            }
            Datatype datatype = datatype(output, "output " + name);
            if (role.isPresent() && !role.get().datatypes().contains(datatype)) {
                throw corrupted("output " + name + " is " + datatype + ", which a " + role.get().wireName() + " output cannot be");
            }
            outputs.add(new Output(name, datatype, shape(output, "output " + name), role));
        }
        List<String> classes = manifest.has("classes") ? strings(manifest.get("classes"), "classes") : List.of();
        Optional<String> target = manifest.path("target").isTextual() ? Optional.of(manifest.get("target").asText())
                : manifest.at("/training_data/0/target").isTextual() ? Optional.of(manifest.at("/training_data/0/target").asText()) : Optional.empty();
        ModelSignature signature = new ModelSignature(task, inputs, outputs, classes, target);
        if (task.classification()) {
            if (classes.isEmpty()) {
                throw corrupted("a classifier has no classes");
            }
            Output probabilities = signature.output(Role.PROBABILITIES).orElseThrow(() -> corrupted("a classifier has no probabilities output"));
            long[] shape = probabilities.shape();
            if (shape.length != 2 || shape[1] >= 0 && shape[1] != classes.size()) {
                throw corrupted("the probabilities output has the shape " + Arrays.toString(shape) + " for " + classes.size() + " classes");
            }
        } else if (signature.output(Role.PREDICTION).isEmpty()) {
            throw corrupted("a regression model has no prediction output");
        }
        return signature;
    }

    private static Datatype datatype(JsonNode node, String what) {
        return Datatype.ofName(node.path("datatype").asText())
                .orElseThrow(() -> corrupted(what + " has the datatype '" + node.path("datatype").asText() + "', not one of " + Arrays.toString(Datatype.values())));
    }

    private static long[] shape(JsonNode node, String what) {
        JsonNode shape = node.path("shape");
        if (!shape.isArray() || shape.isEmpty()) {
            throw corrupted(what + " has no shape");
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!shape.get(i).canConvertToLong() || shape.get(i).asLong() < -1) {
                throw corrupted(what + " has the shape " + shape);
            }
            dims[i] = shape.get(i).asLong();
        }
        return dims;
    }

    private static String text(JsonNode node, String field, String what) {
        if (!node.path(field).isTextual() || node.get(field).asText().isEmpty()) {
            throw corrupted(what + " has no " + field + ": " + node);
        }
        return node.get(field).asText();
    }

    private static List<String> strings(JsonNode array, String what) {
        List<String> values = new ArrayList<>();
        if (!array.isArray()) {
            throw corrupted(what + " is not a list");
        }
        for (JsonNode value : array) {
            if (!value.isTextual()) {
                throw corrupted(what + " holds " + value + ", which is not text");
            }
            values.add(value.asText());
        }
        return values;
    }

    private static StewardException corrupted(String message) {
        return StewardException.of(ErrorCode.DATA_CORRUPTED, "the model manifest is not usable: " + message);
    }
}
