package dev.steward.spi.serving;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs ONNX graphs on typed tensors. Thread-safe; a loaded model is thread-safe too and must be
 * closed.
 */
public interface ModelRuntime {
    /**
     * Loads a graph.
     *
     * @throws dev.steward.spi.StewardException {@code INVALID_PARAMETER_VALUE} on field {@code model}, with the runtime's own
     *     error, when the bytes are not a graph the runtime can load
     */
    LoadedModel load(byte[] model);

    /** The runtime's name and version, e.g. {@code onnxruntime 1.28.0}. */
    String version();

    /** A graph ready to run. */
    interface LoadedModel extends AutoCloseable {
        /** The graph's inputs, in the graph's order. */
        List<TensorInfo> inputs();

        /** The graph's outputs, in the graph's order, tensors or not. */
        List<TensorInfo> outputs();

        /** What the graph says about itself (producer, names, metadata properties). */
        GraphMetadata metadata();

        /**
         * Runs a batch: each graph input exactly once, of its datatype and of a shape that fits it
         * (the same rank, the graph's fixed dimensions, any size where the graph has -1).
         *
         * @param outputs the outputs to compute (tensor outputs of the graph); the graph computes only what they need
         * @return the requested outputs by name, in the graph's output order; their arrays belong to the caller
         * @throws dev.steward.spi.StewardException {@code INVALID_PARAMETER_VALUE} on field {@code inputs} for a missing,
         *     unknown, repeated or mistyped input or one of a shape that does not fit (or that the runtime refuses), on
         *     field {@code outputs} for an output the graph lacks or that is not a tensor of a {@link Datatype}
         */
        Map<String, Tensor> run(List<Tensor> inputs, Set<String> outputs);

        @Override
        void close();
    }

    /**
     * A graph input or output: its name, its ONNX type as ONNX spells it ({@code tensor(float)},
     * {@code seq(map(string,tensor(float)))}) and, for a tensor, its shape (-1 for a dynamic
     * dimension; empty for what is not a tensor).
     */
    record TensorInfo(String name, String onnxType, long[] shape) {
        public TensorInfo {
            requireNonNull(name, "name is null");
            requireNonNull(onnxType, "onnxType is null");
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** The datatype of a tensor of a type Steward runs; empty for anything else. */
        public Optional<Datatype> datatype() {
            return Datatype.ofOnnxType(onnxType);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof TensorInfo t && name.equals(t.name) && onnxType.equals(t.onnxType) && Arrays.equals(shape, t.shape);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return name + " " + onnxType + " " + Arrays.toString(shape);
        }
    }

    /**
     * What a graph records about where it came from (empty strings where it says nothing).
     *
     * @param properties the graph's metadata properties ({@code metadata_props}), by key
     */
    record GraphMetadata(String producer, String graphName, String domain, String description, long version, Map<String, String> properties) {
        public GraphMetadata {
            requireNonNull(producer, "producer is null");
            requireNonNull(graphName, "graphName is null");
            requireNonNull(domain, "domain is null");
            requireNonNull(description, "description is null");
            properties = Map.copyOf(properties);
        }
    }
}
