package dev.steward.runtime.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.steward.spi.StewardException;
import dev.steward.spi.serving.ModelRuntime;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link ModelRuntime} on ONNX Runtime (CPU). Thread-safe: ONNX Runtime sessions may run concurrently. */
public final class OnnxModelRuntime implements ModelRuntime {
    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final int threads;

    /** {@code threads}: intra-op threads per session (0: ONNX Runtime's default). */
    public OnnxModelRuntime(int threads) {
        this.threads = threads;
    }

    @Override
    public String version() {
        return "onnxruntime " + environment.getVersion();
    }

    @Override
    public LoadedModel load(byte[] model) {
        try {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            return new Session(environment.createSession(model, options));
        } catch (OrtException e) {
            throw StewardException.invalid("model", "ONNX Runtime cannot load the model: " + e.getMessage());
        }
    }

    private final class Session implements LoadedModel {
        private final OrtSession session;
        private final List<ModelRuntime.TensorInfo> inputs;
        private final List<ModelRuntime.TensorInfo> outputs;

        Session(OrtSession session) throws OrtException {
            this.session = session;
            this.inputs = describe(session.getInputInfo());
            this.outputs = describe(session.getOutputInfo());
        }

        private static List<ModelRuntime.TensorInfo> describe(Map<String, NodeInfo> nodes) {
            List<ModelRuntime.TensorInfo> list = new ArrayList<>();
            nodes.forEach((name, node) -> {
                if (node.getInfo() instanceof ai.onnxruntime.TensorInfo t) {
                    list.add(new ModelRuntime.TensorInfo(name, t.type.toString().toLowerCase(), t.getShape()));
                } else {
                    list.add(new ModelRuntime.TensorInfo(name, node.getInfo().toString(), new long[0]));
                }
            });
            return List.copyOf(list);
        }

        @Override
        public List<ModelRuntime.TensorInfo> inputs() {
            return inputs;
        }

        @Override
        public List<ModelRuntime.TensorInfo> outputs() {
            return outputs;
        }

        @Override
        public Map<String, Object> run(Map<String, Object> columns) {
            Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
            try {
                for (ModelRuntime.TensorInfo input : inputs) {
                    Object column = columns.get(input.name());
                    if (column == null) {
                        throw StewardException.invalid("inputs", "the model needs the input '" + input.name() + "' (" + input.type() + ")");
                    }
                    tensors.put(input.name(), tensor(input, column));
                }
                try (OrtSession.Result result = session.run(tensors)) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    for (Map.Entry<String, OnnxValue> e : result) {
                        out.put(e.getKey(), value((OnnxTensor) e.getValue()));
                    }
                    return out;
                }
            } catch (OrtException e) {
                throw StewardException.invalid("inputs", "ONNX Runtime refused the inputs: " + e.getMessage());
            } finally {
                tensors.values().forEach(OnnxTensor::close);
            }
        }

        private OnnxTensor tensor(ModelRuntime.TensorInfo input, Object column) throws OrtException {
            if (column instanceof double[] numbers) {
                if (!input.type().equals("double")) {
                    throw StewardException.invalid("inputs", "input '" + input.name() + "' takes " + input.type() + ", not numbers");
                }
                return OnnxTensor.createTensor(environment, DoubleBuffer.wrap(numbers), new long[] {numbers.length, 1});
            }
            if (column instanceof String[] strings) {
                if (!input.type().equals("string")) {
                    throw StewardException.invalid("inputs", "input '" + input.name() + "' takes " + input.type() + ", not strings");
                }
                return OnnxTensor.createTensor(environment, strings, new long[] {strings.length, 1});
            }
            throw new IllegalArgumentException("input " + input.name() + " must be double[] or String[]");
        }

        private static Object value(OnnxTensor tensor) throws OrtException {
            long[] shape = tensor.getInfo().getShape();
            OnnxJavaType type = tensor.getInfo().type;
            int rows = (int) shape[0];
            int width = 1;
            for (int i = 1; i < shape.length; i++) {
                width *= (int) shape[i];
            }
            if (type == OnnxJavaType.STRING) {
                String[] flat = new String[rows * width];
                Object value = tensor.getValue();
                flatten(value, flat, new int[] {0});
                return flat;
            }
            double[] flat = new double[rows * width];
            switch (type) {
                case DOUBLE -> tensor.getDoubleBuffer().get(flat);
                case FLOAT -> {
                    java.nio.FloatBuffer b = tensor.getFloatBuffer();
                    for (int i = 0; i < flat.length; i++) {
                        flat[i] = b.get(i);
                    }
                }
                case INT64 -> {
                    java.nio.LongBuffer b = tensor.getLongBuffer();
                    for (int i = 0; i < flat.length; i++) {
                        flat[i] = b.get(i);
                    }
                }
                default -> throw new IllegalStateException("unsupported output type " + type);
            }
            if (shape.length == 1 || width == 1 && shape.length == 2 && shape[1] == 1) {
                return flat;
            }
            double[][] matrix = new double[rows][width];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(flat, r * width, matrix[r], 0, width);
            }
            return matrix;
        }

        private static void flatten(Object value, String[] out, int[] at) {
            if (value instanceof String s) {
                out[at[0]++] = s;
            } else if (value instanceof Object[] array) {
                for (Object o : array) {
                    flatten(o, out, at);
                }
            }
        }

        @Override
        public void close() {
            try {
                session.close();
            } catch (OrtException e) {
                throw StewardException.internal("closing an ONNX Runtime session", e);
            }
        }
    }
}
