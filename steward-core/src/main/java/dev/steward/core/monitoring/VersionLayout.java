package dev.steward.core.monitoring;

import static java.util.Objects.requireNonNull;

import dev.steward.core.training.ModelSignature;
import dev.steward.core.training.TensorFeed;
import dev.steward.spi.serving.Datatype;
import dev.steward.spi.serving.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the watched features and the predictions sit in the entries one served version logs: for
 * each feature the input tensor that carries its column and the column's place along the tensor's
 * second axis, and the outputs of the probabilities, label and prediction roles. Built once per
 * version and monitor, so that reading a logged row looks nothing up by name. Immutable.
 */
final class VersionLayout {
    private final String key;
    private final String[] inputNames;
    private final int[] inputIndex;
    private final int[] offset;
    private final int[] width;
    private final Optional<String> probabilities;
    private final Optional<String> label;
    private final Optional<String> prediction;
    /** Class k of this version → its index in the reference's classes, or -1. */
    private final int[] classIndex;
    private final List<String> classes;
    private final boolean sameClasses;

    private VersionLayout(String key, String[] inputNames, int[] inputIndex, int[] offset, int[] width, Optional<String> probabilities,
            Optional<String> label, Optional<String> prediction, List<String> classes, List<String> referenceClasses) {
        this.key = key;
        this.inputNames = inputNames;
        this.inputIndex = inputIndex;
        this.offset = offset;
        this.width = width;
        this.probabilities = probabilities;
        this.label = label;
        this.prediction = prediction;
        this.classes = List.copyOf(classes);
        this.classIndex = classes.stream().mapToInt(referenceClasses::indexOf).toArray();
        this.sameClasses = classes.equals(referenceClasses);
    }

    /**
     * The layout of a version with this signature, or why the monitor cannot read its entries (a
     * feature that is not one of its input columns, or that it reads as another kind).
     */
    static Layout of(String key, ModelSignature signature, Reference reference) {
        requireNonNull(signature, "signature is null");
        List<Reference.Feature> features = reference.features;
        String[] names = new String[features.size()];
        int[] index = new int[features.size()];
        int[] offset = new int[features.size()];
        int[] width = new int[features.size()];
        List<ModelSignature.Input> inputs = signature.inputs();
        for (int f = 0; f < features.size(); f++) {
            Reference.Feature feature = features.get(f);
            boolean found = false;
            for (int i = 0; i < inputs.size() && !found; i++) {
                ModelSignature.Input input = inputs.get(i);
                int at = input.columns().indexOf(feature.name());
                if (at < 0) {
                    continue;
                }
                boolean numeric = !TensorFeed.readsText(input.datatype());
                if (numeric != feature.numeric()) {
                    return new Layout(Optional.empty(), Optional.of(key + " reads '" + feature.name() + "' as " + (numeric ? "numbers" : "text")
                            + " where the monitor's reference has it as " + (feature.numeric() ? "numbers" : "categories")));
                }
                names[f] = input.name();
                index[f] = i;
                offset[f] = at;
                width[f] = input.columns().size();
                found = true;
            }
            if (!found) {
                return new Layout(Optional.empty(), Optional.of("'" + feature.name() + "' is not an input column of " + key));
            }
        }
        return new Layout(Optional.of(new VersionLayout(key, names, index, offset, width,
                signature.output(ModelSignature.Role.PROBABILITIES).map(ModelSignature.Output::name),
                signature.output(ModelSignature.Role.LABEL).map(ModelSignature.Output::name),
                signature.output(ModelSignature.Role.PREDICTION).map(ModelSignature.Output::name), signature.classes(), reference.classes)),
                Optional.empty());
    }

    /** A version's layout, or why there is none. */
    record Layout(Optional<VersionLayout> layout, Optional<String> problem) {
    }

    String key() {
        return key;
    }

    /**
     * The tensor of each feature among an entry's inputs (in the signature's order, as the engine
     * logs them); null for a feature whose tensor is missing, of another kind, or too short for
     * the entry's rows, whose values then count as missing.
     */
    Tensor[] tensors(List<Tensor> inputs, int rows, boolean[] numeric) {
        Tensor[] tensors = new Tensor[inputNames.length];
        for (int f = 0; f < tensors.length; f++) {
            Tensor t = find(inputs, f);
            boolean text = t != null && (t.datatype() == Datatype.BYTES || t.datatype() == Datatype.BOOL);
            tensors[f] = t != null && text != numeric[f] && t.size() >= (long) rows * width[f] ? t : null;
        }
        return tensors;
    }

    private Tensor find(List<Tensor> inputs, int f) {
        int i = inputIndex[f];
        if (i < inputs.size() && inputs.get(i).name().equals(inputNames[f])) {
            return inputs.get(i);
        }
        for (Tensor t : inputs) {
            if (t.name().equals(inputNames[f])) {
                return t;
            }
        }
        return null;
    }

    /** Feature {@code f}'s number in row {@code row} of its tensor (NaN when missing). */
    double number(Tensor tensor, int f, int row) {
        return tensor.number(row * width[f] + offset[f]);
    }

    /** Feature {@code f}'s text in row {@code row} of its tensor ("" when missing). */
    String text(Tensor tensor, int f, int row) {
        int at = row * width[f] + offset[f];
        return tensor.datatype() == Datatype.BOOL ? Boolean.toString(tensor.booleans()[at]) : tensor.strings()[at];
    }

    /** Whether this version's classes are the reference's, in the same order (then its probabilities can be calibrated by the reference's). */
    boolean sameClasses() {
        return sameClasses;
    }

    /** The probabilities an entry holds, when it asked for them. */
    Tensor probabilities(Map<String, Tensor> outputs) {
        return probabilities.map(outputs::get).orElse(null);
    }

    Tensor labels(Map<String, Tensor> outputs) {
        return label.map(outputs::get).orElse(null);
    }

    Tensor predictions(Map<String, Tensor> outputs) {
        return prediction.map(outputs::get).orElse(null);
    }

    /** This version's class count (the width of its probabilities). */
    int classCount() {
        return classes.size();
    }

    /** The name of this version's class {@code k}. */
    String className(int k) {
        return classes.get(k);
    }

    /** The reference's index of this version's class {@code k}, or -1 when the reference has no such class. */
    int referenceClass(int k) {
        return classIndex[k];
    }

    /**
     * The label of row {@code row} in a label output: its text (BYTES), or for an integer label the
     * class it numbers when it is no class's name.
     */
    String label(Tensor labels, int row) {
        if (labels.datatype() == Datatype.BYTES) {
            return labels.strings()[row];
        }
        long value = (long) labels.number(row);
        String text = Long.toString(value);
        if (!classes.contains(text) && value >= 0 && value < classes.size()) {
            return classes.get((int) value);
        }
        return text;
    }
}
