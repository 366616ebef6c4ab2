package dev.steward.core.serving;

import static java.util.Objects.requireNonNull;

import dev.steward.core.training.ModelSignature;
import dev.steward.core.training.TensorFeed;
import dev.steward.spi.ErrorCode;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.Datatype;
import dev.steward.spi.serving.ModelRuntime;
import dev.steward.spi.serving.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registered version loaded into the runtime: its session, its signature, how a request is
 * checked and decoded into the graph's inputs, how the outputs are read as labels and
 * probabilities, and the reference count that keeps the session open while calls are in flight
 * (the engine holds one reference; each call holds one; the last release closes the session).
 * Thread-safe.
 */
final class ServedModel {
    private static final int WARM_CALLS = 3;
    private static final int WARM_BATCH = 8;

    final VersionKey key;
    final ModelSignature signature;
    private final ModelRuntime.LoadedModel session;
    private final Map<String, ModelSignature.Input> inputsByName = new HashMap<>();
    /** The graph's outputs a request may ask for (tensors of a {@link Datatype}), in the graph's order. */
    final List<String> tensorOutputs;
    private final Map<String, ModelRuntime.TensorInfo> graphOutputs = new LinkedHashMap<>();
    /** The dataset columns the inputs read, each once and in order, with whether it is read as text. */
    private final Map<String, Boolean> columns = new LinkedHashMap<>();
    /** Whether requests can share a runtime call: every input and output has a dynamic first axis, the rows. */
    final boolean batchable;
    final Optional<String> labelOutput;
    final Optional<String> probabilitiesOutput;
    final Optional<String> predictionOutput;
    /** The outputs the records protocols read: label and probabilities, or the prediction. */
    final Set<String> roleOutputs;
    private final AtomicInteger references = new AtomicInteger(1);

    ServedModel(VersionKey key, ModelSignature signature, ModelRuntime.LoadedModel session) {
        this.key = requireNonNull(key, "key is null");
        this.signature = requireNonNull(signature, "signature is null");
        this.session = requireNonNull(session, "session is null");
        Map<String, ModelRuntime.TensorInfo> graphInputs = new HashMap<>();
        session.inputs().forEach(i -> graphInputs.put(i.name(), i));
        boolean dynamicRows = true;
        for (ModelSignature.Input input : signature.inputs()) {
            ModelRuntime.TensorInfo graph = graphInputs.get(input.name());
            if (graph == null || graph.datatype().orElse(null) != input.datatype()) {
                throw unusable("its signature's input " + input.name() + " (" + input.datatype() + ") is not an input of its graph, whose inputs are "
                        + session.inputs());
            }
            inputsByName.put(input.name(), input);
            dynamicRows &= input.shape()[0] < 0;
            for (String column : input.columns()) {
                Boolean before = columns.put(column, TensorFeed.readsText(input.datatype()));
                if (before != null && before != TensorFeed.readsText(input.datatype())) {
                    throw unusable("its column " + column + " feeds inputs that read it both as text and as numbers");
                }
            }
        }
        if (graphInputs.size() != signature.inputs().size()) {
            throw unusable("its graph has inputs its signature does not feed: " + session.inputs());
        }
        List<String> returnable = new ArrayList<>();
        for (ModelRuntime.TensorInfo output : session.outputs()) {
            graphOutputs.put(output.name(), output);
            if (output.datatype().isPresent()) {
                returnable.add(output.name());
                long[] shape = output.shape();
                dynamicRows &= shape.length > 0 && shape[0] < 0;
            }
        }
        this.tensorOutputs = List.copyOf(returnable);
        this.batchable = dynamicRows;
        this.labelOutput = role(ModelSignature.Role.LABEL);
        this.probabilitiesOutput = role(ModelSignature.Role.PROBABILITIES);
        this.predictionOutput = role(ModelSignature.Role.PREDICTION);
        Set<String> roles = new LinkedHashSet<>();
        labelOutput.ifPresent(roles::add);
        probabilitiesOutput.ifPresent(roles::add);
        predictionOutput.ifPresent(roles::add);
        this.roleOutputs = Set.copyOf(roles);
    }

    private Optional<String> role(ModelSignature.Role role) {
        Optional<String> name = signature.output(role).map(ModelSignature.Output::name);
        if (name.isPresent() && !tensorOutputs.contains(name.get())) {
            throw unusable("its " + role.wireName() + " output " + name.get() + " is not a tensor output of its graph");
        }
        return name;
    }

    private StewardException unusable(String message) {
        return StewardException.of(ErrorCode.DATA_CORRUPTED, "model version " + key + " cannot be served: " + message);
    }

    /** Takes a reference for a call; false once the engine has let go of the model (then it is closing or closed). */
    boolean acquire() {
        while (true) {
            int count = references.get();
            if (count <= 0) {
                return false;
            }
            if (references.compareAndSet(count, count + 1)) {
                return true;
            }
        }
    }

    /** Gives a reference back; the last one closes the session, releasing its memory. */
    void release() {
        if (references.decrementAndGet() == 0) {
            session.close();
        }
    }

    Map<String, Tensor> run(List<Tensor> inputs, Set<String> outputs) {
        return session.run(inputs, outputs);
    }

    /** A few calls on a synthetic row (and a small batch), so that the first request does not pay for the session's first runs. */
    void warm() {
        Set<String> all = Set.copyOf(tensorOutputs);
        for (int i = 0; i < WARM_CALLS; i++) {
            session.run(synthetic(1), all);
        }
        if (batchable) {
            session.run(synthetic(WARM_BATCH), all);
        }
    }

    private List<Tensor> synthetic(int rows) {
        List<Tensor> tensors = new ArrayList<>();
        for (ModelSignature.Input input : signature.inputs()) {
            long[] shape = input.shape();
            shape[0] = shape[0] > 0 ? shape[0] : rows;
            int size = 1;
            for (int d = 0; d < shape.length; d++) {
                shape[d] = shape[d] < 0 ? 1 : shape[d];
                size *= (int) shape[d];
            }
            Object data = input.datatype().newArray(size);
            if (input.datatype() == Datatype.BYTES) {
                Arrays.fill((String[]) data, input.categories().isEmpty() ? "" : input.categories().get(0));
            }
            tensors.add(new Tensor(input.name(), input.datatype(), shape, data));
        }
        return tensors;
    }

    /** A request checked against the signature: the graph's inputs (in the signature's order), its rows and the outputs to compute. */
    record Decoded(List<Tensor> inputs, int rows, Set<String> outputs) {
    }

    /** Checks typed tensors against the graph's inputs and the outputs asked for. */
    Decoded decode(RequestInput.Tensors request, int maxRows) {
        Map<String, Tensor> given = new HashMap<>();
        for (Tensor tensor : request.tensors()) {
            if (!inputsByName.containsKey(tensor.name())) {
                throw StewardException.invalid(tensor.name(), "model " + key + " has no input '" + tensor.name() + "'; its inputs are " + inputNames());
            }
            if (given.put(tensor.name(), tensor) != null) {
                throw StewardException.invalid(tensor.name(), "input '" + tensor.name() + "' is given twice");
            }
        }
        List<Tensor> inputs = new ArrayList<>(signature.inputs().size());
        List<String> missing = new ArrayList<>();
        for (ModelSignature.Input input : signature.inputs()) {
            Tensor tensor = given.get(input.name());
            if (tensor == null) {
                missing.add(input.name());
                continue;
            }
            if (tensor.datatype() != input.datatype()) {
                throw StewardException.invalid(input.name(), "input '" + input.name() + "' takes " + input.datatype() + ", not " + tensor.datatype());
            }
            inputs.add(tensor);
        }
        if (!missing.isEmpty()) {
            throw StewardException.invalid(missing.get(0), "model " + key + " needs the input" + (missing.size() == 1 ? " '" + missing.get(0) + "'"
                    : "s " + missing) + ", which the request does not give");
        }
        int rows = checkShapes(inputs, maxRows);
        for (Tensor tensor : inputs) {
            ModelSignature.Input input = inputsByName.get(tensor.name());
            if (input.datatype() == Datatype.BYTES) {
                refuseUnknownCategory(input, tensor.strings(), tensor.name());
            }
        }
        Set<String> outputs;
        if (request.outputs().isPresent()) {
            outputs = new LinkedHashSet<>();
            for (String name : request.outputs().get()) {
                outputs.add(checkedOutput(name));
            }
            if (outputs.isEmpty()) {
                throw StewardException.invalid("outputs", "ask for at least one output of " + tensorOutputs + ", or leave 'outputs' out for all");
            }
        } else {
            outputs = Set.copyOf(tensorOutputs);
        }
        return new Decoded(inputs, rows, outputs);
    }

    private String checkedOutput(String name) {
        ModelRuntime.TensorInfo output = graphOutputs.get(name);
        if (output == null) {
            throw StewardException.invalid("outputs", "model " + key + " has no output '" + name + "'; its outputs are " + tensorOutputs);
        }
        if (output.datatype().isEmpty()) {
            throw StewardException.invalid("outputs", "output '" + name + "' is " + output.onnxType() + ", which Steward cannot return; ask for one of "
                    + tensorOutputs);
        }
        return name;
    }

    /** Checks a table of column values and turns it into the graph's inputs, as the signature maps columns to inputs. */
    Decoded decode(RequestInput.Table request, int maxRows) {
        String field = request.field();
        int rows = request.rows();
        if (rows == 0) {
            throw StewardException.invalid(field, "the request holds no rows");
        }
        if (rows > maxRows) {
            throw StewardException.invalid(field, "the request holds " + rows + " rows; the deployment takes at most " + maxRows
                    + " per request (limits.max_rows)");
        }
        List<String> needed = List.copyOf(columns.keySet());
        Map<String, Object[]> byColumn = new HashMap<>();
        if (request.positional()) {
            if (request.values().size() != needed.size()) {
                throw StewardException.invalid(field, "each row holds " + request.values().size() + " values; model " + key + " reads "
                        + needed.size() + " columns, in this order: " + needed);
            }
            for (int i = 0; i < needed.size(); i++) {
                byColumn.put(needed.get(i), request.values().get(i));
            }
        } else {
            for (int i = 0; i < request.columns().size(); i++) {
                String column = request.columns().get(i);
                if (!columns.containsKey(column)) {
                    throw StewardException.invalid(column, "model " + key + " does not read the column '" + column + "'; it reads " + needed);
                }
                if (byColumn.put(column, request.values().get(i)) != null) {
                    throw StewardException.invalid(column, "the column '" + column + "' is given twice");
                }
            }
            List<String> missing = needed.stream().filter(c -> !byColumn.containsKey(c)).toList();
            if (!missing.isEmpty()) {
                throw StewardException.invalid(missing.get(0), "model " + key + " needs the column" + (missing.size() == 1 ? " '" + missing.get(0) + "'"
                        : "s " + missing) + ", which the request does not give");
            }
        }
        Map<String, double[]> numbers = new HashMap<>();
        Map<String, String[]> strings = new HashMap<>();
        for (Map.Entry<String, Boolean> column : columns.entrySet()) {
            Object[] values = byColumn.get(column.getKey());
            if (column.getValue()) {
                strings.put(column.getKey(), texts(column.getKey(), values, request.textual()));
            } else {
                numbers.put(column.getKey(), numbers(column.getKey(), values, request.textual()));
            }
        }
        for (ModelSignature.Input input : signature.inputs()) {
            for (String column : input.columns()) {
                if (strings.containsKey(column)) {
                    refuseUnknownCategory(input, strings.get(column), column);
                }
            }
        }
        int[] indexes = new int[rows];
        for (int i = 0; i < rows; i++) {
            indexes[i] = i;
        }
        List<Tensor> inputs = TensorFeed.ofRequest(signature.inputs(), new TensorFeed.Columns() {
            @Override
            public double[] numbers(String column) {
                return numbers.get(column);
            }

            @Override
            public String[] strings(String column) {
                return strings.get(column);
            }
        }).batch(indexes, rows);
        checkShapes(inputs, maxRows);
        return new Decoded(inputs, rows, roleOutputs);
    }

    private String inputNames() {
        return signature.inputs().stream().map(ModelSignature.Input::name).toList().toString();
    }

    /** Every input of a shape that fits its signature and all of the same number of rows, at least one and at most {@code maxRows}. */
    private int checkShapes(List<Tensor> inputs, int maxRows) {
        long rows = -1;
        String first = null;
        for (Tensor tensor : inputs) {
            ModelSignature.Input input = inputsByName.get(tensor.name());
            long[] expected = input.shape();
            boolean fits = expected.length == tensor.rank();
            for (int d = 0; fits && d < expected.length; d++) {
                fits = expected[d] < 0 || expected[d] == tensor.dimension(d);
            }
            if (!fits) {
                throw StewardException.invalid(input.name(), "input '" + input.name() + "' takes the shape " + Arrays.toString(expected)
                        + " (-1: any size), not " + Arrays.toString(tensor.shape()));
            }
            if (rows < 0) {
                rows = tensor.dimension(0);
                first = tensor.name();
            } else if (tensor.dimension(0) != rows) {
                throw StewardException.invalid(input.name(), "input '" + input.name() + "' has " + tensor.dimension(0) + " rows, but '" + first
                        + "' has " + rows + ": every input needs one entry per row");
            }
        }
        if (rows == 0) {
            throw StewardException.invalid(first, "the request holds no rows");
        }
        if (rows > maxRows) {
            throw StewardException.invalid(first, "the request holds " + rows + " rows; the deployment takes at most " + maxRows
                    + " per request (limits.max_rows)");
        }
        return (int) rows;
    }

    private static void refuseUnknownCategory(ModelSignature.Input input, String[] values, String field) {
        input.unknownCategory(values).ifPresent(value -> {
            throw StewardException.invalid(field, "'" + field + "' holds the category '" + value + "', unseen in training, and the model refuses"
                    + " unknown categories (handle_unknown: error); it knows " + input.categories());
        });
    }

    private static String[] texts(String column, Object[] values, boolean textual) {
        String[] out = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (value == null) {
                out[i] = "";
            } else if (value instanceof String s) {
                out[i] = s;
            } else if (value instanceof Boolean b) {
                out[i] = b.toString();
            } else {
                throw StewardException.invalid(column, "the column '" + column + "' takes text, not the number " + value + (textual ? ""
                        : " (send it as a JSON string)"));
            }
        }
        return out;
    }

    private static double[] numbers(String column, Object[] values, boolean textual) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (value == null) {
                out[i] = Double.NaN;
            } else if (value instanceof Number n) {
                out[i] = n.doubleValue();
            } else if (textual && value instanceof String s) {
                out[i] = parsed(column, s);
            } else {
                throw StewardException.invalid(column, "the column '" + column + "' takes numbers, not " + (value instanceof String s ? "the text \""
                        + s + "\"" : value));
            }
        }
        return out;
    }

    private static double parsed(String column, String text) {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(trimmed);
        } catch (NumberFormatException e) {
            throw StewardException.invalid(column, "the column '" + column + "' takes numbers, not \"" + text + "\"");
        }
    }

    /** A classifier's outputs read as labels, probabilities and, under a threshold, abstentions. */
    Prediction.Classification classify(Map<String, Tensor> outputs, int rows, Optional<DeploymentSpec.Threshold> threshold) {
        List<String> classes = signature.classes();
        int k = classes.size();
        Tensor probabilities = outputs.get(probabilitiesOutput.orElseThrow());
        if (probabilities.size() != rows * k) {
            throw StewardException.internal("model " + key + " answered " + probabilities.size() + " probabilities for " + rows + " rows of " + k
                    + " classes", new IllegalStateException(Arrays.toString(probabilities.shape())));
        }
        double[] p = new double[rows * k];
        for (int i = 0; i < p.length; i++) {
            p[i] = probabilities.number(i);
        }
        Tensor label = labelOutput.map(outputs::get).orElse(null);
        String[] labels = new String[rows];
        String[] predicted = new String[rows];
        double[] confidence = new double[rows];
        boolean[] abstained = new boolean[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (p[r * k + c] > p[r * k + best]) {
                    best = c;
                }
            }
            confidence[r] = p[r * k + best];
            abstained[r] = threshold.isPresent() && !(confidence[r] >= threshold.get().minConfidence());
            if (label == null) {
                predicted[r] = classes.get(best);
            } else {
                predicted[r] = label.datatype() == Datatype.BYTES ? label.strings()[r] : Long.toString((long) label.number(r));
            }
            labels[r] = abstained[r] ? threshold.get().fallbackLabel().orElse(null) : predicted[r];
        }
        return new Prediction.Classification(classes, labels, predicted, p, confidence, abstained);
    }

    /** A regression model's prediction of each row. */
    double[] values(Map<String, Tensor> outputs, int rows) {
        Tensor prediction = outputs.get(predictionOutput.orElseThrow());
        if (prediction.size() != rows) {
            throw StewardException.internal("model " + key + " answered " + prediction.size() + " predictions for " + rows + " rows",
                    new IllegalStateException(Arrays.toString(prediction.shape())));
        }
        double[] values = new double[rows];
        for (int i = 0; i < rows; i++) {
            values[i] = prediction.number(i);
        }
        return values;
    }
}
