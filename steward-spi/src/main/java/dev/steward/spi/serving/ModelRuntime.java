package dev.steward.spi.serving;

import java.util.List;
import java.util.Map;

/**
 * Runs exported models (ONNX graphs). Thread-safe; a loaded model is thread-safe too and must be
 * closed.
 */
public interface ModelRuntime {
    /** Loads a graph; an unreadable one is an {@code INVALID_PARAMETER_VALUE}. */
    LoadedModel load(byte[] model);

    /** The runtime's name and version, e.g. {@code onnxruntime 1.28.0}. */
    String version();

    /** A graph ready to run. */
    interface LoadedModel extends AutoCloseable {
        List<TensorInfo> inputs();

        List<TensorInfo> outputs();

        /**
         * Runs a batch. Inputs are columns of one value per row ({@code double[]} for numeric
         * inputs, {@code String[]} for string inputs), fed as {@code [rows, 1]} tensors. Outputs are
         * {@code String[]} or {@code double[]} for one value per row, {@code double[][]} for several.
         */
        Map<String, Object> run(Map<String, Object> inputs);

        @Override
        void close();
    }

    /** A graph input or output: name, element type as in ONNX ({@code double}, {@code string}), shape (-1 for any). */
    record TensorInfo(String name, String type, long[] shape) {
        public TensorInfo {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }
    }
}
